/** A form's error for the whole form (`formError`), announced at once; nothing when there is none. */
export function FormAlert({ message }: { message?: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  );
}
