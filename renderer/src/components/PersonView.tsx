// One person: name (click to edit), cover, hide, merge into someone; their faces (virtualised, multi-
// select) with move / split / "not this person" / confirm / set cover; their photos by date.
import { type KeyboardEvent, memo, useMemo, useState } from 'react';
import type { PersonFace } from '../../../electron/shared/api.ts';
import type { FaceSize } from '../../../electron/shared/media.ts';
import { useActions, useApp } from '../context.ts';
import { photoDate, plural } from '../format.ts';
import { displayName } from '../store/app-store.ts';
import { modeOf } from '../store/selection.ts';
import {
  CheckIcon,
  ChevronLeftIcon,
  CloseIcon,
  EyeIcon,
  EyeOffIcon,
  MergeIcon,
  MoveIcon,
  PencilIcon,
  SplitIcon,
  StarIcon,
  UserMinusIcon,
} from './icons.tsx';
import { PersonPicker } from './PersonPicker.tsx';
import { ReviewDialog } from './ReviewDialog.tsx';
import { FaceThumb, faceSizeFor, PhotoThumb } from './Thumbs.tsx';
import { VirtualGrid } from './VirtualGrid.tsx';

export function PersonView() {
  const detail = useApp((s) => s.person);
  const tab = useApp((s) => s.personTab);

  if (!detail) {
    return (
      <section className="view" aria-label="Person" aria-busy="true">
        <div className="view-header">
          <BackButton />
        </div>
      </section>
    );
  }
  const { person } = detail;
  return (
    <section className="view" aria-label={displayName(person)}>
      {tab === 'faces' ? <FacesGrid /> : <PhotosGrid />}
      <ReviewDialog />
      {/* The header is rendered inside each grid so it scrolls away with the content. */}
      <span className="sr-only" aria-live="polite">
        {displayName(person)}: {plural(person.faceCount, 'face')}
      </span>
    </section>
  );
}

function BackButton() {
  const actions = useActions();
  return (
    <button type="button" className="back" onClick={() => void actions.navigate({ view: 'people' })}>
      <ChevronLeftIcon size={16} /> People
    </button>
  );
}

function PersonHeader() {
  const detail = useApp((s) => s.person)!;
  const tab = useApp((s) => s.personTab);
  const busy = useApp((s) => s.busy);
  const suggestions = useApp((s) => s.suggestions.length);
  const actions = useActions();
  const { person } = detail;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [merging, setMerging] = useState(false);

  const save = () => {
    setEditing(false);
    if (draft.trim() !== (person.name ?? '')) void actions.renamePerson(person.id, draft);
  };

  return (
    <div className="view-header person-header">
      <BackButton />
      <div className="person-hero">
        <FaceThumb faceId={person.coverFaceId} size={256} round label={displayName(person)} />
        <div className="person-hero-text">
          {editing ? (
            <input
              className="name-input"
              aria-label="Name"
              placeholder="Name"
              // biome-ignore lint/a11y/noAutofocus: the user just asked to edit the name
              autoFocus
              value={draft}
              maxLength={200}
              onChange={(e) => setDraft(e.target.value)}
              onBlur={save}
              onKeyDown={(e) => {
                if (e.key === 'Enter') save();
                if (e.key === 'Escape') {
                  e.stopPropagation();
                  setEditing(false);
                }
              }}
            />
          ) : (
            <h1 className="view-title">
              <button
                type="button"
                className={`name-button${person.name === null ? ' is-unnamed' : ''}`}
                onClick={() => {
                  setDraft(person.name ?? '');
                  setEditing(true);
                }}
                aria-label={person.name === null ? 'Add a name' : `Rename ${person.name}`}
              >
                {person.name ?? 'Add a name'}
                <PencilIcon size={16} />
              </button>
            </h1>
          )}
          <p className="muted">
            {plural(person.photoCount, 'photo')} · {plural(person.faceCount, 'face')}
            {person.hidden ? ' · hidden from People' : ''}
          </p>
          <div className="toolbar" role="toolbar" aria-label="Person">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void actions.setHidden(person.id, !person.hidden)}
            >
              {person.hidden ? <EyeIcon size={16} /> : <EyeOffIcon size={16} />}
              {person.hidden ? 'Show in People' : 'Hide'}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setMerging(true)}>
              <MergeIcon size={16} /> Merge into…
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void actions.dismissPerson(person.id)}
              title="Not a face, or faces to ignore: they leave People and Unassigned for good (Undo brings them back)"
            >
              <CloseIcon size={16} /> Not a face
            </button>
            {suggestions > 0 && (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={actions.startReview}
                title="Faces Kith was least sure of: yes or no, one at a time"
              >
                <CheckIcon size={16} /> Review {plural(suggestions, 'suggestion')}
              </button>
            )}
          </div>
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Show">
        {(['faces', 'photos'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'is-on' : ''}
            onClick={() => actions.setPersonTab(t)}
          >
            {t === 'faces' ? plural(detail.faces.length, 'face') : plural(detail.photos.length, 'photo')}
          </button>
        ))}
      </div>
      {tab === 'faces' && <FaceSelectionBar />}
      {merging && (
        <PersonPicker
          title={`Merge ${displayName(person)} into…`}
          exclude={[person.id]}
          rankFor={person.id}
          onClose={() => setMerging(false)}
          onPick={(to) => {
            setMerging(false);
            if (to !== 'new') void actions.mergePeople(to, [person.id]);
          }}
        />
      )}
    </div>
  );
}

