/**
 * The probe's bounds against a hostile server at the byte level: a Duplex over the TCP connection
 * that counts what the server sends since our last write (a flood ends the connection; the count
 * tells a silent server from a slow one), tells a close from a reset, and keeps the first bytes
 * where TLS records are expected (after the reply to STARTTLS, or from the start under SMTPS), to
 * show them when they are plain text instead: Node's TLS errors keep only OpenSSL's message. The
 * SMTP lines on top of it are bounded by smtp-channel.ts. TLS (tls.connect) runs over this Duplex,
 * so every byte, encrypted or not, passes these bounds.
 */
import type net from 'node:net';
import { Duplex } from 'node:stream';

/** RFC 5321 allows 512 octets per reply line; anything far beyond that is not an SMTP server. */
export const MAX_LINE_BYTES = 4096;
/** An EHLO reply has a few dozen lines at most. */
export const MAX_REPLY_LINES = 200;
/** What a server may send without being asked (since our last write); more is a flood. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** How much of what the server sends where TLS is expected is kept, to show it when it is not TLS. */
const KEPT_BYTES = 80;

export type ChannelFailure = 'timeout' | 'closed' | 'reset' | 'not-smtp' | 'line-too-long' | 'too-many-lines' | 'flood';

/** The connection failed under the probe: a bound broken, a close, a reset, or no complete reply in time. */
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

/** Every socket keeps a listener for 'error' as long as it lives: an unheard one would end the process. */
export const ignore = (): void => {};

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
 * The socket the probe talks through. `flooded` says the server sent more than it was asked for
 * (the connection is then destroyed); `bytesSinceWrite` tells a silent server from a slow one;
 * `ended` a close from a reset.
 */
export class BoundedSocket extends Duplex {
  flooded = false;
  /** How the server ended the connection, if it did. */
  ended: 'closed' | 'reset' | undefined;
  /** Bytes received since our last write. */
  bytesSinceWrite = 0;
  private keeping: boolean;
  private kept: Buffer = Buffer.alloc(0);

  /** `tlsFromStart`: under the SMTPS handshake, TLS records from the first byte. */
  constructor(
    readonly inner: net.Socket,
    { tlsFromStart = false }: { tlsFromStart?: boolean } = {},
  ) {
    super({ allowHalfOpen: false });
    this.keeping = tlsFromStart;
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

  /**
   * TLS records from here on (after a positive reply to STARTTLS): `early` is what the server sent
   * with that reply, handed back to be read first.
   */
  expectTls(early: Buffer): void {
    this.keeping = true;
    this.kept = early.subarray(0, KEPT_BYTES);
    if (early.length > 0) this.unshift(early);
  }

  /** What the server sent first where TLS was expected (after its reply to STARTTLS, or from the start). */
  firstTlsBytes(): Buffer {
    return this.kept;
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesSinceWrite = 0;
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
    if (this.flooded) return;
    this.bytesSinceWrite += chunk.length;
    if (this.bytesSinceWrite > MAX_BUFFERED_BYTES) {
      this.flooded = true;
      this.destroy();
      return;
    }
    if (this.keeping && this.kept.length < KEPT_BYTES) this.kept = Buffer.concat([this.kept, chunk]).subarray(0, KEPT_BYTES);
    if (!this.push(chunk)) this.inner.pause();
  }
}
