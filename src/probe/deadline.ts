/**
 * The probe's one deadline, which bounds every wait. Not nodemailer's: SMTPConnection has a timer
 * per phase (connection, greeting, socket idle), none for the whole dialogue, and a server that
 * trickles a byte at a time never trips an idle timer.
 */
/** Thrown when an operation outlives its share of the probe's budget. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline passed');
    this.name = 'DeadlineError';
  }
}

/** One point in time every wait of a probe is bounded by. */
export class Deadline {
  readonly at: number;

  constructor(ms: number) {
    this.at = Date.now() + Math.max(0, ms);
  }

  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Settles like `work`, or rejects with DeadlineError at `until` (never later than the deadline). */
  race<T>(work: Promise<T>, until: number = this.at): Promise<T> {
    const ms = Math.max(0, Math.min(until, this.at) - Date.now());
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError()), ms);
    });
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
  }
}
