// Suggested merges (issue 15 item 6): pairs of people that are probably one person, most alike first,
// one pair at a time. M merges them (into the named or bigger one), D says "different people" (kept
// apart for good, a cannot-link), S skips; both answers are undoable corrections.
import { type KeyboardEvent, useCallback, useEffect, useState } from 'react';
import type { MergeSuggestion } from '../../../electron/shared/api.ts';
import { useActions, useApp, useClient } from '../context.ts';
import { likenessText, mergeTarget } from '../correction-words.ts';
import { plural } from '../format.ts';
import { displayName, errorMessage } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';
import { CloseIcon, MergeIcon } from './icons.tsx';
import { FaceThumb } from './Thumbs.tsx';

export function MergeSuggestionsDialog() {
  const client = useClient();
  const actions = useActions();
  const busy = useApp((s) => s.busy);
  const [pairs, setPairs] = useState<readonly MergeSuggestion[] | null>(null);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const close = () => actions.setDialog(null);

  const load = useCallback(async () => {
    try {
      setPairs((await client.listMergeSuggestions({ limit: 100 })).pairs);
    } catch (err) {
      setError(errorMessage(err));
      setPairs([]);
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const pair = pairs?.[index];
  const answer = async (what: 'merge' | 'different' | 'skip') => {
    if (!pair || busy) return;
    if (what === 'merge') {
      const target = mergeTarget(pair.a, pair.b);
      const source = target.id === pair.a.id ? pair.b : pair.a;
      await actions.mergePeople(target.id, [source.id]);
    } else if (what === 'different') {
      await actions.keepApart(pair.a.id, pair.b.id);
    }
    // People later in the list may be gone (merged): drop pairs that name one of them.
    const gone = what === 'merge' ? new Set([pair.a.id, pair.b.id]) : new Set<number>();
    setPairs((ps) => {
      if (!ps) return ps;
      const rest = ps.slice(index + 1).filter((p) => !gone.has(p.a.id) && !gone.has(p.b.id));
      return [...ps.slice(0, index + 1), ...rest];
    });
    setIndex((i) => i + 1);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const k = e.key.toLowerCase();
    const what = k === 'm' ? 'merge' : k === 'd' ? 'different' : k === 's' ? 'skip' : null;
    if (what) {
      e.preventDefault();
      e.stopPropagation();
      void answer(what);
    }
  };

  return (
    <Dialog title="Suggested merges" onClose={close} className="review-dialog merge-suggestions">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: M / D / S answer; the buttons do the same */}
      <div className="review" onKeyDown={onKeyDown}>
        {pairs === null && <p className="muted">Looking for people who may be one person…</p>}
        {pairs !== null && !pair && (
          <p>
            {pairs.length === 0
              ? 'No suggestions: no two people look alike enough.'
              : `Done: ${plural(pairs.length, 'suggestion')} reviewed.`}
          </p>
        )}
        {pair && (
          <>
            <p className="muted" aria-live="polite">
              {index + 1} of {pairs!.length} · {likenessText(pair.similarity)}
            </p>
            <div className="review-images merge-pair">
              {[pair.a, pair.b].map((p) => (
                <figure key={p.id}>
                  <FaceThumb faceId={p.coverFaceId} size={256} label={displayName(p)} />
                  <figcaption>
                    <strong>{displayName(p)}</strong>{' '}
                    <span className="muted">{plural(p.faceCount, 'face')}</span>
                  </figcaption>
                </figure>
              ))}
            </div>
            <p className="review-question" id="merge-question">
              Are these the same person?
            </p>
            <div className="toolbar review-actions" role="toolbar" aria-labelledby="merge-question">
              <button
                type="button"
                className="button is-primary"
                data-autofocus
                aria-disabled={busy}
                aria-keyshortcuts="M"
                onClick={() => void answer('merge')}
              >
                <MergeIcon size={16} /> Same person: merge <kbd>M</kbd>
              </button>
              <button
                type="button"
                className="button"
                aria-disabled={busy}
                aria-keyshortcuts="D"
                onClick={() => void answer('different')}
              >
                <CloseIcon size={16} /> Different people <kbd>D</kbd>
              </button>
              <button
                type="button"
                className="button is-quiet"
                aria-disabled={busy}
                aria-keyshortcuts="S"
                onClick={() => void answer('skip')}
              >
                Skip <kbd>S</kbd>
              </button>
            </div>
          </>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
