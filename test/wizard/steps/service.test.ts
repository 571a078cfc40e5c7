// "Where does the mail go?": a service's preset answers the first questions, only what is left is
// asked, the summary names the service, and reconfigure offers the service of the file's host.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_LINE_WORDS } from '../../../src/cli/answers.ts';
import { findService } from '../../../src/settings/mail-services.ts';
import { diskFileAccess } from '../../../src/wizard/file-access.ts';
import { runWizard, type WizardOptions } from '../../../src/wizard/wizard.ts';
import { propertiesText } from '../../helpers/fixtures.ts';
import { capturedOutput, scriptedPrompter } from '../../helpers/scripted.ts';
import { NOW } from '../../helpers/steps.ts';

async function run(script: [string, unknown][], overrides: Partial<WizardOptions> = {}, existing?: string) {
  const file = join(await mkdtemp(join(tmpdir(), 'service-step-')), 'installer.properties');
  if (existing !== undefined) await writeFile(file, existing);
  const { prompt, asked } = scriptedPrompter(script);
  const { out, text } = capturedOutput();
  const options: WizardOptions = {
    file,
    reconfigure: existing !== undefined,
    interactive: true,
    force: false,
    dryRun: false,
    preset: {},
    commandLine: COMMAND_LINE_WORDS,
    ...overrides,
  };
  await runWizard(options, { prompt, out, now: () => NOW, files: diskFileAccess });
  return { asked, text: text(), written: await readFile(file, 'latin1') };
}

