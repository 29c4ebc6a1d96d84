import {
  forwardRef,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

/** The attributes an input, a select and a textarea share, and each one's own. */
type ControlAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement> &
    SelectHTMLAttributes<HTMLSelectElement> &
    TextareaHTMLAttributes<HTMLTextAreaElement>,
  'children'
>;

/** The element a {@link FormField} renders its control as. */
export type FieldControlElement = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** What a custom control must put on its focusable element to be labelled and described. */
export interface FieldControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  required: boolean | undefined;
}

/**
 * Props of {@link FormField}. Every other prop goes to the control, so react-hook-form's
 * `{...register('quantity')}` (name, onChange, onBlur, ref) can be spread straight on it.
 */
export interface FormFieldProps extends ControlAttributes {
  /** Visible label. Required: placeholders are not labels. */
  label: ReactNode;
  /** Field name, as in the zod schema and the action's `fieldErrors`. */
  name: string;
  /** Control to render. Default "input". */
  as?: 'input' | 'select' | 'textarea';
  /** Help shown under the label and announced with the control. */
  hint?: ReactNode;
  /** Error for this field (from the action or the resolver); sets aria-invalid. */
  error?: string | undefined;
  /** `<option>`s when `as="select"`. */
  children?: ReactNode;
  /**
   * A custom control (typeahead, radio group…) instead of input/select/textarea. It gets the
   * id and ARIA it must carry; `as`, `children` and the control attributes are then ignored.
   */
  renderControl?: (props: FieldControlProps) => ReactNode;
  /** Class of the wrapper. */
  className?: string;
}

/**
 * A labelled input, select or textarea with its hint and error. The error is linked by
 * aria-describedby and the control gets aria-invalid, so screen readers read both on focus.
 */
export const FormField = forwardRef<FieldControlElement, FormFieldProps>(function FormField(
  { label, name, as = 'input', hint, error, children, renderControl, className, id, required, ...rest },
  ref,
) {
  const generatedId = useId();
  const controlId = id ?? `${generatedId}${name}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy =
    [rest['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;
  const aria: FieldControlProps = {
    id: controlId,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    required,
  };

  let control: ReactNode;
  if (renderControl) {
    control = renderControl(aria);
  } else if (as === 'select') {
    control = (
      <select
        {...(rest as SelectHTMLAttributes<HTMLSelectElement>)}
        {...aria}
        ref={ref as Ref<HTMLSelectElement>}
        name={name}
        className="select"
      >
        {children}
      </select>
    );
  } else if (as === 'textarea') {
    control = (
      <textarea
        {...(rest as TextareaHTMLAttributes<HTMLTextAreaElement>)}
        {...aria}
        ref={ref as Ref<HTMLTextAreaElement>}
        name={name}
        className="textarea"
      />
    );
  } else {
    control = (
      <input
        {...(rest as InputHTMLAttributes<HTMLInputElement>)}
        {...aria}
        ref={ref as Ref<HTMLInputElement>}
        name={name}
        className="input"
      />
    );
  }

  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={controlId}>
        {label}
        {required ? (
          <span className="field__required" aria-hidden="true">
            *
          </span>
        ) : null}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {control}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
});
