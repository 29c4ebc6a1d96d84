import { MIN_PASSWORD_LENGTH } from '~/schemas/identity';
import { FormField } from './form-field';

/** What the fields need of the page's react-hook-form (`useRemixForm`). */
export interface NewPasswordFieldsProps {
  register: (name: 'password' | 'confirmPassword') => Record<string, unknown> & { name: string };
  errorOf: (name: string) => string | undefined;
  /** "Password" (a new account) or "New password" (a change). */
  label?: string;
  /** What choosing it also does, e.g. "Your other sessions will be signed out." */
  note?: string;
  autoFocus?: boolean;
}

/** A new password typed twice, with the rule it must meet (judged on the server too). */
export function NewPasswordFields({ register, errorOf, label = 'Password', note, autoFocus }: NewPasswordFieldsProps) {
  return (
    <>
      <FormField
        label={label}
        type="password"
        autoComplete="new-password"
        autoFocus={autoFocus}
        required
        hint={`At least ${MIN_PASSWORD_LENGTH} characters, hard to guess: a few unrelated words work well.${note ? ` ${note}` : ''}`}
        error={errorOf('password')}
        {...register('password')}
      />
      <FormField label={`${label} again`} type="password" autoComplete="new-password" required error={errorOf('confirmPassword')} {...register('confirmPassword')} />
    </>
  );
}
