/**
 * The probe's own SMTP client, on its bounded socket: commands written in one flight, replies
 * read in order, each line within the bounds below (also inside TLS, where bounded-socket.ts sees
 * only records), and the hand-over to TLS after STARTTLS. Not nodemailer's SMTPConnection: its
 * documented API (connect, login, send, quit, close and the 'connect', 'error' and 'end' events)
 * reports once the greeting, EHLO, STARTTLS and the EHLO after it are all done, so the stages
 * cannot be timed, reported or diagnosed one by one; it keeps the TLS socket of STARTTLS (and so
 * the certificate) private; it has no envelope without a message (send() goes on to DATA), does
 * not pipeline MAIL FROM and RCPT TO (RFC 2920) and sends no BDAT (RFC 3030); and a session it
 * did not open from the greeting cannot be handed to it. What the probe says about each reply is
 * decided by the stage modules (stages/) and replies.ts.
 */
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { type BoundedSocket, ChannelError, MAX_BUFFERED_BYTES, MAX_LINE_BYTES, MAX_REPLY_LINES, printable, type ChannelFailure } from './bounded-socket.ts';
import { terminalSafe } from '../output.ts';
import { parseReply, type Reply } from './replies.ts';

/** How many lines of one reply the transcript shows. */
const SHOWN_REPLY_LINES = 20;
const SMTP_LINE = /^([2-5]\d\d)(?:([ -]).*)?$/;

/** One command line, `shown` in the transcript instead when it holds a secret; or raw bytes (a message) and what the transcript says of them. */
export type Command = string | { line: string; shown?: string } | { data: Buffer; shown: string };

export class SmtpChannel {
  /** The bound the server broke, if it did (the connection is then destroyed). */
  violation: ChannelError | undefined;
  private stream: Duplex;
  private insideTls: boolean;
  /** What arrived after the last complete line (latin1: one character per byte). */
  private pending = '';
  private replyLines: string[] = [];
  private readonly replies: Reply[] = [];
  private readonly waiting: { resolve: (reply: Reply) => void; reject: (error: unknown) => void }[] = [];
  private failure: ChannelError | undefined;
  private tlsNext = false;
  private readonly onData = (chunk: Buffer) => this.read(chunk);
  private readonly onEnd = () => this.fail(this.endedError());

  constructor(
    readonly wire: BoundedSocket,
    stream: Duplex,
    private readonly transcript: string[],
  ) {
    this.stream = stream;
    this.insideTls = stream !== wire;
    this.listen();
  }

  /**
   * Writes `commands` in one flight: one write, so one segment where they fit, and no wait between
   * them (RFC 2920 pipelining, when the caller sends more than one).
   */
  send(...commands: Command[]): void {
    const parts = commands.map((command) => (typeof command === 'string' ? { line: command } : command));
    for (const part of parts) this.transcript.push(`C: ${printable('data' in part ? part.shown : (part.shown ?? part.line), 300)}`);
    if (this.failure || this.stream.destroyed) return;
    this.stream.write(Buffer.concat(parts.map((part) => ('data' in part ? part.data : Buffer.from(`${part.line}\r\n`, 'utf8')))));
  }

  /** The next reply, in the order the server sent them. */
  reply(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** After the next positive reply (to STARTTLS) the server speaks TLS: lines are no longer read from the wire. */
  expectTlsAfterReply(): void {
    this.tlsNext = true;
  }

  /** From now on replies are read from the TLS session over the wire. */
  upgrade(secure: tls.TLSSocket): void {
    this.stream = secure;
    this.insideTls = true;
    this.listen();
  }

  /** Printable start of the reply being received. */
  received(): string {
    return printable([...this.replyLines, this.pending].join('\n'));
  }

  /** The error of a wait that ran out of time, with what the server had sent of its reply. */
  timedOut(): ChannelError {
    return new ChannelError('timeout', 'no complete reply in time', this.received(), this.wire.bytesSinceWrite);
  }

  /** QUIT, and the connection ends: its reply is not waited for, nor does it hold the process. */
  quit(): void {
    this.send('QUIT');
    this.stream.end();
    this.wire.inner.unref();
  }

  private listen(): void {
    this.stream.on('data', this.onData).on('end', this.onEnd).on('close', this.onEnd).on('error', this.onEnd);
  }

  private detach(): void {
    this.stream.pause();
    this.stream.off('data', this.onData).off('end', this.onEnd).off('close', this.onEnd).off('error', this.onEnd);
    this.stream.on('error', () => {});
  }

  private read(chunk: Buffer): void {
    if (this.failure) return;
    this.pending += chunk.toString('latin1');
    for (let end = this.pending.indexOf('\n'); end !== -1; end = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, end).replace(/\r$/, '');
      this.pending = this.pending.slice(end + 1);
      const reply = this.acceptLine(line);
      if (reply === false) return;
      if (reply === undefined) continue;
      if (this.tlsNext) {
        this.tlsNext = false;
        if (reply.code >= 200 && reply.code < 300) {
          // Sent with the reply: the start of the TLS handshake, or plain text where it was expected.
          this.detach();
          const early = Buffer.from(this.pending, 'latin1');
          this.pending = '';
          this.wire.expectTls(early);
          this.deliver(reply);
          return;
        }
      }
      this.deliver(reply);
    }
    if (this.pending.length > MAX_LINE_BYTES) this.violate('line-too-long', `a line of more than ${MAX_LINE_BYTES} bytes without a line end`);
  }

  /** One complete line: false when it breaks a bound, the reply when it completes one. */
  private acceptLine(line: string): Reply | false | undefined {
    if (line.length > MAX_LINE_BYTES) {
      this.violate('line-too-long', this.insideTls ? `a line of more than ${MAX_LINE_BYTES} bytes` : `a line of ${line.length} bytes`);
      return false;
    }
    const match = SMTP_LINE.exec(line);
    const code = this.replyLines[0]?.slice(0, 3);
    this.replyLines.push(line);
    if (!match || (code !== undefined && match[1] !== code)) {
      this.violate('not-smtp', 'a line that is not an SMTP reply');
      return false;
    }
    if (this.replyLines.length > MAX_REPLY_LINES) {
      this.violate('too-many-lines', `a reply of more than ${MAX_REPLY_LINES} lines`);
      return false;
    }
    if (match[2] === '-') return undefined;
    const lines = this.replyLines.map((text) => Buffer.from(text, 'latin1').toString('utf8'));
    this.replyLines = [];
    for (const text of lines.slice(0, SHOWN_REPLY_LINES)) this.transcript.push(`S: ${printable(terminalSafe(text), 300)}`);
    if (lines.length > SHOWN_REPLY_LINES) this.transcript.push(`S: … ${lines.length - SHOWN_REPLY_LINES} more lines`);
    return parseReply(lines.join('\n'));
  }

  private deliver(reply: Reply): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }

  private violate(reason: ChannelFailure, message: string): void {
    this.violation = new ChannelError(reason, message, this.received(), this.wire.bytesSinceWrite);
    this.fail(this.violation);
    this.wire.destroy();
  }

  private endedError(): ChannelError {
    if (this.wire.flooded) {
      this.violation ??= new ChannelError('flood', `more than ${MAX_BUFFERED_BYTES / 1024} KiB nobody asked for`, this.received(), this.wire.bytesSinceWrite);
      return this.violation;
    }
    const reason = this.wire.ended ?? 'closed';
    return new ChannelError(reason, `the server ${reason === 'reset' ? 'reset' : 'closed'} the connection`, this.received(), this.wire.bytesSinceWrite);
  }

  private fail(error: ChannelError): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
