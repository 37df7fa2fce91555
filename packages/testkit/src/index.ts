export * from './cluster.js';
export * from './fixtures.js';
export * from './processes.js';
export * from './redis.js';
export * from './shared.js';
export * from './wait.js';
