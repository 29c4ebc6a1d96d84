/**
 * Field path → message, the `fields` of an error answer and the `fieldErrors` of a form
 * (`lines.3.quantity`: "Enter a whole number."). Typed by shape, so this module needs no zod.
 */

/** A validation issue as zod (or any schema library) reports it. */
export type Issue = { readonly path: readonly PropertyKey[]; readonly message: string };

/**
 * The first message for each field path. Issues about the whole value (an empty path) are
 * kept under `root`: `(body)` for API bodies by default.
 */
export function fieldsOf(issues: readonly Issue[], root = '(body)'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path.map(String).join('.') || root] ??= issue.message;
  return fields;
}
