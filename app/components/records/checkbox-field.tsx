import { useId, type ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

/** A labelled checkbox with its hint and error (FormField renders text inputs, selects and textareas). */
export function CheckboxField({ label, hint, error, ...field }: UseFormRegisterReturn & { label: ReactNode; hint?: ReactNode; error?: string }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="check" htmlFor={id}>
        <input type="checkbox" id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined} {...field} />
        <span>{label}</span>
      </label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
