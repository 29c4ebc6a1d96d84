import { createContext, useContext } from 'react';

/**
 * This request's Content-Security-Policy nonce (app/server/headers.ts), given to the page by
 * entry.server for the inline scripts Remix renders (`<Scripts nonce>`, `<ScrollRestoration
 * nonce>`). In the browser there is none: the scripts are already in the page.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = () => useContext(NonceContext);
