/**
 * Field path → message, the `fields` of an error answer and the `fieldErrors` of a form
 * (`lines.3.quantity`: "Enter a whole number."). Typed by shape, so this module needs no zod.
 */

/** A validation issue as zod (or any schema library) reports it; `keys` names unknown keys of a strict object. */
export type Issue = { readonly path: readonly PropertyKey[]; readonly message: string; readonly keys?: readonly string[] };

/**
 * The first message for each field path. Issues about the whole value (an empty path) are
 * kept under `root`: `(body)` for API bodies by default; an unknown key of a strict object is
 * reported under its own name.
 */
export function fieldsOf(issues: readonly Issue[], root = '(body)'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    // An unknown key is named itself, so the sender sees which field to drop.
    const paths = issue.keys?.length ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) fields[path.map(String).join('.') || root] ??= issue.keys?.length ? 'not a known field' : issue.message;
  }
  return fields;
}
