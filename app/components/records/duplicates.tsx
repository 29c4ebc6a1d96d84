import { Link } from '@remix-run/react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { formatSpecies } from '~/lib/format';
import { CheckboxField } from './checkbox-field';

/** A record the new one may duplicate, as the create actions answer it. */
export type DuplicateCandidate = { id: string; name: string; species?: string; ownerId?: string; ownerName?: string; phone?: string | null; email?: string | null; reason?: string };

/**
 * "Possible duplicate": the records on file a new owner or pet may be, each with a link to
 * open it, and the box to tick to create it anyway. Shown after the create answered 409.
 */
export function PossibleDuplicates({ kind, candidates, confirm }: { kind: 'owner' | 'patient'; candidates: DuplicateCandidate[]; confirm: UseFormRegisterReturn }) {
  return (
    <section className="card card--padded stack-sm" role="alert" aria-labelledby="duplicates-heading">
      <h2 id="duplicates-heading">Possible duplicate</h2>
      <p>
        {kind === 'owner'
          ? 'An owner with the same phone or email is already on file:'
          : 'A pet with this name and species already belongs to this owner or to an owner with the same phone:'}
      </p>
      <ul>
        {candidates.map((c) => (
          <li key={c.id}>
            {kind === 'owner' ? (
              <>
                <Link to={`/owners/${c.id}`}>{c.name}</Link> {[c.phone, c.email].filter(Boolean).join(' · ')} {c.reason ? `(${c.reason})` : ''}
              </>
            ) : (
              <>
                <Link to={`/patients/${c.id}`}>{c.name}</Link> ({formatSpecies(c.species)}), owner {c.ownerName}
              </>
            )}
          </li>
        ))}
      </ul>
      <CheckboxField label={kind === 'owner' ? 'This is a different person: create the owner anyway' : 'This is a different animal: create the patient anyway'} {...confirm} />
    </section>
  );
}
