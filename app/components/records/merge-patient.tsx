import { Form, Link, useFetcher } from '@remix-run/react';
import { Button } from '~/components/button';
import { Toaster } from '~/components/toast';
import { formatSpecies } from '~/lib/format';

/** A patient the manager may merge into this one. */
export type MergeCandidate = { id: string; name: string; species: string; ownerName: string; why: string };

type MergeAnswer = { ok: boolean; message: string };
// One fetcher for every row, so its answer outlives the row it merged away.
const mergeKey = (patientId: string) => `merge-into-${patientId}`;

function MergeRow({ patientId, patientName, candidate }: { patientId: string; patientName: string; candidate: MergeCandidate }) {
  const fetcher = useFetcher<MergeAnswer>({ key: mergeKey(patientId) });
  const busy = fetcher.state !== 'idle' && fetcher.formData?.get('mergedId') === candidate.id;
  return (
    <li>
      <fetcher.Form method="post" action={`/patients/${patientId}/merge`} className="cluster">
        <span>
          <Link to={`/patients/${candidate.id}`}>{candidate.name}</Link> ({formatSpecies(candidate.species)}), owner {candidate.ownerName} · {candidate.why}
        </span>
        <input type="hidden" name="mergedId" value={candidate.id} />
        <label className="check">
          <input type="checkbox" name="confirm" required aria-label={`Confirm merging ${candidate.name} into ${patientName}`} /> <span>Confirm</span>
        </label>
        <Button size="sm" type="submit" loading={busy} aria-label={`Merge ${candidate.name} into ${patientName}`}>
          Merge into this record
        </Button>
      </fetcher.Form>
    </li>
  );
}

/**
 * For managers on the patient page: possible duplicates of this patient and a search for
 * another record, each with "Merge into this record" (its history moves here; audited).
 */
export function MergePatients({ patientId, patientName, duplicates, found, mergeQ }: { patientId: string; patientName: string; duplicates: MergeCandidate[]; found: MergeCandidate[] | null; mergeQ: string }) {
  const answer = useFetcher<MergeAnswer>({ key: mergeKey(patientId) });
  return (
    <section className="card card--padded stack-sm" aria-labelledby="merge-heading">
      <Toaster message={answer.state === 'idle' && answer.data ? { id: answer.data.message, text: answer.data.message, tone: answer.data.ok ? 'success' : 'danger' } : null} />
      <h2 id="merge-heading">Merge a duplicate record into this one</h2>
      <p className="muted">
        Its orders, cart lines, prescriptions, refill requests and reminders, messages, weights and exams move to {patientName}, and it leaves the lists. Managers only; audited.
      </p>
      {duplicates.length ? (
        <ul className="stack-sm">
          {duplicates.map((c) => (
            <MergeRow key={c.id} patientId={patientId} patientName={patientName} candidate={c} />
          ))}
        </ul>
      ) : (
        <p>No possible duplicate (same name and species, same owner or owner’s phone).</p>
      )}
      <Form method="get" className="toolbar" role="search" preventScrollReset>
        <label htmlFor="merge-search">Find another record</label>
        <input id="merge-search" type="search" name="mergeQ" defaultValue={mergeQ} className="input" placeholder="Pet, owner, phone or PIMS id" />
        <Button type="submit">Find</Button>
      </Form>
      {found ? (
        found.length ? (
          <ul className="stack-sm">
            {found.map((c) => (
              <MergeRow key={c.id} patientId={patientId} patientName={patientName} candidate={c} />
            ))}
          </ul>
        ) : (
          <p>No other {`record`} of the same species matches “{mergeQ}”.</p>
        )
      ) : null}
    </section>
  );
}
