/**
 * Teaming's own mail client is the judge: every file here is written by the built command as an
 * administrator would (unattended, the check against the real server), then loaded and used by
 * real JavaMail 1.6 (Debian's libmail-java, test/java/SendWithJavaMail.java, one JVM for all
 * cases) trusting only a trust store made with keytool. Each case is asserted from both sides:
 * JavaMail's outcome, and what the server received — the messages, the logins, and every byte the
 * client sent (a recording proxy in front of each server). Last, the wizard's check and JavaMail
 * must agree, case by case. Needs java, javac (the source launcher), keytool and libmail-java.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readInstallerProperties } from '../../src/settings/installer-properties.ts';
import { probeSmtp } from '../../src/probe/index.ts';
import { completeSettings } from '../../src/settings/settings.ts';
import { runCli } from '../helpers/cli.ts';
import { propertiesText } from '../helpers/properties-text.ts';
import { tempFolder } from '../helpers/files.ts';
import { javaMailSend, keytool, type JavaMailSend } from '../helpers/javamail.ts';
import { startSmtpServer, testCertificates, TEST_PASSWORD, TEST_USER, type TestSmtpServer, type TestSmtpServerOptions } from '../helpers/smtp-servers.ts';

const RECIPIENT = 'admin@example.com';
/** How the .properties file holds TEST_PASSWORD. */
const STORED_PASSWORD = TEST_PASSWORD.replace('!', '\\!');

/** A server behind a proxy on 127.0.0.1 that records every byte each client sends. */
interface Recorded {
  server: TestSmtpServer;
  port: number;
  /** What each connection's client sent, as Latin-1 text, in order of connection. */
  connections: string[];
  close(): Promise<void>;
}

async function recorded(options: TestSmtpServerOptions): Promise<Recorded> {
  const server = await startSmtpServer(options);
  const connections: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const index = connections.push('') - 1;
    const upstream = net.connect(server.port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      connections[index] += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (proxy.address() as net.AddressInfo).port,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await server.close();
    },
  };
}

/** What the server had seen before JavaMail ran, so each assertion looks only at JavaMail's session. */
interface Seen {
  connections: number;
  logins: number;
  messages: number;
}

interface Case {
  name: string;
  recorded: Recorded;
  file: string;
  /** The --json document of the run that wrote the file (undefined: the file was derived from another). */
  written?: { teamingJava: Record<string, unknown>; result: string };
  seen?: Seen;
  javaMail?: JavaMailSend;
  /** What both the check and JavaMail must conclude. */
  delivers: boolean;
}

let folder: string;
let caPem: string;
let trustStore: string;
const cases: Record<'localhost' | 'address' | 'smtps' | 'stripped' | 'otherName' | 'noAuth', Case> = {} as never;
const servers: Recorded[] = [];

/** Writes `name`/installer.properties with the built command, unattended, the check on (unless --no-probe is among the flags). */
async function writeWithWizard(name: string, flags: string[]): Promise<{ file: string; json: Case['written'] }> {
  const dir = join(folder, name);
  await mkdir(dir);
  const file = join(dir, 'installer.properties');
  const result = await runCli(['--non-interactive', '-f', file, '--time-zone', 'UTC', '--allow-all-users', '--json', ...flags], {
    cwd: dir,
    env: { TEAMING_MAIL_PASSWORD: TEST_PASSWORD },
  });
  assert.equal(result.code, 0, `${name}: ${result.stderr}${result.stdout}`);
  return { file, json: JSON.parse(result.stdout) };
}

function snapshot(recorded: Recorded): Seen {
  return { connections: recorded.connections.length, logins: recorded.server.logins.length, messages: recorded.server.messages.length };
}

/** What the client sent on the connections JavaMail opened. */
function javaMailBytes(c: Case): string[] {
  return c.recorded.connections.slice(c.seen!.connections);
}

