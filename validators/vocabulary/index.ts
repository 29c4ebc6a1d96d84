/**
 * The shared vocabulary: the names every layer speaks (queues, statuses, roles, US states,
 * id checks, the clinic's calendar day). A leaf: plain values and pure functions, no imports
 * of app/, db/ or node-only modules, so the browser bundle, app/, db/, pharmacies/ and the
 * rules in validators/ all import the one copy.
 */
export * from './queues';
