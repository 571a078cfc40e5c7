/**
 * `--service NAME`, unattended: each preset writes its host, port and TLS mode (and SendGrid's
 * "apikey" login, Postmark's token as user name) without --host, --port, --protocol or
 * --starttls; flags still win; an unknown name is a usage error naming the close ones.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ESCAPED_PASSWORD, PASSWORD, run, UNATTENDED } from '../helpers/cli.ts';
import { exists, readText, tempFolder } from '../helpers/files.ts';
import { presetFile as serviceFile } from '../helpers/service-files.ts';

const USER = 'teaming@example.com';

/** The file a preset writes with the login given here. */
function presetFile(endpoint: { protocol: 'smtp' | 'smtps'; host: string; port: number; user?: string; password?: string }): string {
  return serviceFile({ ...endpoint, login: { user: endpoint.user ?? USER, password: endpoint.password ?? ESCAPED_PASSWORD } });
}

async function writeWithService(service: string, ...flags: string[]): Promise<{ file: string; stdout: string; stderr: string; code: number | null }> {
  const cwd = await tempFolder();
  const result = await run([...UNATTENDED, '--service', service, '--time-zone', 'UTC', ...flags], { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  return { ...result, file: await readText(join(cwd, 'installer.properties')) };
}

describe('--service: a mail service preset, unattended', { concurrency: true }, () => {
  test('Outlook365: smtp.office365.com, 587, SMTP with STARTTLS; the summary names Microsoft 365', async () => {
    const { file, stdout } = await writeWithService('Outlook365', '--username', USER);
    assert.equal(file, presetFile({ protocol: 'smtp', host: 'smtp.office365.com', port: 587 }));
    assert.match(stdout, /\n {2}Mail service {16}Microsoft 365 \(SMTP AUTH\)\n {2}Protocol {20}SMTP\n/);
  });

  test('SendGrid: smtp.sendgrid.net, 587, STARTTLS, and the user name "apikey" without --username', async () => {
    const { file } = await writeWithService('SendGrid');
    assert.equal(file, presetFile({ protocol: 'smtp', host: 'smtp.sendgrid.net', port: 587, user: 'apikey' }));
  });

  test("SES-EU-WEST-1 (any case): the region's host, 465, SMTPS", async () => {
    const { file } = await writeWithService('ses-eu-west-1', '--username', 'AKIASMTPUSER');
    assert.equal(file, presetFile({ protocol: 'smtps', host: 'email-smtp.eu-west-1.amazonaws.com', port: 465, user: 'AKIASMTPUSER' }));
  });

  test("SES-AP-EAST-1, a region nodemailer's list lacks: the same host pattern", async () => {
    const { file } = await writeWithService('SES-AP-EAST-1', '--username', 'AKIASMTPUSER');
    assert.equal(file, presetFile({ protocol: 'smtps', host: 'email-smtp.ap-east-1.amazonaws.com', port: 465, user: 'AKIASMTPUSER' }));
  });

  test('Gmail: smtp.gmail.com, 465, SMTPS', async () => {
    const { file } = await writeWithService('Gmail', '--username', USER);
    assert.equal(file, presetFile({ protocol: 'smtps', host: 'smtp.gmail.com', port: 465 }));
  });

  test('Mailgun: smtp.mailgun.org, 465, SMTPS; Mailgun-EU: smtp.eu.mailgun.org', async () => {
    const us = await writeWithService('Mailgun', '--username', 'postmaster@mg.example.com');
    assert.equal(us.file, presetFile({ protocol: 'smtps', host: 'smtp.mailgun.org', port: 465, user: 'postmaster@mg.example.com' }));
    const eu = await writeWithService('Mailgun-EU', '--username', 'postmaster@mg.example.com');
    assert.equal(eu.file, presetFile({ protocol: 'smtps', host: 'smtp.eu.mailgun.org', port: 465, user: 'postmaster@mg.example.com' }));
  });

  test('Postmark: smtp.postmarkapp.com, 2525, STARTTLS; the token is user name and password, and the summary masks it', async () => {
    const { file, stdout } = await writeWithService('Postmark');
    assert.equal(file, presetFile({ protocol: 'smtp', host: 'smtp.postmarkapp.com', port: 2525, user: ESCAPED_PASSWORD }));
    assert.match(stdout, /\n {2}User name {19}••••••\n/);
    assert.ok(!stdout.includes('Zq7'), stdout);
  });

  test('SendinBlue (and its alias Brevo): smtp-relay.brevo.com, 587, STARTTLS', async () => {
    const expected = presetFile({ protocol: 'smtp', host: 'smtp-relay.brevo.com', port: 587 });
    assert.equal((await writeWithService('SendinBlue', '--username', USER)).file, expected);
    assert.equal((await writeWithService('Brevo', '--username', USER)).file, expected);
  });

  test("Outlook365-Connector: port 25, STARTTLS, no authentication; the tenant's host given with --host", async () => {
    const cwd = await tempFolder();
    const host = 'contoso-com.mail.protection.outlook.com';
    const result = await run([...UNATTENDED, '--service', 'Outlook365-Connector', '--host', host, '--time-zone', 'UTC'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readText(join(cwd, 'installer.properties')), serviceFile({ protocol: 'smtp', host, port: 25 }));
    assert.match(result.stdout, /Mail service {16}Microsoft 365 connector relay\n/);
  });

  test('flags win over the preset: --service SendGrid --port 2525', async () => {
    const { file } = await writeWithService('SendGrid', '--port', '2525');
    assert.equal(file, presetFile({ protocol: 'smtp', host: 'smtp.sendgrid.net', port: 2525, user: 'apikey' }));
  });

  test('what the preset leaves is still required: Gmail without --username names the flag', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--service', 'Gmail', '--time-zone', 'UTC'], { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, '✖ missing user name: give --username (answers file: "username")\n');
    assert.equal(await exists(join(cwd, 'installer.properties')), false);
  });

  test('an unknown name: usage error (2) with the close matches, nothing written', async () => {
    const cwd = await tempFolder();
    const typo = await run([...UNATTENDED, '--service', 'SendGird', '--time-zone', 'UTC'], { cwd });
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, '✖ --service: no mail service is named "SendGird": did you mean SendGrid?\n');
    const office = await run([...UNATTENDED, '--service', 'Office365', '--time-zone', 'UTC'], { cwd });
    assert.equal(office.stderr, '✖ --service: no mail service is named "Office365": did you mean Outlook365?\n');
    const nothing = await run([...UNATTENDED, '--service', 'xyzzy', '--time-zone', 'UTC'], { cwd });
    assert.match(nothing.stderr, /^✖ --service: no mail service is named "xyzzy": give one of nodemailer's well-known service names, such as Outlook365, /);
    assert.equal(await exists(join(cwd, 'installer.properties')), false);
  });
});