before(async () => {
  folder = await tempFolder();
  const [starttls, starttlsByAddress, implicit, plainAuth, otherName, noAuth] = await Promise.all([
    recorded({ mode: 'starttls' }),
    recorded({ mode: 'starttls' }),
    recorded({ mode: 'implicit' }),
    // Offers AUTH without STARTTLS: it would take the password in clear.
    recorded({ mode: 'plain', allowInsecureAuth: true }),
    recorded({ mode: 'starttls', certificate: 'other-name' }),
    recorded({ mode: 'starttls', auth: false }),
  ]);
  servers.push(starttls, starttlsByAddress, implicit, plainAuth, otherName, noAuth);
  caPem = starttls.server.caPem;
  const ca = join(folder, 'test-ca.pem');
  await writeFile(ca, caPem);
  trustStore = join(folder, 'test-ca.p12');
  const account = ['--auth', '--username', TEST_USER];
  const [, localhost, address, smtps, other, unauthenticated] = await Promise.all([
    keytool(['-importcert', '-noprompt', '-alias', 'test-ca', '-file', ca, '-keystore', trustStore, '-storetype', 'PKCS12', '-storepass', 'changeit']),
    writeWithWizard('localhost', ['--host', 'localhost', '--port', String(starttls.port), '--starttls', ...account, '--ca-file', ca]),
    writeWithWizard('address', ['--host', '127.0.0.1', '--port', String(starttlsByAddress.port), '--starttls', ...account, '--ca-file', ca]),
    writeWithWizard('smtps', ['--protocol', 'smtps', '--host', 'localhost', '--port', String(implicit.port), ...account, '--ca-file', ca]),
    // The check refuses this certificate: written without it, as --no-probe would.
    writeWithWizard('other-name', ['--no-probe', '--host', 'localhost', '--port', String(otherName.port), '--starttls', ...account]),
    writeWithWizard('no-auth', ['--host', 'localhost', '--port', String(noAuth.port), '--starttls', '--no-auth', '--ca-file', ca]),
  ]);
  // The localhost file, pointed at the server that offers AUTH but no STARTTLS (as a man in the middle would strip it).
  const stripped = join(folder, 'stripped.properties');
  await writeFile(
    stripped,
    (await readFile(localhost.file, 'latin1')).replace(`mail.smtp.port=${starttls.port}\n`, `mail.smtp.port=${plainAuth.port}\n`),
    'latin1',
  );

  cases.localhost = { name: 'STARTTLS + AUTH, host localhost', recorded: starttls, file: localhost.file, written: localhost.json, delivers: true };
  cases.address = { name: 'STARTTLS + AUTH, host 127.0.0.1', recorded: starttlsByAddress, file: address.file, written: address.json, delivers: true };
  cases.smtps = { name: 'SMTPS + AUTH', recorded: implicit, file: smtps.file, written: smtps.json, delivers: true };
  cases.stripped = { name: 'the STARTTLS file at a server without STARTTLS', recorded: plainAuth, file: stripped, delivers: false };
  cases.otherName = { name: 'a certificate for another name', recorded: otherName, file: other.file, written: other.json, delivers: false };
  cases.noAuth = { name: 'no AUTH', recorded: noAuth, file: unauthenticated.file, written: unauthenticated.json, delivers: true };

  const all = Object.values(cases);
  for (const c of all) c.seen = snapshot(c.recorded);
  const results = await javaMailSend(
    RECIPIENT,
    all.map((c) => c.file),
    trustStore,
  );
  all.forEach((c, index) => (c.javaMail = results[index]));
});

after(() => Promise.all(servers.map((server) => server.close())));

/** The file as the wizard writes it for an account on the test server (STARTTLS unless `smtps`). */
function expectedFile(options: { protocol?: 'smtp' | 'smtps'; host: string; port: number; auth?: boolean; checkServerIdentity?: boolean }): string {
  const p = options.protocol ?? 'smtp';
  const auth = options.auth ?? true;
  return propertiesText({
    'mail.transport.protocol': p,
    [`mail.${p}.host`]: options.host,
    [`mail.${p}.port`]: String(options.port),
    [`mail.${p}.auth`]: String(auth),
    ...(auth ? { [`mail.${p}.user`]: TEST_USER, [`mail.${p}.password`]: STORED_PASSWORD } : {}),
    [`mail.${p}.sendpartial`]: 'true',
    [`mail.${p}.connectiontimeout`]: '15000',
    [`mail.${p}.ssl.checkserveridentity`]: String(options.checkServerIdentity ?? true),
    ...(p === 'smtp' ? { 'mail.smtp.starttls.enable': 'true', 'mail.smtp.starttls.required': 'true' } : {}),
    'notify.timezone': 'UTC',
    'mail.allowSendToAllUsers': 'true',
  });
}

/** JavaMail's one message, as the server received it. */
function receivedMessage(c: Case): string {
  const messages = c.recorded.server.messages.slice(c.seen!.messages);
  assert.equal(messages.length, 1, `${c.name}: ${messages.length} messages`);
  return messages[0]!;
}

/** On a STARTTLS connection: in plain text only EHLO and STARTTLS, then a TLS handshake (no AUTH, no password in clear). */
function assertUpgradedAtOnce(bytes: string, c: Case): void {
  const upgrade = bytes.indexOf('STARTTLS\r\n') + 'STARTTLS\r\n'.length;
  assert.match(bytes.slice(0, upgrade), /^EHLO [^\r\n]+\r\nSTARTTLS\r\n$/, `${c.name}: ${JSON.stringify(bytes.slice(0, 200))}`);
  assert.equal(bytes.charCodeAt(upgrade), 0x16, `${c.name}: no TLS handshake after STARTTLS`);
  assert.ok(!bytes.includes(TEST_PASSWORD), `${c.name}: the password went in clear`);
}

