export {
  ChecksumMismatchError,
  FetchError,
  LabelCountError,
  LabelsMissingError,
  ModelMissingError,
  UnknownModelError,
} from './errors.js';
export { ensureModel, type FetchOptions, fetchModel, fixCommand, sha256File } from './fetch.js';
export { GENERATOR_VERSION, generateModel, UNTRAINED_DOC, type WrittenModel } from './generate/index.js';
export { type LabelOptions, loadLabels, untrainedLabel } from './labels.js';
export {
  type GeneratedArch,
  getModel,
  listModels,
  type ModelFamily,
  type ModelSpec,
  mirrorFromEnv,
  modelDir,
  modelPath,
  type PreprocessSpec,
} from './registry.js';
