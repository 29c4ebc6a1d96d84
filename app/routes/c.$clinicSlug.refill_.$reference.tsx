import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { orNotFoundPage } from '~/http/forms.server';
import { publicRequestStatus } from '~/services/requests/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Request ${data?.request.reference ?? ''} received — ${data?.clinic.name ?? 'vialcart'}` }];

export async function loader({ params }: LoaderFunctionArgs) {
  return json(await publicRequestStatus(params.clinicSlug ?? '', params.reference ?? '').catch(orNotFoundPage('There is no request with this reference.')));
}

const NEXT: Record<string, string> = {
  open: 'The clinic team checks it against your pet’s record. You will hear from us soon, usually within a few hours.',
  approved: 'It has been approved and is being filled.',
  to_dispense: 'It has been approved; we will tell you when it is ready for pickup.',
  dispensed: 'It is ready for pickup at the clinic.',
  denied: 'The clinic could not approve it as requested; they will tell you why.',
  exam_requested: 'Your pet needs an exam before the next refill; the clinic sent you a link to book one.',
  cancelled: 'This request was cancelled.',
};

// The confirmation an owner sees after sending the form: the reference and what happens next,
// nothing else from the record (anyone holding the link sees this page).
export default function RefillRequestReceived() {
  const { clinic, request } = useLoaderData<typeof loader>();
  return (
    <main id="main" tabIndex={-1} className="public-page">
      <div className="public-page__card card card--padded stack">
        <p className="muted text-sm">{clinic.name}</p>
        <h1>Thank you — we have your request</h1>
        <p>
          Your reference is <strong className="mono public-page__reference">{request.reference}</strong>. Keep it for any questions about {request.patientName}’s refill.
        </p>
        <p role="status">{NEXT[request.status] ?? ''}</p>
        {clinic.phone ? <p className="muted">If your pet is unwell or out of medication, call {clinic.phone}.</p> : null}
        <p>
          <Link to={`/c/${clinic.slug}/refill`}>Request another refill</Link>
        </p>
      </div>
    </main>
  );
}
