export type { JsonLoggerOptions } from './json-logger.js';
export { DEFAULT_LOG_LEVEL, jsonLogger, LOG_LEVEL_ENV } from './json-logger.js';
export type { LogFields, Logger, LogLevel } from './logger.js';
export { errorMessage, silentLogger } from './logger.js';
