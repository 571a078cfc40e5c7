/**
 * Typed errors. Everything below the entry point throws one of these; only the entry point
 * turns an error into a message and an exit code. An error is data, as Ghost-CLI's are: what went
 * wrong (`message`), the underlying cause (`detail`: an OS or parser error) and what to do (`fix`),
 * rendered by errorLines() for the screen and errorDocument() for --json.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  probeFailed: 3,
  writeFailed: 4,
  /** The terminal closed (an SSH session dropped): 128 + SIGHUP. */
  hangUp: 129,
  /** Ctrl+C: 128 + SIGINT. */
  cancelled: 130,
  /** A termination request: 128 + SIGTERM. */
  terminated: 143,
} as const;

/** What a problem says besides its message. */
export interface ErrorFields {
  /** The underlying cause, in its own words (an OS error, a parser's message). */
  detail?: string;
  /** What to do about it. */
  fix?: string;
}

/** One problem as the screen and the --json document show it. */
export interface Problem extends ErrorFields {
  message: string;
}

export class CliError extends Error {
  readonly detail?: string;
  readonly fix?: string;
  constructor(
    message: string,
    readonly exitCode: number,
    { detail, fix }: ErrorFields = {},
  ) {
    super(message);
    this.name = new.target.name;
    if (detail !== undefined) this.detail = detail;
    if (fix !== undefined) this.fix = fix;
  }

  /** The problems this error reports, each with its fields. */
  toProblems(): Problem[] {
    return [{ message: this.message, ...(this.detail !== undefined && { detail: this.detail }), ...(this.fix !== undefined && { fix: this.fix }) }];
  }
}

/** A wrong flag, a missing terminal, or an option that makes no sense with another. */
export class UsageError extends CliError {
  constructor(message: string, fields?: ErrorFields) {
    super(message, EXIT.usage, fields);
  }
}

/** One or more answers missing or invalid; each problem is one line naming the flag or key. */
export class AnswersError extends CliError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'), EXIT.usage);
  }

  override toProblems(): Problem[] {
    return this.problems.map((message) => ({ message }));
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
  constructor(message: string, fields?: ErrorFields) {
    super(message, EXIT.writeFailed, fields);
  }
}

/** Ctrl+C (or SIGINT/SIGTERM) before anything was written. */
export class CancelledError extends CliError {
  constructor(exitCode: number = EXIT.cancelled) {
    super('Cancelled — nothing was written.', exitCode);
  }
}

/** A problem as one line of text: the message, then its detail, then the fix, each after a colon. */
function problemText({ message, detail, fix }: Problem): string {
  return [message, detail, fix].filter((part) => part !== undefined).join(': ');
}

/** The lines the screen shows for an error (output.ts marks each as an error). */
export function errorLines(error: CliError): string[] {
  return error.toProblems().map(problemText);
}

/** The --json document of an error: `errors` holds the lines the screen shows, `problems` their fields. */
export function errorDocument(error: CliError, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { result: 'error', exitCode: error.exitCode, errors: errorLines(error), problems: error.toProblems(), ...extra };
}
