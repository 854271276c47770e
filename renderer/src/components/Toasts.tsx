// What just happened, with Undo for corrections. Announced politely to screen readers.
import { useActions, useApp } from '../context.ts';
import { CloseIcon, UndoIcon } from './icons.tsx';

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const actions = useActions();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast${t.kind === 'error' ? ' is-error' : ''}`}>
          <span>{t.message}</span>
          {t.openPersonId !== undefined && (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                actions.dismissToast(t.id);
                void actions.navigate({ view: 'person', personId: t.openPersonId! });
              }}
            >
              Open
            </button>
          )}
          {t.undo && (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                actions.dismissToast(t.id);
                void actions.undo();
              }}
            >
              <UndoIcon size={14} /> Undo
            </button>
          )}
          <button
            type="button"
            className="icon-button is-small"
            aria-label="Dismiss"
            onClick={() => actions.dismissToast(t.id)}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