export function FaceSelectionBar({ unassigned = false }: { unassigned?: boolean }) {
  const selection = useApp((s) => (unassigned ? s.unassignedSelection : s.faceSelection));
  const person = useApp((s) => s.person?.person);
  const busy = useApp((s) => s.busy);
  const actions = useActions();
  const [moving, setMoving] = useState(false);
  const n = selection.ids.length;
  return (
    <div
      className={`selection-bar faces-bar${n === 0 ? ' is-idle' : ''}`}
      role="toolbar"
      aria-label="Selected faces"
    >
      {n === 0 ? (
        <span className="muted">
          Click faces to select them · Shift-click for a range · ⌘/Ctrl-click to add · drag to select many
        </span>
      ) : (
        <>
          {/* The count and its × first: where a narrow window wraps the buttons, the × is not left alone. */}
          <span className="selection-count">{plural(n, 'face')} selected</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Clear selection"
            onClick={actions.clearFaceSelection}
          >
            <CloseIcon size={16} />
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => setMoving(true)}>
            <MoveIcon size={16} /> {unassigned ? 'Add to person…' : 'Move to…'}
          </button>
          {!unassigned && person && (
            <>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void actions.splitSelectedFaces()}
              >
                <SplitIcon size={16} /> Split into new person
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void actions.rejectSelectedFaces()}
              >
                <UserMinusIcon size={16} /> Not {person.name ?? 'this person'}
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void actions.confirmSelectedFaces()}
              >
                <CheckIcon size={16} /> Confirm
              </button>
              {n === 1 && (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => void actions.setCover(person.id, selection.ids[0]!)}
                >
                  <StarIcon size={16} /> Make cover
                </button>
              )}
            </>
          )}
        </>
      )}
      {moving && (
        <PersonPicker
          title={`Move ${plural(n, 'face')} to…`}
          exclude={person && !unassigned ? [person.id] : []}
          allowNew
          onClose={() => setMoving(false)}
          onPick={(to) => {
            setMoving(false);
            void actions.moveSelectedFaces(to);
          }}
        />
      )}
    </div>
  );
}

/** Pointer handlers shared by the face grids: click / shift-click / toggle, open the photo, rubber band. */
export function faceGridHandlers(
  faces: ReadonlyArray<{ faceId: number; photoId: number }>,
  actions: ReturnType<typeof useActions>,
  sequence: readonly number[],
) {
  return {
    onCellClick: (i: number, e: { shiftKey: boolean; metaKey: boolean; ctrlKey: boolean }) =>
      actions.selectFace(faces[i]!.faceId, modeOf(e)),
    onCellToggle: (i: number, extend: boolean) =>
      actions.selectFace(faces[i]!.faceId, extend ? 'add-range' : 'toggle'),
    onCellOpen: (i: number) => void actions.openPhoto(faces[i]!.photoId, sequence),
    onBand: (indices: readonly number[], additive: boolean, start: boolean) =>
      actions.bandSelectFaces(
        indices.map((i) => faces[i]!.faceId),
        additive,
        start,
      ),
  };
}