test('SendGrid: the preset answers protocol, host, port, STARTTLS, authentication and the user name "apikey"; the API key is asked', async () => {
  const { asked, text, written } = await run([
    ['Where does the mail go?', 'SendGrid'],
    ['Time zone for notifications', 'UTC'],
    ['Password', 'SG.key'],
    ['Sender address of notifications', 'teaming@example.com'],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  assert.deepEqual(
    asked.map((question) => question.message.replace(/ \/.*\?$/, ' …?')),
    [
      'Where does the mail go?',
      'Time zone for notifications',
      'Password',
      'Sender address of notifications',
      'Allow users to send e-mail to the All Users group?',
      'Write …?',
    ],
  );
  assert.match(text, /SendGrid: smtp\.sendgrid\.net, port 587, SMTP with STARTTLS, user name "apikey"\./);
  assert.match(text, /Login: the user name is literally "apikey"; the password is a SendGrid API key/);
  assert.match(text, /\n {2}Mail service {16}SendGrid\n {2}Protocol {20}SMTP\n {2}Mail host {19}smtp\.sendgrid\.net\n {2}Port {24}587\n/);
  assert.match(
    written,
    /^mail\.smtp\.host=smtp\.sendgrid\.net\nmail\.smtp\.port=587\nmail\.smtp\.auth=true\nmail\.smtp\.user=apikey\nmail\.smtp\.password=SG\.key\n/m,
  );
});

test('Amazon SES: the region is the second question; its host, 465 and SMTPS are filled', async () => {
  const { asked, written } = await run([
    ['Where does the mail go?', 'SES'],
    ['Which Amazon SES region?', 'SES-EU-WEST-1'],
    ['Time zone for notifications', 'UTC'],
    ['User name or e-mail address', 'AKIASMTPUSER'],
    ['Password', 'smtp-secret'],
    ['Sender address of notifications', 'teaming@example.com'],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  assert.ok(asked[1]!.choices!.includes('Europe (Ireland) (SES-EU-WEST-1)'), String(asked[1]!.choices));
  assert.equal(asked[1]!.default, 'SES-US-EAST-1');
  assert.match(written, /^mail\.transport\.protocol=smtps\nmail\.smtps\.host=email-smtp\.eu-west-1\.amazonaws\.com\nmail\.smtps\.port=465\n/m);
});

test('Postmark: the token is asked once and becomes user name and password; the summary masks the user name', async () => {
  const { asked, text, written } = await run([
    ['Where does the mail go?', 'Postmark'],
    ['Postmark server API token', 'pm-token-1234'],
    ['Time zone for notifications', 'UTC'],
    ['Sender address of notifications', 'teaming@example.com'],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  assert.equal(asked[1]!.kind, 'password');
  assert.match(written, /^mail\.smtp\.user=pm-token-1234\nmail\.smtp\.password=pm-token-1234\n/m);
  assert.match(text, /\n {2}User name {19}••••••\n/);
  assert.ok(!text.includes('pm-token-1234'), text);
});

test('Postmark: "Which answer?" and the change list mask the token as user name too', async () => {
  const existing = propertiesText({
    'mail.transport.protocol': 'smtp',
    'mail.smtp.host': 'smtp.postmarkapp.com',
    'mail.smtp.port': '2525',
    'mail.smtp.auth': 'true',
    'mail.smtp.user': 'pm-old-token',
    'mail.smtp.password': 'pm-old-token',
    'mail.smtp.starttls.enable': 'true',
    'notify.timezone': 'UTC',
  });
  const { asked, text, written } = await run(
    [
      ['What would you like to do?', 'all'],
      ['Where does the mail go?', 'Postmark'],
      ['Postmark server API token', 'pm-new-token'],
      ['Time zone for notifications', 'UTC'],
      ['Sender address of notifications', 'teaming@example.com'],
      ['Allow users to send e-mail to the All Users group?', true],
      ['Write', 'change'],
      ['Which answer?', 'port'],
      ['Port', '587'],
      ['Use STARTTLS?', true],
      ['Write', 'write'],
    ],
    {},
    existing,
  );
  assert.equal(asked[1]!.default, 'Postmark');
  assert.ok(asked[7]!.choices!.includes('User name (••••••)'), String(asked[7]!.choices));
  assert.match(text, /\n {2}User name +•••••• → a new token\n/);
  assert.ok(!text.includes('pm-old-token') && !text.includes('pm-new-token'), text);
  assert.ok(!JSON.stringify(asked).includes('pm-'), JSON.stringify(asked));
  assert.match(written, /^mail\.smtp\.port=587\nmail\.smtp\.auth=true\nmail\.smtp\.user=pm-new-token\nmail\.smtp\.password=pm-new-token\n/m);
});

test('--service Postmark on a terminal: no menu; the service is introduced and its token asked once, as a secret', async () => {
  const { asked, text, written } = await run(
    [
      ['Postmark server API token', 'pm-token-5678'],
      ['Time zone for notifications', 'UTC'],
      ['Sender address of notifications', 'teaming@example.com'],
      ['Allow users to send e-mail to the All Users group?', true],
      ['Write', 'write'],
    ],
    { service: await findService('postmark') },
  );
  assert.equal(asked[0]!.kind, 'password');
  assert.match(
    text,
    /Postmark: smtp\.postmarkapp\.com, port 2525, SMTP with STARTTLS\.\nLogin: the server's API token, as both the user name and the password\./,
  );
  assert.match(written, /^mail\.smtp\.user=pm-token-5678\nmail\.smtp\.password=pm-token-5678\n/m);
});

test('Our own mail server: every question of the installer, as before', async () => {
  const { asked } = await run([
    ['Where does the mail go?', 'own'],
    ['Outbound e-mail protocol', 'smtp'],
    ['Mail host', 'mail.example.com'],
    ['Port', '25'],
    ['Use STARTTLS?', false],
    ['Time zone for notifications', 'UTC'],
    ['Does the mail server require authentication?', false],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  assert.equal(asked[0]!.default, 'own');
  assert.ok(asked[0]!.choices!.includes('Microsoft 365 connector relay'));
});

test('--host given: no menu (the site names its own server); --service given: no menu either', async () => {
  const own = await run(
    [
      ['Outbound e-mail protocol', 'smtp'],
      ['Port', '25'],
      ['Use STARTTLS?', false],
      ['Time zone for notifications', 'UTC'],
      ['Does the mail server require authentication?', false],
      ['Allow users to send e-mail to the All Users group?', true],
      ['Write', 'write'],
    ],
    { preset: { host: 'mail.example.com' } },
  );
  assert.equal(own.asked[0]!.message, 'Outbound e-mail protocol');
});

test('reconfigure: a file whose host is an SES region offers Amazon SES and that region first, and the summary names it', async () => {
  const existing = propertiesText({
    'mail.transport.protocol': 'smtps',
    'mail.smtps.host': 'email-smtp.eu-central-1.amazonaws.com',
    'mail.smtps.port': '465',
    'mail.smtps.auth': 'true',
    'mail.smtps.user': 'AKIASMTPUSER',
    'mail.smtps.password': 'stored',
    'notify.timezone': 'UTC',
  });
  const { asked, text } = await run(
    [
      ['What would you like to do?', 'all'],
      ['Where does the mail go?', 'SES'],
      ['Which Amazon SES region?', 'SES-EU-CENTRAL-1'],
      ['Time zone for notifications', 'UTC'],
      ['User name or e-mail address', ''],
      ['Password', ''],
      ['Sender address of notifications', 'teaming@example.com'],
      ['Allow users to send e-mail to the All Users group?', true],
      ['Write', 'write'],
    ],
    {},
    existing,
  );
  assert.equal(asked[1]!.default, 'SES');
  assert.equal(asked[2]!.default, 'SES-EU-CENTRAL-1');
  assert.match(text, /\n {2}Mail service {16}Amazon SES\n/);
});