describe('real JavaMail, loading each file the wizard wrote', () => {
  test('STARTTLS + AUTH with the test CA in the trust store, host localhost: delivered, over TLS, name checked', async () => {
    const c = cases.localhost;
    assert.deepEqual(c.javaMail, { file: c.file, sent: true });
    assert.equal(await readFile(c.file, 'latin1'), expectedFile({ host: 'localhost', port: c.recorded.port }));
    const message = receivedMessage(c);
    assert.match(message, new RegExp(`^From: ${TEST_USER}\r$`, 'm'));
    assert.match(message, new RegExp(`^To: ${RECIPIENT}\r$`, 'm'));
    assert.match(message, /^Subject: Sent by JavaMail 1\.6\.\d+\r$/m);
    assert.deepEqual(c.recorded.server.logins.slice(c.seen!.logins), [{ username: TEST_USER, accepted: true }]);
    const [bytes, ...more] = javaMailBytes(c);
    assert.equal(more.length, 0);
    assertUpgradedAtOnce(bytes!, c);
  });

  test('the same with host 127.0.0.1: delivered; the file turns the name check off, and the run says so', async () => {
    const c = cases.address;
    assert.deepEqual(c.javaMail, { file: c.file, sent: true });
    assert.equal(await readFile(c.file, 'latin1'), expectedFile({ host: '127.0.0.1', port: c.recorded.port, checkServerIdentity: false }));
    assert.match(receivedMessage(c), new RegExp(`^From: ${TEST_USER}\r$`, 'm'));
    assert.deepEqual(c.recorded.server.logins.slice(c.seen!.logins), [{ username: TEST_USER, accepted: true }]);
    assertUpgradedAtOnce(javaMailBytes(c)[0]!, c);
    assert.equal(c.written!.teamingJava.checksServerName, false);
    assert.deepEqual(c.written!.teamingJava.warnings, [
      "Teaming will not check the mail server's name: the host is the IP address 127.0.0.1, and Teaming's JavaMail cannot check a certificate " +
        'against an address, so mail.smtp.ssl.checkserveridentity=false is written. Use a host name the certificate names to have it checked.',
    ]);
  });

  test('SMTPS + AUTH: delivered, TLS from the first byte', async () => {
    const c = cases.smtps;
    assert.deepEqual(c.javaMail, { file: c.file, sent: true });
    assert.equal(await readFile(c.file, 'latin1'), expectedFile({ protocol: 'smtps', host: 'localhost', port: c.recorded.port }));
    assert.match(receivedMessage(c), new RegExp(`^From: ${TEST_USER}\r$`, 'm'));
    assert.deepEqual(c.recorded.server.logins.slice(c.seen!.logins), [{ username: TEST_USER, accepted: true }]);
    const [bytes] = javaMailBytes(c);
    assert.equal(bytes!.charCodeAt(0), 0x16, 'the first byte is not a TLS handshake');
    assert.ok(!bytes!.includes('EHLO') && !bytes!.includes(TEST_PASSWORD));
  });

  test('the STARTTLS file at a server that offers AUTH but no STARTTLS: JavaMail refuses, and no AUTH command arrives', () => {
    const c = cases.stripped;
    assert.equal(c.javaMail!.sent, false);
    assert.match(c.javaMail!.error!, /^javax\.mail\.MessagingException: STARTTLS is required but host does not support STARTTLS/);
    const connections = javaMailBytes(c);
    assert.equal(connections.length, 1);
    // EHLO, then nothing but perhaps QUIT: not AUTH, not the password in any form.
    assert.match(connections[0]!, /^EHLO [^\r\n]+\r\n(?:QUIT\r\n)?$/);
    assert.ok(!connections[0]!.includes('AUTH'));
    assert.deepEqual(c.recorded.server.logins.slice(c.seen!.logins), []);
    assert.equal(c.recorded.server.messages.length, c.seen!.messages);
  });

  test('a certificate for another name (signed by the trusted CA): JavaMail refuses after the handshake, before AUTH', () => {
    const c = cases.otherName;
    assert.equal(c.javaMail!.sent, false);
    assert.match(
      c.javaMail!.error!,
      /^javax\.mail\.MessagingException: Could not convert socket to TLS <- java\.io\.IOException: Can't verify identity of server: localhost$/,
    );
    assertUpgradedAtOnce(javaMailBytes(c)[0]!, c);
    assert.deepEqual(c.recorded.server.logins.slice(c.seen!.logins), []);
    assert.equal(c.recorded.server.messages.length, c.seen!.messages);
  });

  test('no AUTH: delivered unauthenticated, still over TLS', async () => {
    const c = cases.noAuth;
    assert.deepEqual(c.javaMail, { file: c.file, sent: true });
    assert.equal(await readFile(c.file, 'latin1'), expectedFile({ host: 'localhost', port: c.recorded.port, auth: false }));
    assert.match(receivedMessage(c), /^From: teaming@localhost\r$/m);
    assert.deepEqual(c.recorded.server.logins, []);
    const bytes = javaMailBytes(c)[0]!;
    assertUpgradedAtOnce(bytes, c);
  });
});

