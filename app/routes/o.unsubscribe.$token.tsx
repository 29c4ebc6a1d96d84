import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Button } from '~/components/button';
import { orNotFoundPage } from '~/http/forms.server';
import { unsubscribeOwner, unsubscribeTarget } from '~/services/owners/owners.server';

export const meta: MetaFunction = () => [{ title: 'Unsubscribe' }, { name: 'robots', content: 'noindex' }];

const notFound = orNotFoundPage('This unsubscribe link is not valid. Please call your clinic.');

// A GET only shows the button: mail scanners open links, and must not unsubscribe anyone.
// Mail clients unsubscribe in one click with the List-Unsubscribe-Post header (RFC 8058),
// which POSTs here; so does the button.
export async function loader({ params }: LoaderFunctionArgs) {
  return json(await unsubscribeTarget(params.token ?? '').catch(notFound));
}

export async function action({ params }: ActionFunctionArgs) {
  const { clinicName } = await unsubscribeOwner(params.token ?? '').catch(notFound);
  return json({ done: true, clinicName });
}

export default function Unsubscribe() {
  const target = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>()?.done || target.unsubscribed;
  return (
    <main id="main" tabIndex={-1} className="owner-page stack-lg">
      <h1>{done ? 'You are unsubscribed' : `Stop messages from ${target.clinicName}?`}</h1>
      {done ? (
        <p role="status">{`${target.clinicName} will not send you refill reminders or order updates any more. To start again, call the clinic.`}</p>
      ) : (
        <Form method="post" className="stack">
          <p>{`Hi ${target.firstName}, you will no longer get refill reminders or order updates by email or text.`}</p>
          <div>
            <Button type="submit">Unsubscribe</Button>
          </div>
        </Form>
      )}
    </main>
  );
}
