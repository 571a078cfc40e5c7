/**
 * The first bytes a server sends where TLS was expected (SMTPS), kept to show them when they are
 * plain text. Not nodemailer's: its TLS errors keep only OpenSSL's message ("wrong version number"),
 * never what the server sent. (After STARTTLS the bounded socket keeps them, bounded-socket.ts.)
 */
import type net from 'node:net';
import { Duplex } from 'node:stream';

/** How much of what the server sends first is kept, to show it when it is not TLS. */
const KEPT_BYTES = 80;

/**
 * `socket` as a stream TLS can run over, keeping the first bytes the server sends: when the
 * handshake fails because they are not TLS, the report can show what they were.
 */
export function recordingFirstBytes(socket: net.Socket): { stream: Duplex; firstBytes: () => Buffer } {
  let kept = Buffer.alloc(0);
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, (error) => callback(error ?? null)),
    final: (callback) => {
      socket.end();
      callback();
    },
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (kept.length < KEPT_BYTES) kept = Buffer.concat([kept, chunk]).subarray(0, KEPT_BYTES);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => stream.destroy());
  return { stream, firstBytes: () => kept };
}

/** Whether the bytes look like text (an SMTP line, an HTTP answer), not a TLS record. */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const printable = [...bytes].filter((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0d || byte === 0x0a || byte === 0x09).length;
  return printable / bytes.length > 0.9;
}