describe("what Teaming's Java needs, and the keytool command that gives it", () => {
  test('--json names the certificate to trust, saved as PEM (0644) next to the file, and the exact keytool command', async () => {
    const c = cases.localhost;
    const pem = join(folder, 'localhost', 'installer-mail-server.pem');
    assert.deepEqual(c.written!.teamingJava, {
      checksServerName: true,
      warnings: [],
      trust: {
        reason: 'the check trusted it through a private CA (--ca-file)',
        certificateFile: pem,
        certificateSaved: true,
        trustStore: "the running JVM's cacerts (keytool -cacerts)",
        keytoolCommand: `keytool -importcert -noprompt -alias teaming-mail-localhost -file ${pem} -cacerts -storepass changeit`,
      },
    });
    assert.equal(new X509Certificate(await readFile(pem)).fingerprint256, c.recorded.server.certificateSha256);
    assert.equal((await stat(pem)).mode & 0o777, 0o644);
    // No trust step where nothing was trusted beyond the defaults: written without the check.
    assert.equal(cases.otherName.written!.teamingJava.trust, undefined);
  });

  test("that command, aimed at a new trust store instead of the JVM's cacerts, makes JavaMail deliver; without it, PKIX fails", async () => {
    const c = cases.localhost;
    const store = join(folder, 'teaming-cacerts.p12');
    const command = (c.written!.teamingJava.trust as { keytoolCommand: string }).keytoolCommand.split(' ');
    assert.equal(command[0], 'keytool');
    const args = command.slice(1).flatMap((word) => (word === '-cacerts' ? ['-keystore', store, '-storetype', 'PKCS12'] : [word]));
    await keytool(args);
    const before = snapshot(c.recorded);
    assert.deepEqual(await javaMailSend(RECIPIENT, [c.file], store), [{ file: c.file, sent: true }]);
    assert.equal(c.recorded.server.messages.length, before.messages + 1);
    // And with a trust store that holds something else only, JavaMail fails as issue 11 saw it.
    const unrelated = join(folder, 'unrelated.pem');
    await writeFile(unrelated, (await testCertificates()).otherName.cert);
    const other = join(folder, 'unrelated-cacerts.p12');
    await keytool([
      '-importcert',
      '-noprompt',
      '-alias',
      'unrelated',
      '-file',
      unrelated,
      '-keystore',
      other,
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
    ]);
    const [refused] = await javaMailSend(RECIPIENT, [c.file], other);
    assert.equal(refused!.sent, false);
    assert.match(
      refused!.error!,
      /^javax\.mail\.MessagingException: Could not convert socket to TLS <- javax\.net\.ssl\.SSLHandshakeException: PKIX path building failed/,
    );
  });
});

describe("the wizard's check and JavaMail agree", () => {
  test('case by case: the check passes exactly where JavaMail delivers', async () => {
    const verdicts: string[] = [];
    for (const c of Object.values(cases)) {
      const stored = readInstallerProperties(await readFile(c.file, 'latin1'), c.file).settings;
      const settings = completeSettings({ ...stored, host: stored.host!, timeZone: stored.timeZone! });
      const report = await probeSmtp(settings, { ca: caPem, timeoutMs: 5000 });
      verdicts.push(`${c.name}: check ${report.ok ? 'passes' : `fails (${report.failure?.kind})`}, JavaMail ${c.javaMail!.sent ? 'delivers' : 'refuses'}`);
    }
    assert.deepEqual(verdicts, [
      'STARTTLS + AUTH, host localhost: check passes, JavaMail delivers',
      'STARTTLS + AUTH, host 127.0.0.1: check passes, JavaMail delivers',
      'SMTPS + AUTH: check passes, JavaMail delivers',
      'the STARTTLS file at a server without STARTTLS: check fails (starttls-missing), JavaMail refuses',
      'a certificate for another name: check fails (certificate-name-mismatch), JavaMail refuses',
      'no AUTH: check passes, JavaMail delivers',
    ]);
  });
});
