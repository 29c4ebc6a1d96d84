import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { DateText, DateTimeText } from '~/components/date';
import { TimeZoneProvider } from '~/components/time-zone';
import { humanize } from '~/lib/format';
import { orderStatusLook } from '~/lib/status';
import { orNotFoundPage } from '~/http/forms.server';
import { ownerTracking } from '~/services/owners/owners.server';

export const meta: MetaFunction = () => [{ title: 'Your pet’s medication — tracking' }, { name: 'robots', content: 'noindex' }];

// The owner tracking page: no login, the signed link in every order message is the key.
export async function loader({ params }: LoaderFunctionArgs) {
  const tracking = await ownerTracking(params.token ?? '').catch(orNotFoundPage('This tracking link is not valid. Please call your clinic.'));
  return json(tracking, { headers: { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' } });
}

export default function OwnerTracking() {
  const t = useLoaderData<typeof loader>();
  const look = orderStatusLook(t.status);
  const pets = [...new Set(t.lines.map((l) => l.petName))].join(' and ');
  return (
    <TimeZoneProvider timeZone={t.timeZone}>
      <main id="main" tabIndex={-1} className="owner-page stack-lg">
        <header className="stack-sm">
          <p className="muted">{t.clinicName}</p>
          <h1>{`${pets}’s medication`}</h1>
          <p>
            <Badge tone={look.tone}>{look.label}</Badge>
          </p>
        </header>
        <section className="card card--padded stack-sm" aria-labelledby="what-heading">
          <h2 id="what-heading">What is coming</h2>
          <ul>
            {t.lines.map((l) => (
              <li key={l.id}>
                <strong>{l.petName}</strong>: {l.medication} × {l.quantity}
              </li>
            ))}
          </ul>
          <p className="text-sm muted">{t.pickup ? `It comes to ${t.clinicName}; we will tell you when it is ready to pick up.` : 'It is shipped to your address.'}</p>
        </section>
        {t.trackingNumber ? (
          <section className="card card--padded stack-sm" aria-labelledby="carrier-heading">
            <h2 id="carrier-heading">Shipment</h2>
            <p>
              {t.carrier ?? 'Carrier'} tracking number <span className="mono">{t.trackingNumber}</span>
            </p>
            {t.trackingUrl ? (
              <p>
                <a href={t.trackingUrl} rel="noreferrer noopener" target="_blank">
                  Track with {t.carrier ?? 'the carrier'}
                </a>
              </p>
            ) : null}
            {t.expectedDelivery ? (
              <p>
                Expected <DateText value={t.expectedDelivery} />
              </p>
            ) : null}
          </section>
        ) : null}
        <section className="card card--padded stack-sm" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Progress</h2>
          <ol className="owner-timeline">
            {t.timeline.map((s) => (
              <li key={s.step} data-done={s.at ? 'true' : 'false'}>
                <strong>{humanize(s.step)}</strong>{' '}
                {s.at ? (
                  <span className="muted">
                    <DateTimeText value={s.at} />
                  </span>
                ) : (
                  <span className="muted">not yet</span>
                )}
              </li>
            ))}
          </ol>
        </section>
        <p className="text-sm muted">Questions? Call {t.clinicName}{t.clinicPhone ? ` at ${t.clinicPhone}` : ''}.</p>
      </main>
    </TimeZoneProvider>
  );
}
