/**
 * The probe's bounds against a hostile server, on the socket it hands to nodemailer's
 * SMTPConnection: a Duplex over the real connection that lets a server line through only once it
 * is complete, an SMTP reply line, and within the limits below. Hand-written, not nodemailer's:
 * SMTPConnection bounds only the size of one response (maxResponseSize, 1 MB), not the length of
 * a line, the number of lines of a reply or what a server sends unasked, and it cannot say which
 * of them a server broke. After a STARTTLS reply, or from the start under an SMTPS handshake,
 * the bytes are TLS records, passed on as they come (their first bytes kept, to show them when
 * they are plain text instead: nodemailer's and Node's TLS errors keep only OpenSSL's message).
 */
import type net from 'node:net';
import { Duplex } from 'node:stream';
import { terminalSafe } from '../output.ts';

/** RFC 5321 allows 512 octets per reply line; anything far beyond that is not an SMTP server. */
export const MAX_LINE_BYTES = 4096;
/** An EHLO reply has a few dozen lines at most. */
export const MAX_REPLY_LINES = 200;
/** What a server may send without being asked (since our last write); more is a flood. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** How much of what the server sends where TLS is expected is kept, to show it when it is not TLS. */
const KEPT_BYTES = 80;

export interface Reply {
  code: number;
  /** Enhanced status code of the first line (`5.7.8`), when given. */
  enhanced?: string;
  /** Text of each line, without the code. */
  lines: string[];
  /** The reply as the server sent it, lines joined by a space: `535 5.7.8 Authentication failed`. */
  raw: string;
}

/** A reply as SMTPConnection hands it over (lines joined by a line break), read into its parts. */
export function parseReply(text: string): Reply {
  const lines: string[] = [];
  let code = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\d{3})(?:[ -](.*))?$/.exec(line);
    if (!match) continue;
    code ||= Number(match[1]);
    lines.push(terminalSafe(match[2] ?? ''));
  }
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(lines[0] ?? '')?.[1];
  return { code, enhanced, lines, raw: `${code} ${lines.join(' ')}`.trim() };
}

export type ChannelFailure = 'timeout' | 'closed' | 'reset' | 'not-smtp' | 'line-too-long' | 'too-many-lines' | 'flood';

