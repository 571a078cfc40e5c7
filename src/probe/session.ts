/**
 * The SMTP dialogue, spoken by nodemailer's SMTPConnection over the probe's BoundedSocket:
 * greeting, EHLO (HELO when EHLO is refused), STARTTLS and its handshake, AUTH, the envelope and
 * the test message. This module only watches: from SMTPConnection's transaction log (its
 * `logger`) it keeps the transcript and tells when each stage of the probe ends, so the probe can
 * time each one and show the server's own reply; its 'error' events and callbacks end the stage
 * that is running. What each reply means is decided elsewhere (probe.ts, replies.ts).
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type SMTPConnectionClass from 'nodemailer/lib/smtp-connection';
import { MAX_LINE_BYTES, MAX_REPLY_LINES, parseReply, plainText, printable, type BoundedSocket, type Reply } from './bounded-socket.ts';
import { secureContextFor } from './tls-handshake.ts';

type SMTPConnection = InstanceType<typeof SMTPConnectionClass>;

/** What SMTPConnection's transaction log shows for a password (AUTH LOGIN), base64 of its mask. */
const LOGGED_SECRET = Buffer.from('/* secret */', 'utf8').toString('base64');
/** How many lines of one reply the transcript shows. */
const SHOWN_REPLY_LINES = 20;
/** The envelope test's own "mechanism": MAIL FROM and RCPT TO through SMTPConnection's command API. */
const ENVELOPE_TEST = 'X-TEAMING-ENVELOPE-TEST';

/** An error of the session, with the reply that caused it when there was one. */
export interface SessionError extends Error {
  code?: string;
  /** SMTPConnection keeps the code of the underlying error here (ERR_SSL_WRONG_VERSION_NUMBER, ECONNRESET…). */
  originalCode?: string;
  response?: string;
  command?: string;
}

class Milestone<T> {
  readonly promise: Promise<T>;
  settled = false;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (value) => {
        this.settled = true;
        resolve(value);
      };
      this.reject = (error) => {
        this.settled = true;
        reject(error);
      };
    });
    this.promise.catch(() => {}); // awaited later, or never when an earlier stage failed
  }
}

export interface SessionOptions {
  /** The connection is TLS already (SMTPS, our own handshake). */
  secured: boolean;
  /** Upgrade with STARTTLS (requireTLS); otherwise STARTTLS is ignored. */
  starttls: boolean;
  /** The EHLO name. */
  name: string;
  /** The host name, for SNI and the certificate check of STARTTLS. */
  host: string;
  ca?: string;
  /** Longer than the probe's own deadline: SMTPConnection's timers must never fire first. */
  timeoutMs: number;
}

type Phase = 'greeting' | 'ehlo' | 'starttls' | 'secure-ehlo' | 'ready';

/** One SMTP session through SMTPConnection, its stages as promises. */
export class SmtpSession {
  readonly connection: SMTPConnection;
  /** The greeting was 220 and EHLO went out: resolves with the greeting. */
  readonly greeting = new Milestone<Reply>();
  /** The (first) EHLO is answered: resolves with its reply (HELO's, when EHLO was refused). */
  readonly ehlo = new Milestone<Reply>();
  /** STARTTLS, the handshake and the EHLO after it are done: resolves with that EHLO reply. */
  readonly upgraded = new Milestone<Reply>();
  /** Rejects when the session fails, whatever was running. */
  private readonly failed = new Milestone<never>();
  /** The reply to STARTTLS, and the first reply of the EHLO stage (before any HELO). */
  starttlsReply: Reply | undefined;
  firstEhloReply: Reply | undefined;
  private phase: Phase = 'greeting';
  private lastReply: Reply | undefined;
  private replies: Reply[] = [];

