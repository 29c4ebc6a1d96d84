import { forwardRef, useId, type ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

type CheckboxFieldProps = Omit<UseFormRegisterReturn, 'ref'> & { label: ReactNode; hint?: ReactNode; error?: string };

/**
 * A labelled checkbox with its hint and error (FormField renders text inputs, selects and
 * textareas). Forwards its ref so react-hook-form's `register` can read and set it.
 */
export const CheckboxField = forwardRef<HTMLInputElement, CheckboxFieldProps>(function CheckboxField({ label, hint, error, ...field }, ref) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="check" htmlFor={id}>
        <input type="checkbox" id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined} ref={ref} {...field} />
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
});
