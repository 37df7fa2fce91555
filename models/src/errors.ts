/**
 * Errors of the model registry, fetcher and generator: one class per condition, a literal `name`,
 * typed context fields and a message that says what to do next.
 */

/** `getModel` (or a CLI argument) named a model the registry does not know. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
  readonly model: string;
  readonly known: string[];

  constructor(model: string, known: string[], options?: ErrorOptions) {
    super(`unknown model '${model}'; known models: ${known.join(', ')}`, options);
    this.model = model;
    this.known = known;
  }
}

/** A fetchable model is not on disk, and no mirror (or URL) was available to get it from. */
export class ModelMissingError extends Error {
  override readonly name = 'ModelMissingError';
  readonly model: string;
  readonly path: string;
  /** The shell command that fixes this, e.g. `IDUNNO_MODEL_MIRROR=<dir> pnpm models:fetch vit-tiny`. */
  readonly fix: string;

  constructor(model: string, path: string, fix: string, detail?: string, options?: ErrorOptions) {
    super(
      `model '${model}' is not present at ${path}${detail === undefined ? '' : ` (${detail})`}; run: ${fix}`,
      options,
    );
    this.model = model;
    this.path = path;
    this.fix = fix;
  }
}

/** Bytes from a mirror or download do not hash to the sha256 pinned in the registry. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  readonly model: string;
  readonly expected: string;
  readonly actual: string;
  /** Where the bad bytes came from (mirror file path or URL). */
  readonly source: string;

  constructor(model: string, expected: string, actual: string, source: string, options?: ErrorOptions) {
    super(
      `sha256 of '${model}' from ${source} is ${actual}, expected ${expected}; ` +
        'the copy is corrupt or a different file: replace it with the file listed in the mirror MANIFEST and fetch again',
      options,
    );
    this.model = model;
    this.expected = expected;
    this.actual = actual;
    this.source = source;
  }
}

/** Copying from the mirror or downloading from the pinned URL failed (I/O or HTTP). */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly model: string;
  /** Mirror file path or URL that failed. */
  readonly source: string;

  constructor(model: string, source: string, reason: string, options?: ErrorOptions) {
    super(`could not fetch '${model}' from ${source}: ${reason}`, options);
    this.model = model;
    this.source = source;
  }
}

/** A model's label file is neither in the model directory nor in the mirror. */
export class LabelsMissingError extends Error {
  override readonly name = 'LabelsMissingError';
  readonly model: string;
  readonly file: string;
  readonly searched: string[];

  constructor(model: string, file: string, searched: string[], options?: ErrorOptions) {
    super(
      `label file '${file}' for '${model}' not found (looked in ${searched.join(', ')}); ` +
        `run: IDUNNO_MODEL_MIRROR=<dir> pnpm models:fetch ${model}`,
      options,
    );
    this.model = model;
    this.file = file;
    this.searched = searched;
  }
}

/** A label file exists but does not have one line per class. */
export class LabelCountError extends Error {
  override readonly name = 'LabelCountError';
  readonly model: string;
  readonly file: string;
  readonly expected: number;
  readonly actual: number;

  constructor(model: string, file: string, expected: number, actual: number, options?: ErrorOptions) {
    super(
      `label file ${file} for '${model}' has ${actual} labels, expected ${expected} (one per line); ` +
        'replace it with the copy from the mirror',
      options,
    );
    this.model = model;
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
}
