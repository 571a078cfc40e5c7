import type { Socket } from 'node:net';
import { Deadline, DeadlineError } from './deadline.ts';

/** RFC 5321 allows 512 octets per reply line; anything far beyond that is not an SMTP server. */
export const MAX_LINE_BYTES = 4096;
/** An EHLO reply has a few dozen lines at most. */
export const MAX_REPLY_LINES = 200;
/** What may wait unread; a server that sends more without being asked is flooding. */
export const MAX_BUFFERED_BYTES = 256 * 1024;

export interface Reply {
  code: number;
  /** Enhanced status code of the first line (`5.7.8`), when given. */
  enhanced?: string;
  /** Text of each line, without the code. */
  lines: string[];
  /** The reply as the server sent it, lines joined by a space: `535 5.7.8 Authentication failed`. */
  raw: string;
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

/** Text a peer chose, with control and format characters (terminal escapes, bidi overrides) masked. */
export function plainText(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '·');
}

/** Printable, bounded form of what a server sent, fit for one report line. */
export function printable(text: string, max = 120): string {
  const clean = text.replace(/\r?\n/g, ' ⏎ ').replace(/[^\x20-\x7e⏎]/g, '·').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * The SMTP conversation over one socket (plain or TLS): bounded reads of whole replies,
 * commands written with a transcript entry that may hide secrets.
 */
export class SmtpChannel {
  private buffer = '';
  private totalBytes = 0;
  private ended: { reason: 'closed' | 'reset' | 'flood'; message: string } | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.totalBytes += chunk.length;
    this.buffer += chunk.toString('latin1');
    if (this.buffer.length > MAX_BUFFERED_BYTES && !this.ended) {
      this.ended = { reason: 'flood', message: `more than ${MAX_BUFFERED_BYTES / 1024} KiB nobody asked for` };
      this.buffer = this.buffer.slice(0, MAX_LINE_BYTES);
      this.socket.destroy();
    }
    this.notify();
  };
  private readonly onEnd = () => {
    this.ended ??= { reason: 'closed', message: 'the server closed the connection' };
    this.notify();
  };
  private readonly onError = (error: NodeJS.ErrnoException) => {
    this.ended ??= { reason: 'reset', message: error.code === 'ECONNRESET' ? 'the server reset the connection' : error.message };
    this.notify();
  };

  constructor(
    public socket: Socket,
    private readonly deadline: Deadline,
    private readonly transcript: string[],
  ) {
    this.attach(socket);
  }

  /** Stops reading this socket, e.g. to hand it to TLS. Unread data is dropped. */
  detach(): Socket {
    this.socket.off('data', this.onData).off('end', this.onEnd).off('close', this.onEnd).off('error', this.onError);
    this.buffer = '';
    return this.socket;
  }

  attach(socket: Socket): void {
    this.socket = socket;
    this.ended = undefined;
    socket.on('data', this.onData).on('end', this.onEnd).on('close', this.onEnd).on('error', this.onError);
  }

  send(command: string, logged: string = command): void {
    this.transcript.push(`C: ${logged}`);
    this.socket.write(`${command}\r\n`);
  }

  /** Reads one whole reply, multi-line included; `until` cuts the wait shorter than the deadline. */
  async readReply(until?: number): Promise<Reply> {
    const startBytes = this.totalBytes - Buffer.byteLength(this.buffer, 'latin1');
    const lines: string[] = [];
    let code = 0;
    let enhanced: string | undefined;
    const fail = (reason: ChannelFailure, message: string): never => {
      const seen = [...lines.map((text) => `${code}-${text}`), this.buffer].join('\n');
      throw new ChannelError(reason, message, printable(seen), this.totalBytes - startBytes);
    };
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end === -1) {
        if (this.buffer.length > MAX_LINE_BYTES) fail('line-too-long', `a line of more than ${MAX_LINE_BYTES} bytes without a line end`);
        if (this.ended) fail(this.ended.reason, this.ended.message);
        try {
          await this.deadline.race(new Promise<void>((resolve) => (this.wake = resolve)), until);
        } catch (error) {
          if (error instanceof DeadlineError) fail('timeout', 'no complete reply in time');
          throw error;
        }
        continue;
      }
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const text = plainText(Buffer.from(line, 'latin1').toString('utf8'));
      if (line.length > MAX_LINE_BYTES) fail('line-too-long', `a line of ${line.length} bytes`);
      if (lines.length < 20) this.transcript.push(`S: ${printable(text, 300)}`);
      const match = /^([2-5]\d\d)(?:([ -])(.*))?$/.exec(text);
      if (!match || (lines.length > 0 && Number(match[1]) !== code)) {
        this.buffer = `${line}\n${this.buffer}`;
        fail('not-smtp', 'a line that is not an SMTP reply');
      }
      code = Number(match![1]);
      const body = match![3] ?? '';
      if (lines.length === 0) enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(body)?.[1];
      lines.push(body);
      if (lines.length > MAX_REPLY_LINES) fail('too-many-lines', `a reply of more than ${MAX_REPLY_LINES} lines`);
      if (match![2] !== '-') {
        if (lines.length > 20) this.transcript.push(`S: … ${lines.length - 20} more lines`);
        return { code, enhanced, lines, raw: `${code} ${lines.join(' ')}`.trim() };
      }
    }
  }

  /** Adds a line to the transcript, e.g. a summary of the message data. */
  note(line: string): void {
    this.transcript.push(line);
  }

  /** Sends a command and reads its reply. */
  async command(command: string, logged?: string): Promise<Reply> {
    this.send(command, logged);
    return this.readReply();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
