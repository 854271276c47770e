// "Improve recognition": learns from the user's confirmed faces (improveRecognition), shows whether
// it helped on held-out confirmed faces, and offers to undo a kept improvement.
import { useState } from 'react';
import type { HeldOutScores, ImproveSummary } from '../../../electron/shared/api.ts';
import { useActions, useClient } from '../context.ts';
import { errorMessage } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const SCORES: ReadonlyArray<{ key: keyof HeldOutScores; label: string }> = [
  { key: 'pairwise_f', label: 'Grouping (pairwise F)' },
  { key: 'bcubed_f', label: 'Grouping (BCubed F)' },
  { key: 'verification', label: 'Same / different person' },
];

export function ImproveDialog() {
  const client = useClient();
  const actions = useActions();
  const [phase, setPhase] = useState<'idle' | 'running' | 'undoing' | 'done' | 'undone'>('idle');
  const [result, setResult] = useState<ImproveSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = phase === 'running' || phase === 'undoing';
  const close = () => {
    if (!busy) actions.setDialog(null);
  };

  const run = async () => {
    setPhase('running');
    setError(null);
    try {
      setResult(await client.improveRecognition());
      setPhase('done');
    } catch (err) {
      setError(errorMessage(err));
      setPhase('idle');
    }
  };

  const undo = async () => {
    setPhase('undoing');
    setError(null);
    try {
      await client.undoImproveRecognition();
      setPhase('undone');
    } catch (err) {
      setError(errorMessage(err));
      setPhase('done');
    }
  };

  return (
    <Dialog title="Improve recognition" onClose={close} className="improve-dialog">
      <p className="muted">
        Kith learns from the faces you confirmed and the ones you said are someone else, then regroups people
        — but only if that groups your confirmed faces better. Nothing leaves this computer.
      </p>
      <div role="status" aria-live="polite" aria-busy={busy}>
        {phase === 'running' && <p>Learning from your corrections…</p>}
        {phase === 'undoing' && <p>Undoing and regrouping…</p>}
        {result && phase !== 'running' && (
          <div className="improve-result">
            <p>
              <strong>
                {result.kept
                  ? 'Kept: people were regrouped with what Kith learned.'
                  : result.before
                    ? 'Not kept because it did not help your confirmed faces.'
                    : 'Nothing to learn from yet.'}
              </strong>{' '}
              <span className="muted">{result.reason}</span>
            </p>
            {result.before && result.after && (
              <table className="improve-scores">
                <caption className="sr-only">Held-out scores of your confirmed faces</caption>
                <thead>
                  <tr>
                    <th scope="col">Score</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {SCORES.map(({ key, label }) => (
                    <tr key={key}>
                      <th scope="row">{label}</th>
                      <td>{pct(result.before?.[key] ?? 0)}</td>
                      <td>{pct(result.after?.[key] ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="muted">
              {result.confirmedFaces} confirmed faces of {result.people} people, {result.hardNegatives} “not
              this person” pairs; {result.seconds.toFixed(1)} s.
            </p>
          </div>
        )}
        {phase === 'undone' && <p>Undone: people were regrouped as before.</p>}
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        {result?.kept && phase === 'done' && (
          <button type="button" className="button" onClick={() => void undo()}>
            Undo
          </button>
        )}
        <button type="button" className="button" onClick={close} disabled={busy}>
          {phase === 'idle' ? 'Cancel' : 'Close'}
        </button>
        {(phase === 'idle' || phase === 'running') && (
          <button
            type="button"
            className="button is-primary"
            data-autofocus
            disabled={busy}
            onClick={() => void run()}
          >
            {busy ? 'Improving…' : 'Improve'}
          </button>
        )}
      </div>
    </Dialog>
  );
}
