// "Improve recognition": learns from the user's confirmed faces (improveRecognition), shows whether
// it helped on held-out confirmed faces, and offers to undo a kept improvement. Training runs in a
// worker thread of the service; the dialog polls its progress (getImproveProgress) while it runs.
import { useEffect, useState } from 'react';
import type { ImproveProgress, ImproveSummary } from '../../../electron/shared/api.ts';
import { useActions, useClient } from '../context.ts';
import { improveOutcome } from '../correction-words.ts';
import { errorMessage } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';

const pct = (x: number) => `${Math.round(x * 100)}%`;

const POLL_MS = 250;

const PHASE_TEXT: Record<ImproveProgress['phase'], string> = {
  training: 'Learning from your corrections…',
  checking: 'Checking it on faces it did not learn from…',
  regrouping: 'Regrouping people…',
};

/** The service's training progress, polled while `active`. */
function useImproveProgress(active: boolean): ImproveProgress | null {
  const client = useClient();
  const [progress, setProgress] = useState<ImproveProgress | null>(null);
  useEffect(() => {
    if (!active) {
      setProgress(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const p = await client.getImproveProgress();
        if (!stopped) setProgress(p);
      } catch {
        // A missed poll is harmless: the next one (or the result) follows.
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, client]);
  return progress;
}

export function ImproveDialog() {
  const client = useClient();
  const actions = useActions();
  const [phase, setPhase] = useState<'idle' | 'running' | 'undoing' | 'done' | 'undone'>('idle');
  const [result, setResult] = useState<ImproveSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = phase === 'running' || phase === 'undoing';
  const progress = useImproveProgress(phase === 'running');
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

  const cancel = async () => {
    try {
      await client.cancelImproveRecognition();
    } catch (err) {
      setError(errorMessage(err));
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
        {phase === 'running' && (
          <div className="improve-progress">
            <p>{PHASE_TEXT[progress?.phase ?? 'training']}</p>
            <progress
              max={progress?.steps || 1}
              value={progress?.steps ? progress.step : undefined}
              aria-label="Training progress"
            />
            {progress?.phase === 'training' && progress.steps > 0 && (
              <p className="muted">
                Step {progress.step} of {progress.steps}
              </p>
            )}
          </div>
        )}
        {phase === 'undoing' && <p>Undoing and regrouping…</p>}
        {result && phase !== 'running' && (
          <div className="improve-result">
            <p>
              <strong>{improveOutcome(result).headline}</strong>
            </p>
            {improveOutcome(result).detail && <p className="muted">{improveOutcome(result).detail}</p>}
            {result.untouched && (
              <p className="muted">
                People it did not learn from: {pct(result.untouched.before.bcubed_f)} →{' '}
                {pct(result.untouched.after.bcubed_f)} grouped right.
              </p>
            )}
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
        {phase === 'running' ? (
          <button
            type="button"
            className="button"
            disabled={progress?.phase === 'regrouping'}
            onClick={() => void cancel()}
          >
            Cancel
          </button>
        ) : (
          <button type="button" className="button" onClick={close} disabled={busy}>
            {phase === 'idle' ? 'Cancel' : 'Close'}
          </button>
        )}
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
