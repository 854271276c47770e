// People: a virtualised grid of everyone, largest first (or by name), with search, hidden people,
// multi-select (Ctrl/Cmd/Shift-click, Space) and merge — from the selection or by dragging one person
// onto another.
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { PersonSummary } from '../../../electron/shared/api.ts';
import type { FaceSize } from '../../../electron/shared/media.ts';
import { useActions, useApp } from '../context.ts';
import { num, plural } from '../format.ts';
import { PEOPLE_GRID } from '../grid-geometry.ts';
import { displayName } from '../store/app-store.ts';
import { modeOf } from '../store/selection.ts';
import { Dialog } from './Dialog.tsx';
import { CheckIcon, CloseIcon, EyeIcon, MergeIcon, SearchIcon } from './icons.tsx';
import { FaceThumb, faceSizeFor } from './Thumbs.tsx';
import { VirtualGrid } from './VirtualGrid.tsx';

const DRAG_TYPE = 'application/x-kith-person';

export function PeopleView() {
  const people = useApp((s) => s.people);
  const query = useApp((s) => s.query);
  const total = useApp((s) => s.peopleTotal);
  const hiddenCount = useApp((s) => s.hiddenCount);
  const selection = useApp((s) => s.peopleSelection);
  const loaded = useApp((s) => s.peopleLoaded);
  const busy = useApp((s) => s.busy);
  const actions = useActions();
  const [merge, setMerge] = useState<{ ids: number[]; target: number } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const selected = useMemo(() => new Set(selection.ids), [selection.ids]);
  const byId = useMemo(() => new Map(people.map((p) => [p.id, p])), [people]);

  const open = useCallback(
    (i: number) => {
      const p = people[i];
      if (p) void actions.navigate({ view: 'person', personId: p.id });
    },
    [people, actions],
  );

  const startMerge = (ids: number[], target?: number) => {
    const chosen = ids.map((id) => byId.get(id)).filter((p): p is PersonSummary => p !== undefined);
    const best = [...chosen].sort(
      (a, b) => Number(b.name !== null) - Number(a.name !== null) || b.faceCount - a.faceCount,
    )[0];
    if (chosen.length < 2 || !best) return;
    setMerge({ ids: chosen.map((p) => p.id), target: target ?? best.id });
  };

  const header = (
    <div className="view-header">
      <div className="view-title-row">
        <h1 className="view-title">People</h1>
        <span className="view-count">{loaded ? plural(total, 'person', 'people') : ''}</span>
        <button
          type="button"
          className="button is-quiet"
          onClick={() => actions.setDialog('merges')}
          title="Pairs of people who are probably one person: merge, or say they are different"
        >
          Suggested merges
        </button>
        <button
          type="button"
          className="button is-quiet"
          onClick={() => actions.setDialog('improve')}
          title="Learn from your corrections and regroup people"
        >
          Improve recognition
        </button>
      </div>
      <div className="toolbar" role="toolbar" aria-label="People">
        <label className="search">
          <SearchIcon size={16} />
          <input
            ref={searchRef}
            id="people-search"
            type="search"
            placeholder="Search by name"
            aria-label="Search people by name"
            value={query.search}
            onChange={(e) => void actions.setQuery({ search: e.target.value })}
          />
        </label>
        <div className="segmented" role="radiogroup" aria-label="Sort people">
          {(['size', 'name'] as const).map((sort) => (
            // biome-ignore lint/a11y/useSemanticElements: a segmented control: buttons in the ARIA radio pattern
            <button
              key={sort}
              type="button"
              role="radio"
              aria-checked={query.sort === sort}
              className={query.sort === sort ? 'is-on' : ''}
              onClick={() => void actions.setQuery({ sort })}
            >
              {sort === 'size' ? 'Most photos' : 'Name'}
            </button>
          ))}
        </div>
        <button
          type="button"
          className={`chip${query.includeHidden ? ' is-on' : ''}`}
          aria-pressed={query.includeHidden}
          onClick={() => void actions.setQuery({ includeHidden: !query.includeHidden })}
          disabled={hiddenCount === 0 && !query.includeHidden}
        >
          <EyeIcon size={16} /> Hidden{hiddenCount > 0 ? ` (${num(hiddenCount)})` : ''}
        </button>
        <div className="toolbar-spacer" />
        {selection.ids.length > 0 && (
          <div className="selection-bar" role="toolbar" aria-label="Selected people">
            <span className="selection-count">{selection.ids.length} selected</span>
            <button
              type="button"
              className="button is-primary"
              disabled={selection.ids.length < 2 || busy}
              onClick={() => startMerge([...selection.ids])}
            >
              <MergeIcon size={16} /> Merge
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Clear selection"
              onClick={actions.clearPeopleSelection}
            >
              <CloseIcon size={16} />
            </button>
          </div>
        )}
      </div>
    </div>
  );

  return (
    <section className="view" aria-label="People">
      <VirtualGrid
        className="people-grid"
        label="People"
        count={people.length}
        keyOf={(i) => people[i]!.id}
        minCellWidth={PEOPLE_GRID.minCellWidth}
        cellHeight={PEOPLE_GRID.cellHeight}
        gap={PEOPLE_GRID.gap}
        padding={PEOPLE_GRID.padding}
        multiselectable
        selecting={selection.ids.length > 0}
        header={header}
        empty={
          loaded && (
            <div className="empty">
              {query.search ? (
                <p>No one named “{query.search}”.</p>
              ) : (
                <>
                  <p className="empty-title">No people yet</p>
                  <p className="muted">People appear here once a scan has found faces seen more than once.</p>
                </>
              )}
            </div>
          )
        }
        isSelected={(i) => selected.has(people[i]!.id)}
        cellLabel={(i) => {
          const p = people[i]!;
          return `${displayName(p)}, ${plural(p.photoCount, 'photo')}${p.hidden ? ', hidden' : ''}`;
        }}
        renderCell={(i, width, scrolling) => (
          <PersonCard
            person={people[i]!}
            selected={selected.has(people[i]!.id)}
            size={faceSizeFor(width)}
            defer={scrolling}
          />
        )}
        onCellClick={(i, e) => {
          const mode = modeOf(e);
          if (mode !== 'single' || selection.ids.length > 0)
            actions.selectPerson(people[i]!.id, mode === 'single' ? 'toggle' : mode);
          else open(i);
        }}
        onCellOpen={open}
        onCellToggle={(i, extend) => actions.selectPerson(people[i]!.id, extend ? 'add-range' : 'toggle')}
        draggable
        onCellDragStart={(i, e) => {
          e.dataTransfer.setData(DRAG_TYPE, String(people[i]!.id));
          e.dataTransfer.effectAllowed = 'move';
        }}
        onCellDrop={(i, e) => {
          const source = Number(e.dataTransfer.getData(DRAG_TYPE));
          const target = people[i]!.id;
          if (Number.isInteger(source) && source > 0 && source !== target)
            startMerge([target, source], target);
        }}
      />
      {merge && (
        <MergeDialog
          people={merge.ids.map((id) => byId.get(id)!).filter(Boolean)}
          target={merge.target}
          onTarget={(target) => setMerge({ ...merge, target })}
          onClose={() => setMerge(null)}
          onConfirm={() => {
            const { ids, target } = merge;
            setMerge(null);
            void actions.mergePeople(
              target,
              ids.filter((x) => x !== target),
            );
          }}
        />
      )}
    </section>
  );
}