  constructor(
    SMTPConnection: typeof SMTPConnectionClass,
    readonly socket: BoundedSocket,
    options: SessionOptions,
    private readonly transcript: string[],
  ) {
    const log = (entry: { tnx?: string }, message: unknown) => {
      if (typeof message !== 'string') return;
      if (entry.tnx === 'client') this.onClient(message);
      else if (entry.tnx === 'server') this.onServer(message);
    };
    const logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
    this.connection = new SMTPConnection({
      connection: socket as unknown as net.Socket,
      secure: options.secured,
      secured: options.secured,
      host: options.host,
      name: options.name,
      requireTLS: !options.secured && options.starttls,
      ignoreTLS: !options.starttls,
      // The same trust as the probe's own handshakes, from one context per CA (see secureContextFor).
      tls: { rejectUnauthorized: false, secureContext: secureContextFor(options.ca) },
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      socketCloseTimeout: 200,
      maxResponseSize: 256 * 1024,
      transactionLog: true,
      logger,
      customAuth: { [ENVELOPE_TEST]: (context) => this.envelopeHandler?.(context) },
    });
    this.connection.on('error', (error: SessionError) => this.fail(error));
    this.connection.on('end', () => this.fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
    this.connection.on('connect', () => {
      if (this.phase === 'secure-ehlo') this.upgraded.resolve(this.lastReply!);
      else this.ehlo.resolve(this.lastReply!);
      this.phase = 'ready';
    });
  }

  /** Starts the dialogue: the stages then settle one after the other. */
  start(): void {
    this.connection.connect((error) => {
      if (error) this.fail(error as SessionError);
    });
  }

  /** `work`, unless the session fails first. */
  private race<T>(work: Promise<T>): Promise<T> {
    const raced = Promise.race([work, this.failed.promise]);
    raced.catch(() => {}); // the message's promise is not awaited when its envelope failed
    return raced;
  }

  /** The TLS socket after STARTTLS (SMTPConnection's own). */
  get tlsSocket(): tls.TLSSocket | undefined {
    const socket = this.connection._socket;
    // Duck-typed: node:tls loads only when TLS is used (see tls-handshake.ts).
    return socket && typeof socket === 'object' && 'getPeerCertificate' in socket ? (socket as tls.TLSSocket) : undefined;
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  /** AUTH with `mechanism`; resolves with the server's 235 reply. */
  login(mechanism: string, user: string, pass: string): Promise<Reply> {
    return this.race(
      new Promise<Reply>((resolve, reject) => {
        this.connection.login({ method: mechanism, user, pass }, (error) => {
          if (error) reject(error);
          else resolve(this.lastReply!);
        });
      }),
    );
  }

  private envelopeHandler: ((context: SMTPConnectionClass.CustomAuthenticationContext) => unknown) | undefined;

  /**
   * The envelope test, nothing sent: MAIL FROM, then (when it is accepted) RCPT TO, through
   * SMTPConnection's command API for SASL mechanisms — its send() would go on to DATA. The
   * transaction stays open (RSET next).
   */
  envelopeTest(from: string, to: string): Promise<{ mail: Reply; rcpt?: Reply }> {
    const work = new Promise<{ mail: Reply; rcpt?: Reply }>((resolve, reject) => {
      this.envelopeHandler = async (context) => {
        const command = async (line: string) => {
          this.transcript.push(`C: ${line}`);
          return parseReply((await context.sendCommand(line)).response);
        };
        const mail = await command(`MAIL FROM:<${from}>`);
        const rcpt = mail.code === 250 ? await command(`RCPT TO:<${to}>`) : undefined;
        resolve({ mail, rcpt });
        context.reject('envelope test done'); // not a login: the session stays as it was
      };
      this.connection.login({ method: ENVELOPE_TEST }, (error) => {
        if (error && !/envelope test done/.test(error.message)) reject(error);
      });
    });
    return this.race(work);
  }

  /**
   * The test message through SMTPConnection's send(): `envelope` settles once MAIL FROM and RCPT
   * TO are answered, `done` with the server's reply to the message.
   */
  send(from: string, to: string, message: Buffer): { envelope: Promise<{ mail: Reply; rcpt: Reply }>; done: Promise<Reply> } {
    const envelope = new Milestone<{ mail: Reply; rcpt: Reply }>();
    const start = this.replies.length;
    this.onReply = () => {
      const [mail, rcpt] = this.replies.slice(start);
      if (mail && rcpt && !envelope.settled && mail.code === 250 && (rcpt.code === 250 || rcpt.code === 251)) envelope.resolve({ mail, rcpt });
    };
    const done = new Promise<Reply>((resolve, reject) => {
      this.connection.send({ from, to: [to] }, message, (error, info) => {
        this.onReply = undefined;
        if (error) {
          envelope.reject(error);
          reject(error);
        } else {
          resolve(parseReply(info.response));
        }
      });
    });
    done.catch(() => {});
    return { envelope: this.race(envelope.promise), done: this.race(done) };
  }

  /** RSET (the envelope test sent nothing) and QUIT; neither reply is waited for. */
  resetAndQuit(): void {
    if (this.connection.destroyed) return;
    this.connection.reset(() => {});
    this.connection.quit();
  }

  quit(): void {
    if (!this.connection.destroyed) this.connection.quit();
  }

  close(): void {
    this.connection.close();
  }

  private onReply: (() => void) | undefined;

  private fail(error: SessionError): void {
    for (const milestone of [this.greeting, this.ehlo, this.upgraded, this.failed]) {
      if (!milestone.settled) milestone.reject(error);
    }
  }

  private onClient(line: string): void {
    if (line === '/* secret */') return; // the envelope test's commands, logged by envelopeTest()
    const shown = /^AUTH PLAIN /i.test(line) ? 'AUTH PLAIN <secret>' : line === LOGGED_SECRET ? '<secret>' : line;
    this.transcript.push(`C: ${printable(shown, 300)}`);
    const verb = line.split(' ')[0]!.toUpperCase();
    if (this.phase === 'greeting' && (verb === 'EHLO' || verb === 'LHLO')) {
      this.phase = 'ehlo';
      this.greeting.resolve(this.lastReply!);
    } else if (this.phase === 'ehlo' && verb === 'STARTTLS') {
      this.phase = 'starttls';
      this.ehlo.resolve(this.lastReply!);
    } else if (this.phase === 'starttls' && verb === 'EHLO') {
      this.phase = 'secure-ehlo';
    }
  }

  private onServer(text: string): void {
    const lines = text.split(/\r?\n/);
    // Inside STARTTLS the bounded socket sees TLS records, not lines: the same bounds, here.
    if (lines.length > MAX_REPLY_LINES)
      return this.socket.refuse('too-many-lines', `a reply of more than ${MAX_REPLY_LINES} lines`, lines.slice(0, 3).join('\n'));
    if (lines.some((line) => line.length > MAX_LINE_BYTES))
      return this.socket.refuse('line-too-long', `a line of more than ${MAX_LINE_BYTES} bytes`, lines[0]!);
    for (const line of lines.slice(0, SHOWN_REPLY_LINES)) this.transcript.push(`S: ${printable(plainText(line), 300)}`);
    if (lines.length > SHOWN_REPLY_LINES) this.transcript.push(`S: … ${lines.length - SHOWN_REPLY_LINES} more lines`);
    const reply = parseReply(text);
    this.lastReply = reply;
    this.replies.push(reply);
    if (this.phase === 'ehlo') this.firstEhloReply ??= reply;
    if (this.phase === 'starttls') this.starttlsReply ??= reply;
    this.onReply?.();
  }
}
