export * from './redis.js';
export * from './wait.js';
export * from './shared.js';
export * from './fixtures.js';
export * from './processes.js';