const PersonCard = memo(function PersonCard(props: {
  person: PersonSummary;
  selected: boolean;
  size: FaceSize;
  defer: boolean;
}) {
  const { person, selected } = props;
  return (
    <div className={`person-card${person.hidden ? ' is-hidden' : ''}`}>
      <div className="person-cover">
        <FaceThumb
          faceId={person.coverFaceId}
          size={props.size}
          round
          label={displayName(person)}
          defer={props.defer}
        />
        <span className={`check${selected ? ' is-on' : ''}`} aria-hidden="true">
          <CheckIcon size={14} />
        </span>
      </div>
      <div className={`person-name${person.name === null ? ' is-unnamed' : ''}`}>{displayName(person)}</div>
      <div className="person-count">
        {plural(person.photoCount, 'photo')}
        {person.hidden ? ' · hidden' : ''}
      </div>
    </div>
  );
});

function MergeDialog(props: {
  people: PersonSummary[];
  target: number;
  onTarget: (id: number) => void;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const faces = props.people.reduce((n, p) => n + p.faceCount, 0);
  return (
    <Dialog title={`Merge ${props.people.length} people?`} onClose={props.onClose} className="merge-dialog">
      <p className="muted">
        They become one person with {plural(faces, 'face')}. Choose who they are; you can undo this.
      </p>
      <div role="radiogroup" aria-label="Keep" className="merge-options">
        {props.people.map((p) => (
          <label key={p.id} className={`merge-option${p.id === props.target ? ' is-on' : ''}`}>
            <input
              type="radio"
              name="merge-target"
              checked={p.id === props.target}
              onChange={() => props.onTarget(p.id)}
            />
            <FaceThumb faceId={p.coverFaceId} size={96} round label={displayName(p)} />
            <span className={p.name === null ? 'is-unnamed' : ''}>{displayName(p)}</span>
            <span className="muted">{plural(p.faceCount, 'face')}</span>
          </label>
        ))}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="button is-primary" data-autofocus onClick={props.onConfirm}>
          <MergeIcon size={16} /> Merge
        </button>
      </div>
    </Dialog>
  );
}
