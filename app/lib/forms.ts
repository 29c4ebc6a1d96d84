import { zodResolver } from '@hookform/resolvers/zod';
import { useSubmit, type FetcherWithComponents } from '@remix-run/react';
import { useEffect, type FormEvent } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type Resolver } from 'react-hook-form';
import type { z } from 'zod';
import { fieldsOf } from '../../validators/vocabulary';

/** What a UI action returns for bad input: errors by field name, and one for the whole form. */
export type FormErrors = { fieldErrors?: Record<string, string>; formError?: string; values?: Record<string, unknown> };

/** Validates FormData against a form's zod schema (the same one react-hook-form uses in the browser). */
export function parseFormData<S extends z.ZodType>(
  formData: FormData,
  schema: S,
): { ok: true; data: z.output<S> } | { ok: false; errors: FormErrors } {
  const values: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string') continue;
    if (key in values) {
      const prev = values[key];
      values[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else values[key] = value;
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: { fieldErrors: fieldsOf(parsed.error.issues, ''), values } };
}

/**
 * react-hook-form wired to a Remix action: validates in the browser with the zod schema,
 * submits the native form (so it works without JavaScript too), shows the action's
 * `fieldErrors` on their fields, and focuses the first invalid field. With `fetcher`, the form
 * submits through it (a form beside others on a page, posting to its own action route); pass
 * `fetcher.data` as `actionData`.
 */
export function useRemixForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  options: {
    defaultValues?: DefaultValues<z.input<S> & FieldValues>;
    actionData?: FormErrors | undefined | null;
    fetcher?: Pick<FetcherWithComponents<unknown>, 'submit'>;
  },
) {
  const form = useForm<z.input<S> & FieldValues, unknown, z.output<S> & FieldValues>({
    resolver: zodResolver(schema as never) as unknown as Resolver<z.input<S> & FieldValues, unknown, z.output<S> & FieldValues>,
    defaultValues: options.defaultValues,
    shouldFocusError: true,
    mode: 'onTouched',
  });
  const pageSubmit = useSubmit();
  const { actionData, fetcher } = options;
  const submit: typeof pageSubmit = fetcher ? (target, opts) => void fetcher.submit(target, opts) : pageSubmit;
  const { setError, setFocus } = form;
  useEffect(() => {
    const fieldErrors = actionData?.fieldErrors;
    if (!fieldErrors) return;
    const names = Object.keys(fieldErrors);
    for (const name of names) setError(name as Path<z.input<S> & FieldValues>, { type: 'server', message: fieldErrors[name] });
    if (names[0]) {
      try {
        setFocus(names[0] as Path<z.input<S> & FieldValues>);
      } catch {
        // A field without a registered input (e.g. a hidden one) cannot take focus.
      }
    }
  }, [actionData, setError, setFocus]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const formElement = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void form.handleSubmit(() => submit(submitter ?? formElement, submitter ? { method: 'post', action: formElement.getAttribute('action') ?? undefined } : undefined))(event);
  };
  const errorOf = (name: string): string | undefined => {
    const err = (form.formState.errors as Record<string, { message?: unknown } | undefined>)[name];
    return typeof err?.message === 'string' ? err.message : actionData?.fieldErrors?.[name];
  };
  return { ...form, onSubmit, errorOf };
}
