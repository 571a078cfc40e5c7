/**
 * Typed errors. Everything below the entry point throws one of these; only the entry point
 * turns an error into a message and an exit code.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  probeFailed: 3,
  writeFailed: 4,
  cancelled: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A wrong flag, a missing terminal, or an option that makes no sense with another. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** One or more answers missing or invalid; each problem is one line naming the flag or key. */
export class AnswersError extends CliError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'), EXIT.usage);
  }
}

/** An existing settings file that cannot be read or understood. */
export class SettingsFileError extends CliError {
  constructor(
    readonly file: string,
    detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where = line === undefined ? file : column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
    super(`${where}: ${detail}`, EXIT.usage);
  }
}

/** The probe failed and nothing was written. `report`: the probe's report, for the --json document. */
export class ProbeFailedError extends CliError {
  constructor(
    message: string,
    readonly report?: unknown,
  ) {
    super(message, EXIT.probeFailed);
  }
}

/** The settings file could not be written; the old file is as it was. */
export class WriteFileError extends CliError {
  constructor(message: string) {
    super(message, EXIT.writeFailed);
  }
}

/** Ctrl+C (or SIGINT/SIGTERM) before anything was written. */
export class CancelledError extends CliError {
  constructor(exitCode: number = EXIT.cancelled) {
    super('Cancelled — nothing was written.', exitCode);
  }
}
