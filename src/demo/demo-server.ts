/**
 * A real SMTP server on 127.0.0.1 for `demo` (and the tests): STARTTLS with a freshly generated
 * self-signed certificate, AUTH PLAIN/LOGIN for one account, messages kept in memory.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

interface ReceivedMessage {
  from: string;
  to: string[];
  raw: string;
}

export interface DemoServer {
  host: string;
  port: number;
  username: string;
  password: string;
  /** PEM of the server's self-signed certificate: trust it with --ca-file. */
  certificatePem: string;
  messages: ReceivedMessage[];
  close(): Promise<void>;
}

export interface DemoServerOptions {
  username?: string;
  password?: string;
  /** Implicit TLS (SMTPS) instead of STARTTLS. */
  secure?: boolean;
  /** Offer AUTH before STARTTLS too (default: only after). */
  allowInsecureAuth?: boolean;
  /** 0: any free port. */
  port?: number;
}

async function generateCertificate(hostNames: string[] = ['localhost']): Promise<{ key: string; cert: string }> {
  // CommonJS: its functions are on module.exports, the default export (bundled or not).
  const { generate } = (await import('selfsigned')).default;
  const result = await generate([{ name: 'commonName', value: hostNames[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [...hostNames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }],
      },
    ],
  });
  return { key: result.private, cert: result.cert };
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const { SMTPServer } = await import('smtp-server');
  const { key, cert } = await generateCertificate();
  const username = options.username ?? 'teaming@demo.test';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const messages: ReceivedMessage[] = [];
  const server = new SMTPServer({
    secure: options.secure ?? false,
    key,
    cert,
    name: 'localhost',
    banner: 'teaming-mail-setup demo server',
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === username && auth.password === password) return callback(null, { user: username });
      const error = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, `Message queued as demo-${messages.length}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    certificatePem: cert,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
