/**
 * The shared vocabulary: the names every layer speaks — request queues, statuses, roles, US
 * states, record ids, field paths of errors, the clinic's calendar day, a medication's label,
 * species (with their plausible weights) and phone numbers.
 * A leaf: plain values and pure functions that import nothing outside validators/vocabulary
 * and validators/data (ESLint holds it to that), so the browser bundle, app/, db/,
 * pharmacies/ and the rules in validators/ all import the one copy.
 */
export * from './queues';
export * from './statuses';
export * from './roles';
export * from './us-states';
export * from './ids';
export * from './fields';
export * from './calendar';
export * from './medications';
export * from './patients';
export * from './phones';
