import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/** A one-off message for the user, typically the session's flash after a redirect. */
export interface FlashMessage {
  /** Distinguishes two flashes with the same text; set it when the server has one. */
  id?: string;
  text: string;
  /** Default "info". "danger" messages stay until dismissed (errors must not vanish unread). */
  tone?: 'info' | 'success' | 'warning' | 'danger';
}

/** Props of {@link Toaster}. */
export interface ToasterProps {
  /** The message to show; a new object shows again, null/undefined leaves the current one. */
  message?: FlashMessage | null;
  /** Milliseconds before a non-danger message hides itself; paused on hover and focus. Default 6000. */
  duration?: number;
}

/**
 * The live region for flash messages: always in the page (role="status", aria-live="polite")
 * so screen readers announce what appears in it. A message hides itself after `duration`
 * unless pointed at or focused; Escape or the Dismiss button closes it.
 */
export function Toaster({ message, duration = 6000 }: ToasterProps) {
  const [current, setCurrent] = useState<FlashMessage | null>(message ?? null);
  const [paused, setPaused] = useState(false);
  const regionRef = useRef<HTMLDivElement>(null);

  // Revalidations after fetcher actions bring `null` while a message shows: keep it.
  useEffect(() => {
    if (message) setCurrent(message);
  }, [message]);

  useEffect(() => {
    if (!current || paused || current.tone === 'danger' || duration <= 0) return;
    const timer = setTimeout(() => setCurrent(null), duration);
    return () => clearTimeout(timer);
  }, [current, paused, duration]);

  function dismiss() {
    const hadFocus = regionRef.current?.contains(document.activeElement) ?? false;
    setCurrent(null);
    setPaused(false);
    // The focused button is about to disappear: hand focus to the content, not to <body>.
    if (hadFocus) document.getElementById('main')?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && current) {
      event.stopPropagation();
      dismiss();
    }
  }

  const tone = current?.tone ?? 'info';
  return (
    <div
      ref={regionRef}
      className="toaster"
      onKeyDown={onKeyDown}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setPaused(false);
      }}
    >
      <div role="status" aria-live="polite" aria-atomic="true">
        {current ? (
          <div key={current.id ?? current.text} className={`toast toast--${tone}`}>
            <p className="toast__text">{current.text}</p>
            <button
              type="button"
              className="button button--ghost button--sm toast__close"
              aria-label="Dismiss notification"
              onClick={dismiss}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
