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
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus], input, button');
    (first ?? ref.current)?.focus();
    return () => before?.focus?.();
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
