// Real and misbehaving SMTP servers on 127.0.0.1 for the probe tests and the wizard's end-to-end
// tests. Everything listens on loopback, port 0. The demo command has its own server
// (src/demo/demo-server.ts, tested through `demo` in test/e2e/demo.test.ts); this one is not built on it
// because the tests choose the certificate (CA-signed, self-signed, expired, alike in all else),
// the mode, the accounts and the replies, and read every AUTH attempt.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface TestCertificates {
  /** PEM of the test CA: what --ca-file names. */
  caPem: string;
  /** Leaf signed by the CA, for 127.0.0.1, ::1 and localhost. */
  signed: { key: string; cert: string; sha256: string };
  /** Self-signed leaf for the same names, trusted by nobody. */
  selfSigned: { key: string; cert: string; sha256: string };
  /** Leaf signed by the CA that expired a year ago. */
  expired: { key: string; cert: string; sha256: string };
  /** Leaf signed by the CA for another name only (mail.other.test): trusted, but not for localhost or 127.0.0.1. */
  otherName: { key: string; cert: string; sha256: string };
}

const LOOPBACK_NAMES = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
  { type: 7 as const, ip: '::1' },
];

function sha256(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

let certificates: Promise<TestCertificates> | undefined;

/** Generated once per process: a CA, a leaf it signed, and a self-signed leaf (EC keys, fast). */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= (async () => {
    const keyOptions = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' };
    const ca = await generate([{ name: 'commonName', value: 'teaming-mail-setup test CA' }], {
      ...keyOptions,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const leafExtensions = [
      { name: 'basicConstraints' as const, cA: false },
      { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage' as const, serverAuth: true },
      { name: 'subjectAltName' as const, altNames: LOOPBACK_NAMES },
    ];
    const leafName = [{ name: 'commonName', value: 'localhost' }];
    const signed = await generate(leafName, { ...keyOptions, extensions: leafExtensions, ca: { key: ca.private, cert: ca.cert } });
    const selfSigned = await generate(leafName, { ...keyOptions, extensions: leafExtensions });
    const day = 24 * 60 * 60 * 1000;
    const expired = await generate(leafName, {
      ...keyOptions,
      extensions: leafExtensions,
      ca: { key: ca.private, cert: ca.cert },
      notBeforeDate: new Date(Date.now() - 730 * day),
      notAfterDate: new Date(Date.now() - 365 * day),
    });
    const otherName = await generate([{ name: 'commonName', value: 'mail.other.test' }], {
      ...keyOptions,
      extensions: [...leafExtensions.slice(0, 3), { name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'mail.other.test' }] }],
      ca: { key: ca.private, cert: ca.cert },
    });
    return {
      caPem: ca.cert,
      otherName: { key: otherName.private, cert: otherName.cert, sha256: sha256(otherName.cert) },
      signed: { key: signed.private, cert: signed.cert, sha256: sha256(signed.cert) },
      selfSigned: { key: selfSigned.private, cert: selfSigned.cert, sha256: sha256(selfSigned.cert) },
      expired: { key: expired.private, cert: expired.cert, sha256: sha256(expired.cert) },
    };
  })();
  return certificates;
}

export interface TestSmtpServerOptions {
  /** 'starttls' (default): plain greeting, STARTTLS offered; 'implicit': TLS from the first byte; 'plain': no TLS at all. */
  mode?: 'starttls' | 'implicit' | 'plain';
  /** Accounts the server accepts: user name (or address) → password. Default { [TEST_USER]: TEST_PASSWORD }. */
  accounts?: Record<string, string>;
  /** Offer AUTH. Default true. */
  auth?: boolean;
  /** Offer AUTH before TLS too (smtp-server offers it only after TLS by default). */
  allowInsecureAuth?: boolean;
  /** Which certificate to serve. Default 'signed' (by the test CA). */
  certificate?: 'signed' | 'self-signed' | 'expired' | 'other-name';
  /** AUTH mechanisms to offer. Default PLAIN and LOGIN. */
  authMethods?: string[];
  /** Loopback address to listen on. Default 127.0.0.1. */
  listen?: '127.0.0.1' | '::1';
  /** Refuse every recipient but postmaster (550 relay denied), as a server does for clients it does not know. */
  refuseRecipients?: boolean;
  /** Reply text for an accepted message. */
  queuedReply?: string;
  /** Take mail only from a signed-in client (530 5.7.0 authentication required, as a submission port). */
  requireAuth?: boolean;
  /** Take MAIL FROM only after STARTTLS (530 5.7.0 Must issue a STARTTLS command first, as Postfix with TLS "encrypt"). */
  requireTlsForMail?: boolean;
  /** A signed-in account may send only as this address (553 Sender address rejected: not owned by user). */
  ownAddress?: string;
}

export interface TestSmtpServer {
  port: number;
  /** Each accepted message, raw (headers and body, CRLF line ends). */
  messages: string[];
  /** Every AUTH attempt: user name and whether it was accepted (passwords are not kept). */
  logins: { username: string; accepted: boolean }[];
  /** PEM of the CA of the test certificates (it did not sign the self-signed one). */
  caPem: string;
  /** SHA-256 fingerprint of the certificate the server presents. */
  certificateSha256: string;
  close(): Promise<void>;
}

export const TEST_QUEUE_ID = 'TQ4F2A9';
export const TEST_USER = 'teaming@example.com';
export const TEST_PASSWORD = 'Zq7!pa55-w0rd';

/** A real smtp-server on 127.0.0.1:0 (or [::1]:0) with real AUTH and TLS. */
export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mode = options.mode ?? 'starttls';
  const accounts = options.accounts ?? { [TEST_USER]: TEST_PASSWORD };
  const certs = await testCertificates();
  const leaf = { signed: certs.signed, 'self-signed': certs.selfSigned, expired: certs.expired, 'other-name': certs.otherName }[
    options.certificate ?? 'signed'
  ];
  const messages: string[] = [];
  const logins: TestSmtpServer['logins'] = [];
  const disabledCommands = [...(mode === 'plain' ? ['STARTTLS'] : []), ...(options.auth === false ? ['AUTH'] : [])];
  const serverOptions: SMTPServerOptions = {
    secure: mode === 'implicit',
    key: leaf.key,
    cert: leaf.cert,
    logger: false,
    // No reverse lookup of the client: the tests never ask a real DNS server.
    disableReverseLookup: true,
    name: 'mail.test.invalid',
    banner: 'teaming-mail-setup test server',
    hideENHANCEDSTATUSCODES: false,
    disabledCommands,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    authOptional: options.requireAuth !== true,
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const username = auth.username ?? '';
      const accepted = Object.hasOwn(accounts, username) && accounts[username] === auth.password;
      logins.push({ username, accepted });
      if (accepted) callback(null, { user: username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onMailFrom(address, session, callback) {
      if (options.requireTlsForMail && !session.secure) callback(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
      else if (options.ownAddress !== undefined && session.user !== undefined && address.address !== options.ownAddress) {
        callback(Object.assign(new Error(`<${address.address}>: Sender address rejected: not owned by user ${String(session.user)}`), { responseCode: 553 }));
      } else callback();
    },
    onRcptTo(address, _session, callback) {
      // postmaster is the one recipient every server must take (RFC 5321 4.5.1).
      if (options.refuseRecipients && address.address.toLowerCase() !== 'postmaster')
        callback(Object.assign(new Error('Relay access denied'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push(Buffer.concat(chunks).toString('utf8'));
        callback(null, options.queuedReply ?? `Ok: queued as ${TEST_QUEUE_ID}`);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, options.listen ?? '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    messages,
    logins,
    caPem: certs.caPem,
    certificateSha256: leaf.sha256,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** STARTTLS + AUTH on 127.0.0.1, port 0, with the CA-signed certificate. */
export function startStarttlsServer(accounts?: Record<string, string>): Promise<TestSmtpServer> {
  return startSmtpServer({ mode: 'starttls', accounts });
}

export interface RawServer {
  port: number;
  close(): Promise<void>;
}

/** A node:net server on 127.0.0.1:0 that does whatever `onConnection` does with each socket. */
export async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Repeats `tick` every `ms` while the socket is open. */
function every(socket: net.Socket, ms: number, tick: () => boolean | undefined): void {
  const timer = setInterval(() => {
    if (socket.destroyed || tick() === false) clearInterval(timer);
  }, ms);
  socket.on('close', () => clearInterval(timer));
}

/** Accepts and never says a word. */
export const silentServer = () => startRawServer(() => {});

/** Greets with a refusal, e.g. `554 5.7.1 no SMTP service here`. */
export const bannerServer = (banner: string) => startRawServer((socket) => socket.end(`${banner}\r\n`));

/** Speaks something else entirely. */
export const garbageServer = (text = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>nope</html>\r\n') =>
  startRawServer((socket) => socket.write(text));

/** Closes every connection at once. */
export const closeOnAcceptServer = () => startRawServer((socket) => socket.end());

/** Sends an endless line: 'X' forever, never a line end. */
export const endlessLineServer = () => startRawServer((socket) => every(socket, 5, () => void socket.write(`220 ${'X'.repeat(2048)}`)));

/** Trickles a valid greeting, one byte a second. */
export const tricklingServer = () =>
  startRawServer((socket) => {
    const greeting = Buffer.from('220 slow.test.invalid ESMTP trickling along\r\n');
    let sent = 0;
    socket.write(greeting.subarray(sent, ++sent));
    every(socket, 1000, () => (sent < greeting.length ? void socket.write(greeting.subarray(sent, ++sent)) : false));
  });

/** Greets properly, then answers EHLO with `lines` capability lines. */
export const ehloFloodServer = (lines = 5000) =>
  startRawServer((socket) => {
    socket.write('220 flood.test.invalid ESMTP\r\n');
    socket.once('data', () => {
      const body = Array.from({ length: lines }, (_, index) => `250-X-CAPABILITY-${index}\r\n`).join('');
      socket.write(`${body}250 SIZE 1000\r\n`);
    });
  });

/** Speaks implicit TLS but resets the connection once the client's handshake begins. */
export const resetMidTlsServer = () =>
  startRawServer((socket) => {
    socket.once('data', () => socket.resetAndDestroy());
  });

/** Greets, offers STARTTLS, says 220 to it, then resets in the middle of the handshake. */
export const resetAfterStarttlsServer = () =>
  startRawServer((socket) => {
    socket.write('220 reset.test.invalid ESMTP\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (/^EHLO/im.test(buffer) && !buffer.includes('STARTTLS')) socket.write('250-reset.test.invalid\r\n250 STARTTLS\r\n');
      if (/STARTTLS\r\n/.test(buffer) && !socket.readableEnded) {
        socket.write('220 go ahead\r\n');
        buffer = 'done STARTTLS';
        socket.once('data', () => socket.resetAndDestroy());
      }
    });
  });

/** A loopback port where nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A line-based fake SMTP server: greets, then answers each command line with what `answer`
 * returns (CRLF added per line); `null` closes the connection, undefined stays silent.
 */
/**
 * Answers each CRLF line read from `socket` with what `answer` returns (CRLF added per line);
 * `null` closes the connection, undefined says nothing. Returns a function that stops listening.
 */
function speakLines(socket: net.Socket, answer: (line: string) => string | string[] | null | undefined): () => void {
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const reply = answer(line);
      if (reply === null) {
        socket.end();
        return;
      }
      if (reply !== undefined)
        socket.write(
          [reply]
            .flat()
            .map((text) => `${text}\r\n`)
            .join(''),
        );
    }
  };
  socket.on('data', onData);
  return () => socket.off('data', onData);
}

/** A line-based fake SMTP server: greets, then answers each command line (see speakLines). */
export const scriptedServer = (answer: (line: string) => string | string[] | null | undefined, greeting = '220 scripted.test.invalid ESMTP') =>
  startRawServer((socket) => {
    socket.write(`${greeting}\r\n`);
    speakLines(socket, answer);
  });

/** Offers AUTH only before STARTTLS: after the upgrade its EHLO lists no AUTH (a misconfigured server). */
export async function authBeforeTlsOnlyServer(): Promise<RawServer> {
  const { signed } = await testCertificates();
  const answer = (secure: boolean) => (line: string) =>
    line.startsWith('EHLO')
      ? secure
        ? ['250-auth-before-tls.test.invalid', '250 SIZE 1000']
        : ['250-auth-before-tls.test.invalid', '250-AUTH PLAIN LOGIN', '250 STARTTLS']
      : '502 5.5.1 no';
  return startRawServer((socket) => {
    socket.write('220 auth-before-tls.test.invalid ESMTP\r\n');
    const stop = speakLines(socket, (line) => {
      if (line !== 'STARTTLS') return answer(false)(line);
      stop();
      socket.write('220 2.0.0 go ahead\r\n');
      const secure = new tls.TLSSocket(socket, { isServer: true, key: signed.key, cert: signed.cert }).on('error', () => {});
      speakLines(secure, answer(true));
      return undefined;
    });
  });
}

export interface MiniSmtpServer extends RawServer {
  /** Every command line each connection sent, in order (AUTH lines as they came). */
  commands: string[];
  /** Each message taken with DATA, as the client sent it. */
  messages: string[];
}

export interface MiniSmtpOptions {
  /** The reply to EHLO/HELO with this name: undefined takes it. */
  refuseHello?(name: string): string | undefined;
  /** The reply to MAIL FROM with this address: undefined takes it (250 2.1.0 Ok). */
  refuseSender?(address: string): string | undefined;
  /** Offer AUTH PLAIN (in plain text) and take these accounts. */
  accounts?: Record<string, string>;
}

/**
 * A small plain-text SMTP server for what smtp-server cannot be made to do: take a bare user name
 * as the sender (as Postfix does, completing it), or refuse an EHLO name. Per connection: EHLO or
 * HELO, AUTH PLAIN, MAIL, RCPT, DATA (to the lone dot), RSET, NOOP, QUIT.
 */
export async function miniSmtpServer(options: MiniSmtpOptions = {}): Promise<MiniSmtpServer> {
  const commands: string[] = [];
  const messages: string[] = [];
  const server = await startRawServer((socket) => {
    socket.write('220 mini.test.invalid ESMTP\r\n');
    let data: string[] | undefined;
    speakLines(socket, (line) => {
      if (data) {
        if (line !== '.') {
          data.push(line.startsWith('..') ? line.slice(1) : line);
          return undefined;
        }
        messages.push(data.join('\r\n'));
        data = undefined;
        return '250 2.0.0 Ok: queued as MINI1';
      }
      commands.push(line);
      const [verb = '', ...rest] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
        case 'HELO': {
          const refusal = options.refuseHello?.(rest.join(' '));
          if (refusal) return refusal;
          return verb.toUpperCase() === 'HELO'
            ? '250 mini.test.invalid'
            : ['250-mini.test.invalid', ...(options.accounts ? ['250-AUTH PLAIN'] : []), '250 8BITMIME'];
        }
        case 'AUTH': {
          const [, user = '', password = ''] = Buffer.from(rest[1] ?? '', 'base64')
            .toString('utf8')
            .split('\u0000');
          return options.accounts?.[user] === password ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid';
        }
        case 'MAIL': {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          return options.refuseSender?.(address) ?? '250 2.1.0 Ok';
        }
        case 'RCPT':
          return '250 2.1.5 Ok';
        case 'DATA':
          data = [];
          return '354 End data with <CR><LF>.<CR><LF>';
        case 'QUIT':
          socket.end('221 2.0.0 Bye\r\n');
          return undefined;
        default:
          return '250 2.0.0 Ok';
      }
    });
  });
  return { ...server, commands, messages };
}

/**
 * Greets after `delayMs` (as a server that delays clients on purpose, Postfix's postscreen), then
 * takes an envelope without authentication: EHLO, MAIL, RCPT answered 250, QUIT 221.
 */
export const slowGreetingServer = (delayMs: number) =>
  startRawServer((socket) => {
    const timer = setTimeout(() => socket.write('220 slow.test.invalid ESMTP\r\n'), delayMs);
    socket.on('close', () => clearTimeout(timer));
    speakLines(socket, (line) =>
      /^QUIT/i.test(line) ? '221 2.0.0 Bye' : /^EHLO/i.test(line) ? '250 slow.test.invalid' : /^(MAIL|RCPT)/i.test(line) ? '250 2.0.0 OK' : '502 5.5.1 no',
    );
  });
