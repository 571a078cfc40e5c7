/** What Teaming's Java needs, as pure functions: when a trust step is due, the keytool command, the name-check warning, the change list. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { identityWarning, javaMailSafety } from '../../src/settings/javamail-safety.ts';
import { fileChanges } from '../../src/wizard/file-changes.ts';
import { propertiesFormat } from '../../src/settings/settings-format.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { diskFileAccess } from '../../src/wizard/file-access.ts';
import { cacertsOf, keytoolCommand, trustNeedOf } from '../../src/wizard/teaming-java.ts';
import { tempFolder } from '../helpers/files.ts';
import { PLAIN_SMTP } from '../helpers/fixtures.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const report = (verification: string, pem: string | undefined = PEM) => ({ certificate: { verification, subject: 'CN=mail.example.com', pem } });

describe('trustNeedOf: a trust step only where the check trusted more than the public CAs', () => {
  test('by the public CAs alone: none; no certificate (no TLS): none', () => {
    assert.equal(trustNeedOf(report('trusted'), false), undefined);
    assert.equal(trustNeedOf({ stages: [] }, true), undefined);
    assert.equal(trustNeedOf(undefined, true), undefined);
  });

  test('through --ca-file, by fingerprint, or accepted although untrusted: the reason and the certificate', () => {
    assert.deepEqual(trustNeedOf(report('trusted'), true), {
      reason: 'the check trusted it through a private CA (--ca-file)',
      pem: PEM,
      subject: 'CN=mail.example.com',
    });
    assert.equal(trustNeedOf(report('accepted by fingerprint'), false)?.reason, 'the check accepted it by its fingerprint (--accept-certificate)');
    assert.equal(trustNeedOf(report('self-signed certificate'), false)?.reason, 'the check accepted it although it is not trusted (self-signed certificate)');
  });
});

describe('keytoolCommand', () => {
  test("without a JDK: the running JVM's cacerts; a path with a space is quoted for the shell", () => {
    assert.deepEqual(keytoolCommand('/opt/my teaming/installer-mail-server.pem', 'teaming-mail-mx', undefined), {
      trustStore: "the running JVM's cacerts (keytool -cacerts)",
      command: "keytool -importcert -noprompt -alias teaming-mail-mx -file '/opt/my teaming/installer-mail-server.pem' -cacerts -storepass changeit",
    });
  });

  test('a JDK 9 or later (no jre/ folder): its lib/security/cacerts', async () => {
    const jdk = join(await tempFolder(), 'jdk-17');
    await mkdir(join(jdk, 'lib', 'security'), { recursive: true });
    await writeFile(join(jdk, 'lib', 'security', 'cacerts'), '');
    assert.equal(
      keytoolCommand('/c.pem', 'a', { home: jdk, cacerts: await cacertsOf(jdk, diskFileAccess) }).command,
      `${jdk}/bin/keytool -importcert -noprompt -alias a -file /c.pem -keystore ${jdk}/lib/security/cacerts -storepass changeit`,
    );
  });
});

describe('the JavaMail safety keys', () => {
  test('an IP address host: no name check, and a warning only when there is TLS', () => {
    const address = { ...PLAIN_SMTP, host: '192.0.2.25' };
    assert.deepEqual(javaMailSafety({ ...address, starttls: true }), { starttlsRequired: true, checkServerIdentity: false });
    assert.equal(identityWarning({ ...address, starttls: false }), undefined);
    assert.match(identityWarning({ ...address, protocol: 'smtps', starttls: false })!, /mail\.smtps\.ssl\.checkserveridentity=false is written/);
    assert.equal(identityWarning({ ...PLAIN_SMTP, host: 'mail.example.com', starttls: true }), undefined);
  });

  test('the change list: keys a file lacks or holds otherwise; STARTTLS required only for SMTP', () => {
    const smtp: MailSettings = { ...PLAIN_SMTP, host: 'mail.example.com', starttls: true };
    const file = 'installer.properties';
    /** The JavaMail rows of the change list when `before` (the file's text, else none) is written with `settings`. */
    const lines = (before: string | undefined, settings: MailSettings) => {
      const old = before === undefined ? undefined : Buffer.from(before, 'latin1');
      return fileChanges(propertiesFormat, file, old, propertiesFormat.write(old, settings, file), settings, false)
        .filter((change) => /starttls\.required|checkserveridentity/.test(change.key ?? ''))
        .map((change) => `${change.label}: ${change.from} → ${change.to}`);
    };
    const current = propertiesFormat.write(undefined, smtp, file).toString('latin1');
    const withoutSafety = current.replace(/^mail\.smtp\.(starttls\.required|ssl\.checkserveridentity)=.*\n/gm, '');
    assert.notEqual(withoutSafety, current);
    assert.deepEqual(lines(withoutSafety, smtp), [
      'STARTTLS required (mail.smtp.starttls.required): (not set) → yes',
      'Server name check (mail.smtp.ssl.checkserveridentity): (not set) → yes',
    ]);
    assert.deepEqual(lines(current, smtp), []);
    const smtps: MailSettings = { ...smtp, protocol: 'smtps', starttls: false, port: 465 };
    const smtpsFile = propertiesFormat
      .write(undefined, smtps, file)
      .toString('latin1')
      .replace('mail.smtps.ssl.checkserveridentity=true', 'mail.smtps.ssl.checkserveridentity=false');
    assert.deepEqual(lines(smtpsFile, smtps), ['Server name check (mail.smtps.ssl.checkserveridentity): no → yes']);
  });
});
