import { redirect, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLocation, useRouteError, useRouteLoaderData, Link } from '@remix-run/react';
import { useEffect, type ReactNode } from 'react';
import { useNonce } from '~/lib/nonce';
import { z } from 'zod';
import styles from '~/styles/app.css';
import { adminExists } from '~/services/identity/setup.server';

// zod compiles object parsers with `new Function` when it may, and probes whether it may by
// calling it: under our Content-Security-Policy (no 'unsafe-eval', docs/security.md) the browser
// reports that probe as a violation even though zod catches it. Jitless parsing never tries.
// (Here, not in a module of its own: `sideEffects: false` lets the bundler drop such a module.)
z.config({ jitless: true });

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [
  { title: 'vialcart — refill day' },
  { name: 'description', content: 'One cart for every patient’s refills, validated before you pay.' },
];

// First run: until an administrator exists, every page leads to the setup page, which tells
// the operator to use the setup link from the server's log (docs/onboarding.md).
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (new URL(request.url).pathname !== '/setup' && !(await adminExists())) throw redirect('/setup');
  // The error page quotes this request's id: the log keeps the details under it (docs/security.md).
  return { requestId: context.requestId ?? null };
}

// Nothing the root loads changes once an administrator exists: no reload after each action.
export const shouldRevalidate = () => false;

export function Layout({ children }: { children: ReactNode }) {
  const location = useLocation();
  const nonce = useNonce();
  // `<html data-hydrated="true">` once React runs in the browser, set again after every
  // navigation: browser tests wait for it to know a page's scripts loaded and took over.
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, [location]);
  useEffect(() => {
    // Enter on a checkbox or radio never submits its form (browsers treat it as "submit"): a
    // "Select all" ticked by keyboard must not add every line. Space still toggles it.
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target;
      if (event.key === 'Enter' && target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 400 ? 'Bad request' : 'Something went wrong';
  // A page loaded in full carries its request id; a later navigation's error says its own.
  const rootData = useRouteLoaderData<typeof loader>('root');
  const fromError = error instanceof Error ? /Reference: ([\w.:-]+)/.exec(error.message)?.[1] : undefined;
  const reference = status >= 500 ? (fromError ?? rootData?.requestId ?? null) : null;
  const message =
    isRouteErrorResponse(error) && typeof error.data === 'string' && error.data
      ? error.data
      : status === 404
        ? 'There is nothing here, or it belongs to someone else.'
        : status === 500
          ? 'The page could not be shown. Nothing you entered was lost; try again.'
          : '';
  return (
    <main className="error-page" id="main">
      <h1>
        {status} — {title}
      </h1>
      {message ? <p>{message}</p> : null}
      {reference ? (
        <p>
          Reference for support: <code>{reference}</code>
        </p>
      ) : null}
      <p>
        <Link to="/">Back to refill day</Link>
      </p>
    </main>
  );
}
