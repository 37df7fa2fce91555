export {
  Classifier,
  type ClassifierOptions,
  type ClassifyOptions,
  DEFAULT_MAX_RUN_BATCH,
  type LoadedModel,
  type QueryInput,
  type QueryOutcome,
  type QueryTimings,
} from './classifier.js';
export {
  BadInputError,
  DecodeError,
  errorMessage,
  FetchFailedError,
  FetchTimeoutError,
  InferenceFailedError,
  InputNotFoundError,
  InputTooLargeError,
  ModelLoadError,
  PoolClosedError,
  type QueryErrorCode,
  QueryFailure,
} from './errors.js';
export {
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  defaultFetchOptions,
  type FetchOptions,
  fetchInput,
} from './input.js';
export {
  DEFAULT_LANE,
  DEFAULT_POOL_THREADS,
  defaultSessionPoolOptions,
  type RunResult,
  SessionPool,
  type SessionPoolOptions,
} from './pool.js';
export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  decodeAndResize,
  imageElements,
  preprocess,
  preprocessInto,
} from './preprocess.js';
export { fillSynthetic, isSynthetic, SYNTHETIC_SCHEME } from './synthetic.js';
export { type Classification, topK } from './topk.js';
