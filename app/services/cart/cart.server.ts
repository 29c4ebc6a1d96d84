/**
 * The cart room's former single file, kept only so `../checkout/plan.server.ts` (owned by the
 * checkout room) keeps compiling until it imports `./index.server`; delete it then. New code
 * imports `./index.server`.
 */
export * from './index.server';
