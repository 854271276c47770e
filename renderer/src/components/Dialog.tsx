// A modal dialog: labelled, focus moved in on open and back on close, Escape and backdrop close it,
// Tab stays inside.
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Visually hide the title (it still labels the dialog). */
  hideTitle?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The marked element first, else the first that can take focus: a disabled button cannot (the
    // photo viewer's first buttons are while it loads), and focus left behind would keep the keys.
    const first =
      ref.current?.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)') ??
      ref.current?.querySelector<HTMLElement>('input:not(:disabled), button:not(:disabled)');
    // Without scrolling: a long dialog (the shortcut list) opens at its title, not at its last button.
    (first ?? ref.current)?.focus({ preventScroll: true });
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
    } else if (e.key === 'Tab') {
      const focusable = ref.current?.querySelectorAll<HTMLElement>(
        'button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])',
      );
      if (!focusable || focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it; Escape does for keyboards
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`dialog ${props.className ?? ''}`}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className={props.hideTitle ? 'sr-only' : 'dialog-title'}>
          {props.title}
        </h2>
        {props.children}
      </div>
    </div>
  );
}