/** Keys on a face grid: Ctrl/Cmd-A selects all, Delete says "not this person", Escape clears. */
export function faceGridKeys(
  e: KeyboardEvent,
  actions: ReturnType<typeof useActions>,
  options: { reject: boolean; selected: boolean },
): void {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
    e.preventDefault();
    actions.selectAllFaces();
  } else if (e.key === 'Escape') {
    // Handled only when there is a selection to clear: otherwise Escape goes back (App's keys).
    if (options.selected) {
      e.preventDefault();
      actions.clearFaceSelection();
    }
  } else if (options.reject && (e.key === 'Delete' || e.key === 'Backspace')) {
    e.preventDefault();
    void actions.rejectSelectedFaces();
  }
}

function FacesGrid() {
  const detail = useApp((s) => s.person)!;
  const selection = useApp((s) => s.faceSelection);
  const actions = useActions();
  const faces = detail.faces;
  const selected = useMemo(() => new Set(selection.ids), [selection.ids]);
  const sequence = useMemo(() => detail.photos.map((p) => p.photoId), [detail.photos]);
  const cover = detail.person.coverFaceId;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard shortcuts for the grid inside
    <div
      className="grid-host"
      onKeyDown={(e) => faceGridKeys(e, actions, { reject: true, selected: selection.ids.length > 0 })}
    >
      <VirtualGrid
        label={`Faces of ${displayName(detail.person)}`}
        count={faces.length}
        keyOf={(i) => faces[i]!.faceId}
        minCellWidth={112}
        cellHeight={(w) => w}
        gap={10}
        multiselectable
        selecting={selection.ids.length > 0}
        header={<PersonHeader />}
        isSelected={(i) => selected.has(faces[i]!.faceId)}
        cellLabel={(i) => faceLabel(faces[i]!, cover)}
        renderCell={(i, width, scrolling) => (
          <FaceCell
            face={faces[i]!}
            selected={selected.has(faces[i]!.faceId)}
            cover={cover}
            size={faceSizeFor(width)}
            defer={scrolling}
          />
        )}
        {...faceGridHandlers(faces, actions, sequence)}
      />
    </div>
  );
}

function faceLabel(face: PersonFace, cover: number | null): string {
  const parts = [`Face from ${photoDate(face.takenAt, face.dateApproximate)}`];
  if (face.source === 'user') parts.push('confirmed');
  if (face.faceId === cover) parts.push('cover');
  return parts.join(', ');
}

const FaceCell = memo(function FaceCell({
  face,
  selected,
  cover,
  size,
  defer,
}: {
  face: PersonFace;
  selected: boolean;
  cover: number | null;
  size: FaceSize;
  defer: boolean;
}) {
  return (
    <div className="face-cell">
      <FaceThumb faceId={face.faceId} size={size} defer={defer} />
      <span className={`check${selected ? ' is-on' : ''}`} aria-hidden="true">
        <CheckIcon size={14} />
      </span>
      {face.faceId === cover && (
        <span className="face-badge" title="Cover">
          <StarIcon size={12} />
        </span>
      )}
      {face.source === 'user' && <span className="face-dot" title="Confirmed by you" />}
    </div>
  );
});

function PhotosGrid() {
  const detail = useApp((s) => s.person)!;
  const actions = useActions();
  const photos = detail.photos;
  const sequence = useMemo(() => photos.map((p) => p.photoId), [photos]);
  const open = (i: number) => void actions.openPhoto(photos[i]!.photoId, sequence);
  return (
    <VirtualGrid
      label={`Photos of ${displayName(detail.person)}`}
      count={photos.length}
      keyOf={(i) => photos[i]!.photoId}
      minCellWidth={200}
      cellHeight={(w) => Math.round(w * 0.75) + 24}
      gap={12}
      header={<PersonHeader />}
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
  );
}
