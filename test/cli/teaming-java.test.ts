/**
 * The built command on files written before issue 11 and on installer.xml documents as Teaming's
 * installer reads them: an old file gains the JavaMail safety keys (and the change list says so);
 * any root that holds EmailSettings is reconfigured in place; a document that is no installer.xml
 * is refused untouched; the keytool command names the JDK that installer.xml names.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run, UNATTENDED } from '../helpers/cli.ts';
import { listing, readText, tempFolder } from '../helpers/files.ts';
import { startSmtpServer, TEST_PASSWORD, TEST_USER, type TestSmtpServer } from '../helpers/smtp-servers.ts';
import { propertiesText } from '../helpers/properties-text.ts';

const FIXTURE = readFileSync(new URL('../fixtures/installer.xml', import.meta.url));

/** A file written before the wizard managed starttls.required and ssl.checkserveridentity. */
const OLD_FILE = propertiesText({
  'mail.transport.protocol': 'smtp',
  'mail.smtp.host': 'mail.example.com',
  'mail.smtp.port': '587',
  'mail.smtp.auth': 'false',
  'mail.smtp.sendpartial': 'true',
  'mail.smtp.connectiontimeout': '15000',
  'mail.smtp.starttls.enable': 'true',
  'notify.timezone': 'UTC',
  'mail.allowSendToAllUsers': 'true',
});

describe('an old file, reconfigured', () => {
  test('gains starttls.required and ssl.checkserveridentity, and the change list names them', async () => {
    const cwd = await tempFolder();
    await writeFile(join(cwd, 'installer.properties'), OLD_FILE);
    const result = await run([...UNATTENDED, '--reconfigure'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await readText(join(cwd, 'installer.properties')),
      OLD_FILE.replace(
        'mail.smtp.connectiontimeout=15000\nmail.smtp.starttls.enable=true\n',
        'mail.smtp.connectiontimeout=15000\nmail.smtp.ssl.checkserveridentity=true\nmail.smtp.starttls.enable=true\nmail.smtp.starttls.required=true\n',
      ),
    );
    assert.ok(
      result.stdout.includes(
        '\nChanges to installer.properties\n' +
          '  STARTTLS required (mail.smtp.starttls.required)        (not set) → yes\n' +
          '  Server name check (mail.smtp.ssl.checkserveridentity)  (not set) → yes\n\n',
      ),
      result.stdout,
    );
    // Once they are there, nothing changes.
    const again = await run([...UNATTENDED, '--reconfigure'], { cwd });
    assert.ok(again.stdout.includes('\nChanges to installer.properties\n  (no changes)\n'), again.stdout);
    assert.ok(again.stdout.endsWith('✔ Nothing changed; installer.properties was not written.\n'), again.stdout);
  });
});

describe('installer.xml, by its root element', () => {
  for (const root of ['Installer', 'InstallerConfig']) {
    test(`root <${root}>: reconfigured in place, every byte outside the changed attributes as it was`, async () => {
      const cwd = await tempFolder();
      const original = FIXTURE.toString('utf8').replaceAll('InstallerConfig>', `${root}>`);
      await writeFile(join(cwd, 'installer.xml'), original);
      const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml', '--host', 'relay.example.com'], { cwd });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        await readFile(join(cwd, 'installer.xml'), 'utf8'),
        original
          .replace('mail.smtp.host="mail.example.com"', 'mail.smtp.host="relay.example.com"')
          .replace(
            'mail.smtps.sendpartial="true" />',
            'mail.smtps.sendpartial="true"\n        mail.smtp.ssl.checkserveridentity="true"\n        mail.smtp.starttls.required="false" />',
          ),
      );
    });
  }

  test('neither a known root nor EmailSettings: refused with exit 2, the file untouched', async () => {
    const cwd = await tempFolder();
    const server = '<?xml version="1.0"?>\n<Server port="8005">\n  <Service name="Catalina"/>\n</Server>\n';
    await writeFile(join(cwd, 'server.xml'), server);
    const result = await run([...UNATTENDED, '-f', 'server.xml', '--host', 'relay.example.com', '--time-zone', 'UTC'], { cwd });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      '✖ server.xml:2:1: the root element is <Server> and the document holds no <EmailSettings>: this is not a Teaming installer.xml, ' +
        'whose root is <Installer> or <InstallerConfig> (check the path given with --file)\n',
    );
    assert.equal(await readText(join(cwd, 'server.xml')), server);
    assert.deepEqual(await listing(cwd), ['server.xml']);
  });

  test('a mismatched end tag: refused with the line and column of the end tag', async () => {
    const cwd = await tempFolder();
    const broken = '<Installer>\n  <EmailSettings>\n    <Outbound>\n  </EmailSettings>\n</Installer>\n';
    await writeFile(join(cwd, 'installer.xml'), broken);
    const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml'], { cwd });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^✖ installer\.xml:4:3: is not well-formed XML: the end tag <\/EmailSettings> does not match the start tag <Outbound> on line 3/,
    );
    assert.equal(await readText(join(cwd, 'installer.xml')), broken);
  });
});

describe('the keytool command, for the JDK installer.xml names', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer({ mode: 'starttls' });
  });
  after(() => smtp.close());

  test('Environment/JDK/@JAVA_HOME: its bin/keytool and its cacerts (jre/lib/security for Java 8 and older)', async () => {
    const cwd = await tempFolder();
    const jdk = join(cwd, 'jdk1.8.0_202');
    await mkdir(join(jdk, 'jre', 'lib', 'security'), { recursive: true });
    await writeFile(join(jdk, 'jre', 'lib', 'security', 'cacerts'), '');
    await writeFile(join(cwd, 'installer.xml'), FIXTURE.toString('utf8').replace('/usr/java/jdk1.6.0_17', jdk));
    await writeFile(join(cwd, 'ca.pem'), smtp.caPem);
    const flags = ['--host', 'localhost', '--port', String(smtp.port), '--starttls', '--auth', '--username', TEST_USER, '--ca-file', 'ca.pem'];
    const result = await run(['--non-interactive', '--reconfigure', '-f', 'installer.xml', ...flags, '--json'], {
      cwd,
      env: { TEAMING_MAIL_PASSWORD: TEST_PASSWORD },
    });
    assert.equal(result.code, 0, result.stderr);
    const pem = join(cwd, 'installer-mail-server.pem');
    const cacerts = join(jdk, 'jre', 'lib', 'security', 'cacerts');
    assert.deepEqual(JSON.parse(result.stdout).teamingJava.trust, {
      reason: 'the check trusted it through a private CA (--ca-file)',
      certificateFile: pem,
      certificateSaved: true,
      trustStore: cacerts,
      keytoolCommand: `${jdk}/bin/keytool -importcert -noprompt -alias teaming-mail-localhost -file ${pem} -keystore ${cacerts} -storepass changeit`,
    });
    assert.ok(
      result.stderr.includes(
        `\n  ${jdk}/bin/keytool -importcert -noprompt -alias teaming-mail-localhost -file ${pem} -keystore ${cacerts} -storepass changeit\n`,
      ),
      result.stderr,
    );
    assert.match(await readFile(pem, 'utf8'), /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
  });
});
