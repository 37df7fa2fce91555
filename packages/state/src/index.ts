export * from './errors.js';
export * from './keys.js';
export * from './lease-clock.js';
export * from './options.js';
export * from './redis-store.js';
export * from './scripts.js';
export type * from './store.js';
export * from './types.js';
