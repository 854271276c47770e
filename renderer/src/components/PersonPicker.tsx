// Choose a person (move faces to…, merge into…): type to filter, arrows and Enter to pick. A picker
// searches everyone, whatever the People view's search box holds (issue 15 item 5). Given `rankFor`,
// it ranks people for merging with that person: likely the same first with their likeness shown,
// then named people (listMergeCandidates), with bigger faces.
import { useEffect, useMemo, useState } from 'react';
import type { MergeCandidate, PersonSummary } from '../../../electron/shared/api.ts';
import { useApp, useClient } from '../context.ts';
import { likenessText } from '../correction-words.ts';
import { plural } from '../format.ts';
import { displayName } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';
import { PlusIcon } from './icons.tsx';
import { FaceThumb } from './Thumbs.tsx';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const MAX_SHOWN = 200;

/** Everyone (not the People view's filtered list), and the merge ranking when asked for. */
function usePickerPeople(rankFor: number | undefined) {
  const client = useClient();
  const filtered = useApp((s) => s.people);
  const [all, setAll] = useState<readonly PersonSummary[] | null>(null);
  const [ranked, setRanked] = useState<readonly MergeCandidate[] | null>(null);
  useEffect(() => {
    let live = true;
    client
      .listPeople({ sort: 'size', search: '', includeHidden: false })
      .then((r) => live && setAll(r.people))
      .catch(() => {});
    if (rankFor !== undefined) {
      client
        .listMergeCandidates({ personId: rankFor })
        .then((r) => live && setRanked(r.candidates))
        .catch(() => {});
    }
    return () => {
      live = false;
    };
  }, [client, rankFor]);
  return { people: all ?? filtered, ranked };
}

export function PersonPicker(props: {
  title: string;
  exclude?: readonly number[];
  allowNew?: boolean;
  /** Rank people for merging with this person (nearest first, likeness shown). */
  rankFor?: number;
  onPick: (to: number | 'new') => void;
  onClose: () => void;
}) {
  const { people, ranked } = usePickerPeople(props.rankFor);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => {
    const q = fold(query.trim());
    const excluded = new Set(props.exclude ?? []);
    const matches = people.filter(
      (p) => !excluded.has(p.id) && (q === '' || (p.name !== null && fold(p.name).includes(q))),
    );
    if (ranked) {
      const rank = new Map(ranked.map((c, i) => [c.personId, i]));
      matches.sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
    } else {
      // Named people first: they are what one moves faces to.
      matches.sort((a, b) => Number(b.name !== null) - Number(a.name !== null));
    }
    const list: Array<PersonSummary | 'new'> = props.allowNew ? ['new', ...matches] : matches;
    return list.slice(0, MAX_SHOWN);
  }, [people, ranked, query, props.exclude, props.allowNew]);
  const similarity = useMemo(() => new Map((ranked ?? []).map((c) => [c.personId, c.similarity])), [ranked]);

  const pick = (o: PersonSummary | 'new' | undefined) => {
    if (o === undefined) return;
    props.onPick(o === 'new' ? 'new' : o.id);
  };

  return (
    <Dialog title={props.title} onClose={props.onClose} className={`picker${ranked ? ' is-ranked' : ''}`}>
      <input
        type="search"
        className="input"
        placeholder="Search people"
        aria-label="Search people"
        aria-controls="picker-list"
        aria-activedescendant={options[active] ? `picker-${active}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(options.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            pick(options[active]);
          }
        }}
      />
      <div id="picker-list" role="listbox" aria-label="People" className="picker-list">
        {options.map((o, i) => (
          <div
            key={o === 'new' ? 'new' : o.id}
            id={`picker-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`picker-option${i === active ? ' is-active' : ''}`}
            onMouseEnter={() => setActive(i)}
            onClick={() => pick(o)}
            onKeyDown={(e) => e.key === 'Enter' && pick(o)}
          >
            {o === 'new' ? (
              <>
                <span className="thumb is-round is-empty picker-new">
                  <PlusIcon />
                </span>
                <span className="picker-name">New person</span>
              </>
            ) : (
              <>
                <FaceThumb faceId={o.coverFaceId} size={96} round label={displayName(o)} />
                <span className={`picker-name${o.name === null ? ' is-unnamed' : ''}`}>{displayName(o)}</span>
                <span className="picker-count">
                  {similarity.get(o.id) != null && (
                    <span className="picker-likeness">{likenessText(similarity.get(o.id)!)} · </span>
                  )}
                  {plural(o.faceCount, 'face')}
                </span>
              </>
            )}
          </div>
        ))}
        {options.length === 0 && <p className="muted picker-empty">No one matches “{query}”.</p>}
      </div>
    </Dialog>
  );
}
