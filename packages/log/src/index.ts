export type { JsonLoggerOptions, LogFields, Logger, LogLevel } from './logger.js';
export { errorMessage, jsonLogger, silentLogger } from './logger.js';
