// Photos, filtered by people: choose one or several people (chips) and see the photos that show all
// of them, by date. No one chosen: every photo.
import { useMemo, useState } from 'react';
import { useActions, useApp } from '../context.ts';
import { photoDate, plural } from '../format.ts';
import { displayName, MAX_PHOTO_FILTER } from '../store/app-store.ts';
import { CloseIcon, PlusIcon } from './icons.tsx';
import { PersonPicker } from './PersonPicker.tsx';
import { FaceThumb, PhotoThumb } from './Thumbs.tsx';
import { VirtualGrid } from './VirtualGrid.tsx';

export function PhotosView() {
  const photos = useApp((s) => s.photos);
  const total = useApp((s) => s.photosTotal);
  const loaded = useApp((s) => s.photosLoaded);
  const filter = useApp((s) => s.photoFilter);
  const people = useApp((s) => s.people);
  const actions = useActions();
  const [picking, setPicking] = useState(false);
  const sequence = useMemo(() => photos.map((p) => p.photoId), [photos]);
  const chosen = useMemo(() => {
    const byId = new Map(people.map((p) => [p.id, p]));
    return filter.map((id) => ({ id, person: byId.get(id) }));
  }, [filter, people]);
  const open = (i: number) => void actions.openPhoto(photos[i]!.photoId, sequence);

  const header = (
    <div className="view-header">
      <div className="view-title-row">
        <h1 className="view-title">Photos</h1>
        <span className="view-count" aria-live="polite">
          {plural(total, 'photo')}
        </span>
      </div>
      <fieldset className="chips" aria-label="People in the photos">
        {chosen.length === 0 && (
          <span className="muted">Everyone · choose people to see photos with all of them</span>
        )}
        {chosen.map(({ id, person }) => {
          const name = person ? displayName(person) : `#${id}`;
          return (
            <span key={id} className="chip is-on person-chip">
              <FaceThumb faceId={person?.coverFaceId ?? null} size={96} round label={name} />
              {name}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${name} from the filter`}
                onClick={() => void actions.togglePhotoPerson(id)}
              >
                <CloseIcon size={14} />
              </button>
            </span>
          );
        })}
        <button
          type="button"
          className="chip"
          disabled={filter.length >= MAX_PHOTO_FILTER}
          onClick={() => setPicking(true)}
        >
          <PlusIcon size={14} /> {filter.length === 0 ? 'Filter by person' : 'Add person'}
        </button>
        {filter.length > 0 && (
          <button type="button" className="chip" onClick={() => void actions.setPhotoFilter([])}>
            Clear
          </button>
        )}
      </fieldset>
      {picking && (
        <PersonPicker
          title="Photos with…"
          exclude={filter}
          onClose={() => setPicking(false)}
          onPick={(to) => {
            setPicking(false);
            if (to !== 'new') void actions.togglePhotoPerson(to);
          }}
        />
      )}
    </div>
  );

  return (
    <section className="view" aria-label="Photos" aria-busy={!loaded}>
      <VirtualGrid
        label={filter.length === 0 ? 'All photos' : 'Photos with the chosen people'}
        count={photos.length}
        keyOf={(i) => photos[i]!.photoId}
        minCellWidth={200}
        cellHeight={(w) => Math.round(w * 0.75) + 24}
        gap={12}
        header={header}
        empty={
          loaded && (
            <div className="empty">
              <p className="empty-title">No photo shows all of them together</p>
            </div>
          )
        }
        cellLabel={(i) =>
          `${photos[i]!.fileName}, ${photoDate(photos[i]!.takenAt, photos[i]!.dateApproximate)}`
        }
        renderCell={(i) => (
          <figure className="photo-cell">
            <PhotoThumb photoId={photos[i]!.photoId} alt="" />
            <figcaption>{photoDate(photos[i]!.takenAt, photos[i]!.dateApproximate)}</figcaption>
          </figure>
        )}
        onCellClick={open}
        onCellOpen={open}
      />
    </section>
  );
}
