export class InvalidJobRequestError extends Error {
  override readonly name = 'InvalidJobRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** An input path that does not exist, or holds no images. */
export class JobInputError extends Error {
  override readonly name = 'JobInputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

/** A list file with lines that are neither an existing path nor an http(s)/file URL. */
export class BadListFileError extends Error {
  override readonly name = 'BadListFileError';
  constructor(
    readonly file: string,
    readonly lines: readonly { line: number; text: string; reason: string }[],
  ) {
    const shown = lines
      .slice(0, 5)
      .map((l) => `line ${l.line}: ${l.reason} (${JSON.stringify(l.text.slice(0, 80))})`)
      .join('; ');
    super(
      `${file} has ${lines.length} bad line(s): ${shown}${lines.length > 5 ? '; …' : ''}. Fix or remove them.`,
    );
  }
}

export class JobCompletedError extends Error {
  override readonly name = 'JobCompletedError';
  constructor(readonly jobId: string) {
    super(`job ${jobId} has already completed; add a new job to run it again`);
  }
}

/** A {@link CoordinatorOptions} field is out of range. */
export class CoordinatorOptionsError extends Error {
  override readonly name = 'CoordinatorOptionsError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`coordinator option ${option} must be ${expected}, got ${String(value)}`);
  }
}