export class ChannelError extends Error {
  constructor(
    readonly reason: ChannelFailure,
    message: string,
    /** Printable start of what the server sent in the failed read. */
    readonly received: string,
    /** Bytes the server sent during the failed read. */
    readonly bytes: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** Text a peer chose, with control and format characters (terminal escapes, bidi overrides) shown visibly: output.ts's one function. */
export { terminalSafe as plainText };

/** Printable, bounded form of what a server sent, fit for one report line. */
export function printable(text: string, max = 120): string {
  const clean = text
    .replace(/\r?\n/g, ' ⏎ ')
    .replace(/[^\x20-\x7e⏎]/g, '·')
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Whether the bytes look like text (an SMTP line, an HTTP answer), not a TLS record. */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const printable = [...bytes].filter((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0d || byte === 0x0a || byte === 0x09).length;
  return printable / bytes.length > 0.9;
}

/**
 * The socket SMTPConnection talks through. `violation` says which bound the server broke (the
 * connection is then destroyed, before SMTPConnection sees the offending line); `bytesSinceWrite`
 * tells a silent server from a slow one; `ended` a close from a reset.
 */
export class BoundedSocket extends Duplex {
  violation: ChannelError | undefined;
  /** How the server ended the connection, if it did. */
  ended: 'closed' | 'reset' | undefined;
  /** Bytes received since our last write, and since the last complete reply. */
  bytesSinceWrite = 0;
  private pending = '';
  private replyLines: string[] = [];
  private replyCode = '';
  private startTlsSent = false;
  /** After the reply to STARTTLS (or from the start, for SMTPS): TLS records, no lines. */
  private raw: boolean;
  private kept = Buffer.alloc(0);

  /** `tlsFromStart`: under the SMTPS handshake, TLS records from the first byte. */
  constructor(
    readonly inner: net.Socket,
    { tlsFromStart = false }: { tlsFromStart?: boolean } = {},
  ) {
    super({ allowHalfOpen: false });
    this.raw = tlsFromStart;
    inner.on('data', (chunk: Buffer) => this.onData(chunk));
    inner.on('end', () => {
      this.ended ??= 'closed';
      this.push(null);
    });
    inner.on('error', (error: NodeJS.ErrnoException) => {
      this.ended ??= error.code === 'ECONNRESET' ? 'reset' : 'closed';
      this.destroy(error);
    });
    inner.on('close', () => this.destroy());
  }

  /** What the server sent first where TLS was expected (after its reply to STARTTLS, or from the start). */
  firstTlsBytes(): Buffer {
    return this.kept;
  }

  /** Printable start of the reply being received. */
  received(): string {
    return printable([...this.replyLines, this.pending].join('\n'));
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }
  get localPort(): number | undefined {
    return this.inner.localPort;
  }
  /** The probe's deadline bounds every wait: SMTPConnection's idle timer is not needed. */
  setTimeout(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesSinceWrite = 0;
    if (!this.raw && /^STARTTLS\r?\n$/i.test(chunk.toString('latin1'))) this.startTlsSent = true;
    this.inner.write(chunk, (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  private onData(chunk: Buffer): void {
    if (this.violation) return;
    this.bytesSinceWrite += chunk.length;
    if (this.bytesSinceWrite > MAX_BUFFERED_BYTES) {
      return this.fail('flood', `more than ${MAX_BUFFERED_BYTES / 1024} KiB nobody asked for`);
    }
    if (this.raw) {
      if (this.kept.length < KEPT_BYTES) this.kept = Buffer.concat([this.kept, chunk]).subarray(0, KEPT_BYTES);
      if (!this.push(chunk)) this.inner.pause();
      return;
    }
    this.pending += chunk.toString('latin1');
    let end: number;
    while (!this.raw && (end = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, end).replace(/\r$/, '');
      this.pending = this.pending.slice(end + 1);
      if (!this.acceptLine(line)) return;
      if (!this.push(Buffer.from(`${line}\r\n`, 'latin1'))) this.inner.pause();
    }
    if (this.raw && this.pending.length > 0) {
      // Sent with the 220 to STARTTLS: the start of the TLS handshake, or plain text where it was expected.
      const rest = Buffer.from(this.pending, 'latin1');
      this.pending = '';
      this.kept = rest.subarray(0, KEPT_BYTES);
      this.push(rest);
    } else if (this.pending.length > MAX_LINE_BYTES) {
      this.fail('line-too-long', `a line of more than ${MAX_LINE_BYTES} bytes without a line end`);
    }
  }

  /** One complete line: within the bounds and an SMTP reply line, or the connection ends here. */
  private acceptLine(line: string): boolean {
    if (line.length > MAX_LINE_BYTES) {
      this.fail('line-too-long', `a line of ${line.length} bytes`);
      return false;
    }
    const match = /^([2-5]\d\d)(?:([ -]).*)?$/.exec(line);
    if (!match || (this.replyLines.length > 0 && match[1] !== this.replyCode)) {
      this.replyLines.push(line);
      this.fail('not-smtp', 'a line that is not an SMTP reply');
      return false;
    }
    this.replyCode = match[1]!;
    this.replyLines.push(line);
    if (this.replyLines.length > MAX_REPLY_LINES) {
      this.fail('too-many-lines', `a reply of more than ${MAX_REPLY_LINES} lines`);
      return false;
    }
    if (match[2] !== '-') {
      this.replyLines = [];
      if (this.startTlsSent && line.startsWith('2')) this.raw = true;
      this.startTlsSent = false;
    }
    return true;
  }

  /**
   * Ends the connection for a bound broken where this socket cannot see lines: in the TLS session
   * SMTPConnection opened over it after STARTTLS (session.ts checks its replies instead).
   */
  refuse(reason: ChannelFailure, message: string, received: string): void {
    if (this.violation) return;
    this.violation = new ChannelError(reason, message, printable(received), this.bytesSinceWrite);
    this.destroy();
  }

  private fail(reason: ChannelFailure, message: string): void {
    this.violation = new ChannelError(reason, message, this.received(), this.bytesSinceWrite);
    this.destroy();
  }
}
