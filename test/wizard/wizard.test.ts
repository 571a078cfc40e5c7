import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_LINE_WORDS } from '../../src/cli/answers.ts';
import { AnswersError, CancelledError, ProbeFailedError, UsageError } from '../../src/errors.ts';
import { diskFileAccess } from '../../src/wizard/file-access.ts';
import type { Prompter } from '../../src/wizard/prompter.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { runWizard, type ProbeCapability, type WizardCapabilities, type WizardOptions } from '../../src/wizard/wizard.ts';
import { assertChangesMatchDiff } from '../helpers/file-diff.ts';
import { capturedOutput, scriptedPrompter } from '../helpers/scripted.ts';
import { PLAIN_SMTP, propertiesText } from '../helpers/fixtures.ts';

const NOW = new Date('2026-12-01T17:00:00Z');

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wizard-test-'));
}

function options(file: string, overrides: Partial<WizardOptions> = {}): WizardOptions {
  return { file, reconfigure: false, interactive: true, force: false, dryRun: false, preset: {}, commandLine: COMMAND_LINE_WORDS, ...overrides };
}

/** A real run's capabilities, with these prompts (and output, probe… when given). */
function caps(prompt: Prompter, more: Partial<WizardCapabilities> = {}): WizardCapabilities {
  return { prompt, out: capturedOutput().out, now: () => NOW, files: diskFileAccess, ...more };
}

const NEW_CONFIGURATION: [string, unknown][] = [
  ['Where does the mail go?', 'own'],
  ['Outbound e-mail protocol', 'smtp'],
  ['Mail host', 'mail.example.com'],
  ['Port', '587'],
  ['Use STARTTLS?', true],
  ['Time zone for notifications', 'America/Denver'],
  ['Does the mail server require authentication?', true],
  ['User name or e-mail address', 'teaming@example.com'],
  ['Password', 'pa ss=wörd'],
  ['Allow users to send e-mail to the All Users group?', false],
  ['Write', 'write'],
];

const NEW_FILE = propertiesText({
  'mail.transport.protocol': 'smtp',
  'mail.smtp.host': 'mail.example.com',
  'mail.smtp.port': '587',
  'mail.smtp.auth': 'true',
  'mail.smtp.user': 'teaming@example.com',
  'mail.smtp.password': 'pa ss\\=w\\u00f6rd',
  'mail.smtp.sendpartial': 'true',
  'mail.smtp.connectiontimeout': '15000',
  'mail.smtp.timeout': '60000',
  'mail.smtp.writetimeout': '60000',
  'mail.smtp.ssl.checkserveridentity': 'true',
  'mail.smtp.starttls.enable': 'true',
  'mail.smtp.starttls.required': 'true',
  'notify.timezone': 'America/Denver',
  'mail.allowSendToAllUsers': 'false',
});

test('a new configuration asks every question in the installer order and writes the file', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const { prompt, asked } = scriptedPrompter(NEW_CONFIGURATION);
  const { out, text } = capturedOutput();
  const result = await runWizard(options(file), caps(prompt, { out }));

  assert.equal(result.result, 'written');
  assert.equal(await readFile(file, 'latin1'), NEW_FILE);
  assert.equal(asked.length, NEW_CONFIGURATION.length);
  // Defaults: port follows the protocol, STARTTLS follows port 587.
  assert.equal(asked.find((question) => question.message === 'Port')?.default, '25');
  assert.equal(asked.find((question) => question.message === 'Use STARTTLS?')?.default, true);
  const screen = text();
  assert.match(screen, /\n {2}Password {20}••••••\n/);
  assert.match(screen, /Notifications will be stamped like: Tue 1 Dec 2026 10:00 MST/);
  assert.doesNotMatch(screen, /pa ss=wörd/);
  assert.match(screen, /✔ Wrote .*installer\.properties \(mode 0600, owner root:root\)\./);
});

test('answers given in advance skip their questions', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const { prompt, asked } = scriptedPrompter([
    ['Time zone for notifications', 'Europe/Berlin'],
    ['Write', 'write'],
  ]);
  const preset: Partial<MailSettings> = {
    protocol: 'smtps',
    host: '2001:db8::25',
    port: 465,
    auth: false,
    allowSendToAllUsers: true,
  };
  await runWizard(options(file, { preset }), caps(prompt));
  assert.deepEqual(
    asked.map((question) => question.message),
    ['Time zone for notifications', `Write ${file}?`],
  );
  const written = await readFile(file, 'latin1');
  assert.match(written, /^mail\.smtps\.host=2001\\:db8\\:\\:25$/m);
  assert.doesNotMatch(written, /starttls/);
});

const EXISTING =
  '# Teaming installer settings\n' +
  'database.url=jdbc:mysql://db/teaming\n' +
  'mail.transport.protocol=smtp\n' +
  'mail.smtp.host=old.example.com\n' +
  'mail.smtp.port=25\n' +
  'mail.smtp.auth=true\n' +
  'mail.smtp.user=teaming\n' +
  'mail.smtp.password=stored-secret\n' +
  'mail.smtp.sendpartial=true\n' +
  'mail.smtp.connectiontimeout=20000\n' +
  'mail.smtp.timeout=60000\n' +
  'mail.smtp.writetimeout=60000\n' +
  'mail.smtp.ssl.checkserveridentity=true\n' +
  'mail.smtp.starttls.enable=false\n' +
  'mail.smtp.starttls.required=false\n' +
  '! kept comment\n' +
  'notify.timezone=America/Chicago\n' +
  'mail.allowSendToAllUsers=true\n' +
  'zzz.after=1\n';

test('--reconfigure offers the stored values, keeps the stored password on a blank answer, and changes only what changed', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  await writeFile(file, EXISTING);
  const { prompt, asked } = scriptedPrompter([
    ['What would you like to do?', 'all'],
    ['Where does the mail go?', 'own'],
    ['Outbound e-mail protocol', 'smtp'],
    ['Mail host', ''],
    ['Port', '587'],
    ['Use STARTTLS?', true],
    ['Time zone for notifications', 'America/Chicago'],
    ['Does the mail server require authentication?', true],
    ['User name or e-mail address', ''],
    ['Password', ''],
    // The stored user name "teaming" is no address: Teaming would send from it as it is.
    ['Sender address of notifications', ''],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  const { out, text } = capturedOutput();
  const result = await runWizard(options(file, { reconfigure: true }), caps(prompt, { out }));

  assert.deepEqual(
    asked.map((question) => question.default),
    [undefined, 'own', 'smtp', 'old.example.com', '25', true, 'America/Chicago', true, 'teaming', undefined, undefined, true, undefined],
  );
  assert.equal(
    await readFile(file, 'latin1'),
    EXISTING.replace('mail.smtp.port=25', 'mail.smtp.port=587')
      .replace('starttls.enable=false', 'starttls.enable=true')
      .replace('starttls.required=false', 'starttls.required=true'),
  );
  assertChangesMatchDiff(text(), file, EXISTING, await readFile(file, 'latin1'));
  assert.equal(await readFile(`${file}.bak`, 'latin1'), EXISTING);
  assert.deepEqual(
    result.changes.map((change) => `${change.label}: ${change.from} → ${change.to}`),
    ['Port: 25 → 587', 'STARTTLS: no → yes', 'STARTTLS required (mail.smtp.starttls.required): no → yes'],
  );
  assert.match(text(), /Leave blank to keep the current password\./);
  assert.doesNotMatch(text(), /stored-secret/);
});

/** Reconfiguring EXISTING, each question answered with its stored value. */
const KEEP_EVERY_ANSWER: [string, unknown][] = [
  ['Where does the mail go?', 'own'],
  ['Outbound e-mail protocol', 'smtp'],
  ['Mail host', ''],
  ['Port', ''],
  ['Use STARTTLS?', false],
  ['Time zone for notifications', 'America/Chicago'],
  ['Does the mail server require authentication?', true],
  ['User name or e-mail address', ''],
  ['Password', ''],
  ['Sender address of notifications', ''],
  ['Allow users to send e-mail to the All Users group?', true],
];

test('--reconfigure with no change writes nothing', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  await writeFile(file, EXISTING);
  const { prompt } = scriptedPrompter([['What would you like to do?', 'all'], ...KEEP_EVERY_ANSWER, ['Nothing changed. What now?', 'write']]);
  const { out, text } = capturedOutput();
  const result = await runWizard(options(file, { reconfigure: true }), caps(prompt, { out }));
  assert.equal(result.result, 'unchanged');
  assert.match(text(), /\(no changes\)/);
  assert.match(text(), /Nothing changed; .* was not written\./);
  assertChangesMatchDiff(text(), file, EXISTING, await readFile(file, 'latin1'));
  assert.deepEqual(await readdir(dir), ['installer.properties']);
});

test('--reconfigure of a file without read timeouts adds them, and the change list says so', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const older = EXISTING.replace('mail.smtp.timeout=60000\n', '').replace('mail.smtp.writetimeout=60000\n', '');
  await writeFile(file, older);
  const { prompt } = scriptedPrompter([
    ['What would you like to do?', 'all'],
    ...KEEP_EVERY_ANSWER,
    ['Write', 'write'],
    // The stored settings send the password without TLS: written again only with consent.
    ['With these settings the password would cross the network unencrypted (no TLS). Write them anyway?', true],
  ]);
  const { out, text } = capturedOutput();
  const result = await runWizard(options(file, { reconfigure: true }), caps(prompt, { out }));
  assert.equal(await readFile(file, 'latin1'), EXISTING);
  assertChangesMatchDiff(text(), file, older, EXISTING);
  assert.deepEqual(
    result.changes.map((change) => `${change.label}: ${change.from} → ${change.to}`),
    ['Read timeout: (not set) → 60 s', 'mail.smtp.writetimeout: (not set) → 60000'],
  );
});

test('switching the protocol moves the port default to the new protocol', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  await writeFile(file, EXISTING);
  const { prompt, asked } = scriptedPrompter([
    ['What would you like to do?', 'all'],
    ['Where does the mail go?', 'own'],
    ['Outbound e-mail protocol', 'smtps'],
    ['Mail host', ''],
    ['Port', ''],
    ['Time zone for notifications', 'America/Chicago'],
    ['Does the mail server require authentication?', false],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'write'],
  ]);
  const { out, text } = capturedOutput();
  await runWizard(options(file, { reconfigure: true }), caps(prompt, { out }));
  assert.equal(asked.find((question) => question.message === 'Port')?.default, '465');
  const written = await readFile(file, 'latin1');
  assert.deepEqual(
    assertChangesMatchDiff(text(), file, EXISTING, written).map((row) => row.label),
    [
      'Protocol',
      'SMTPS mail host',
      'SMTPS port',
      'SMTPS authentication',
      'SMTPS connection timeout',
      'SMTPS read timeout',
      'Server name check (mail.smtps.ssl.checkserveridentity)',
      'mail.smtps.sendpartial',
      'mail.smtps.writetimeout',
    ],
  );
  // The smtp lines stay as they were; the smtps ones are added after them.
  assert.match(written, /^mail\.smtp\.host=old\.example\.com$/m);
  assert.match(written, /^mail\.transport\.protocol=smtps$/m);
  assert.match(written, /^mail\.smtps\.port=465$/m);
  assert.match(written, /^mail\.smtps\.auth=false$/m);
});

test('an existing file is never silently replaced: the wizard asks, and Cancel leaves it untouched', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  await writeFile(file, EXISTING);
  const { prompt, asked } = scriptedPrompter([[`${file} already holds outbound e-mail settings. What now?`, 'cancel']]);
  await assert.rejects(runWizard(options(file), caps(prompt)), CancelledError);
  assert.deepEqual(asked[0]?.choices, [
    'Reconfigure them (the current values become the defaults)',
    'Replace them with new answers (other keys in the file are kept)',
    'Cancel',
  ]);
  assert.equal(await readFile(file, 'latin1'), EXISTING);
});

test('unattended: an existing file needs --reconfigure or --force', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  await writeFile(file, EXISTING);
  const { prompt } = scriptedPrompter([]);
  await assert.rejects(
    runWizard(options(file, { interactive: false, preset: { host: 'new.example.com' } }), caps(prompt)),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message === `${file} already holds outbound e-mail settings: add --reconfigure to change them, or --force to replace them`,
  );
});

test('unattended: every missing answer is named at once, with its flag', async () => {
  const dir = await folder();
  const { prompt } = scriptedPrompter([]);
  await assert.rejects(
    runWizard(options(join(dir, 'installer.properties'), { interactive: false, preset: { auth: true, timeZone: 'UTC' } }), caps(prompt)),
    (error: unknown) => {
      assert.ok(error instanceof AnswersError);
      assert.deepEqual(error.problems, [
        'missing mail host: give --host (answers file: "host")',
        'missing user name: give --username (answers file: "username")',
      ]);
      return true;
    },
  );
});

test('"Change one answer" re-asks only that question', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const script = NEW_CONFIGURATION.slice(0, -1);
  const { prompt, asked } = scriptedPrompter([
    ...script,
    ['Write', 'change'],
    ['Which answer?', 'host'],
    ['Mail host', 'relay.example.org'],
    ['Write', 'write'],
  ]);
  await runWizard(options(file), caps(prompt));
  assert.equal(asked.at(-2)?.default, 'mail.example.com');
  assert.equal(await readFile(file, 'latin1'), NEW_FILE.replace('mail.example.com', 'relay.example.org'));
});

function failingProbe(failures: number): { probe: ProbeCapability; seen: MailSettings[] } {
  const seen: MailSettings[] = [];
  const probe: ProbeCapability = async (settings) => {
    seen.push(settings);
    if (seen.length > failures) return { ok: true, report: { ok: true } };
    return {
      ok: false,
      report: { ok: false },
      failure: {
        question: 'protocol',
        suggestion: { protocol: 'smtps', port: 465 },
        message: 'the greeting never arrived',
        advice: 'this port expects SMTPS (TLS from the first byte): choose SMTPS',
      },
    };
  };
  return { probe, seen };
}

test('a failed probe offers the working settings, and the file gets them', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const { probe, seen } = failingProbe(1);
  const { prompt, asked } = scriptedPrompter([
    ...NEW_CONFIGURATION.slice(0, -1),
    ['The mail server check failed. What now?', 'suggestion'],
    ['Write', 'write'],
  ]);
  await runWizard(options(file), caps(prompt, { probe }));
  assert.equal(seen.length, 2);
  assert.equal(seen[1]?.protocol, 'smtps');
  assert.equal(seen[1]?.port, 465);
  assert.equal(seen[1]?.starttls, false);
  const failureQuestion = asked.find((question) => question.message.startsWith('The mail server check failed'));
  assert.deepEqual(failureQuestion?.choices, [
    'Use the working settings (protocol SMTPS, port 465)',
    'Change the protocol',
    'Try again',
    'Save anyway',
    'Cancel',
  ]);
  assert.match(await readFile(file, 'latin1'), /^mail\.smtps\.port=465$/m);
});

test('unattended: a failed probe writes nothing and says why; --force writes anyway', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const preset: Partial<MailSettings> = { host: 'mail.example.com', timeZone: 'UTC' };
  await assert.rejects(
    runWizard(options(file, { interactive: false, preset }), caps(scriptedPrompter([]).prompt, { probe: failingProbe(5).probe })),
    (error: unknown) =>
      error instanceof ProbeFailedError && /this port expects SMTPS \(TLS from the first byte\): choose SMTPS; nothing was written/.test(error.message),
  );
  assert.deepEqual(await readdir(dir), []);
  await runWizard(options(file, { interactive: false, force: true, preset }), caps(scriptedPrompter([]).prompt, { probe: failingProbe(5).probe }));
  assert.match(await readFile(file, 'latin1'), /^mail\.smtp\.host=mail\.example\.com$/m);
});

test('--dry-run shows the file with the password masked and writes nothing', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const { prompt } = scriptedPrompter(NEW_CONFIGURATION.slice(0, -1));
  const { out, text } = capturedOutput();
  const result = await runWizard(options(file, { dryRun: true }), caps(prompt, { out }));
  assert.equal(result.result, 'dry-run');
  assert.equal(result.preview, NEW_FILE.replace('pa ss\\=w\\u00f6rd', '••••••'));
  assert.match(text(), /would hold \(dry run, nothing written\)/);
  assert.deepEqual(await readdir(dir), []);
});

test("changing the port on a second visit asks about STARTTLS again, with the new port's default", async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const script: [string, unknown][] = [
    ['Where does the mail go?', 'own'],
    ['Outbound e-mail protocol', 'smtp'],
    ['Mail host', 'mail.example.com'],
    ['Port', '25'],
    ['Use STARTTLS?', false],
    ['Time zone for notifications', 'UTC'],
    ['Does the mail server require authentication?', false],
    ['Allow users to send e-mail to the All Users group?', true],
    ['Write', 'change'],
    ['Which answer?', 'port'],
    ['Port', '587'],
    ['Use STARTTLS?', true],
    ['Write', 'write'],
  ];
  const { prompt, asked } = scriptedPrompter(script);
  await runWizard(options(file), caps(prompt));
  assert.equal(asked.at(-2)?.default, true);
  assert.match(await readFile(file, 'latin1'), /^mail\.smtp\.port=587\nmail\.smtp\.auth=false\n[\s\S]*^mail\.smtp\.starttls\.enable=true$/m);
});

/** Refuses to send the password without TLS (as the probe does) unless the run allows it. */
function plaintextRefusingProbe(suggestion?: Partial<MailSettings>): { probe: ProbeCapability; seen: { settings: MailSettings; allowed: boolean }[] } {
  const seen: { settings: MailSettings; allowed: boolean }[] = [];
  const probe: ProbeCapability = async (settings, _out, run) => {
    seen.push({ settings, allowed: run.allowPlaintextAuth });
    const clear = settings.protocol === 'smtp' && !settings.starttls;
    if (!clear || run.allowPlaintextAuth) return { ok: true, report: { ok: true } };
    return {
      ok: false,
      report: { ok: false },
      failure: {
        kind: 'auth-plaintext',
        question: 'starttls',
        message: 'the password would cross the network unencrypted',
        advice: 'turn STARTTLS on',
        suggestion,
      },
    };
  };
  return { probe, seen };
}

const WITHOUT_STARTTLS = NEW_CONFIGURATION.slice(0, -1).map(([message, answer]): [string, unknown] => [message, message === 'Use STARTTLS?' ? false : answer]);

test('the password would cross unencrypted: the working settings the check saw (default), another port, unencrypted anyway, or cancel', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const tested = plaintextRefusingProbe({ protocol: 'smtps', port: 465, starttls: false });
  const { prompt, asked } = scriptedPrompter([
    ...WITHOUT_STARTTLS,
    ['The password would cross the network unencrypted. What now?', 'suggestion'],
    ['Write', 'write'],
  ]);
  await runWizard(options(file), caps(prompt, { probe: tested.probe }));
  const menu = asked.find((question) => question.message.startsWith('The password would cross'));
  assert.deepEqual(menu?.choices, [
    'Use the working settings (protocol SMTPS, port 465)',
    'Change the port',
    'Send the password unencrypted anyway (only on a network path you trust)',
    'Cancel',
  ]);
  assert.equal(menu?.default, 'suggestion');
  assert.deepEqual(
    tested.seen.map(({ settings, allowed }) => `${settings.protocol}:${settings.port}:${settings.starttls}:${allowed}`),
    ['smtp:587:false:false', 'smtps:465:false:false'],
  );
  assert.match(await readFile(file, 'latin1'), /^mail\.transport\.protocol=smtps$/m);

  // Nothing the check saw work: no STARTTLS or SMTPS offered, and the default is another port.
  const untested = scriptedPrompter([...WITHOUT_STARTTLS, ['The password would cross the network unencrypted. What now?', 'cancel']]);
  await assert.rejects(runWizard(options(join(dir, 'none.properties')), caps(untested.prompt, { probe: plaintextRefusingProbe().probe })), CancelledError);
  const bare = untested.asked.find((question) => question.message.startsWith('The password would cross'));
  assert.deepEqual(bare?.choices, ['Change the port', 'Send the password unencrypted anyway (only on a network path you trust)', 'Cancel']);
  assert.equal(bare?.default, 'port');

  const anyway = plaintextRefusingProbe();
  const { out, text } = capturedOutput();
  const result = await runWizard(
    options(join(dir, 'other.properties')),
    caps(scriptedPrompter([...WITHOUT_STARTTLS, ['The password would cross the network unencrypted. What now?', 'plaintext'], ['Write', 'write']]).prompt, {
      out,
      probe: anyway.probe,
    }),
  );
  assert.deepEqual(
    anyway.seen.map(({ allowed }) => allowed),
    [false, true],
  );
  assert.equal(result.passwordUnencrypted, true);
  assert.match(text(), /! With these settings the password crosses the network unencrypted \(no TLS\)/);

  await assert.rejects(
    runWizard(
      options(join(dir, 'third.properties')),
      caps(scriptedPrompter([...WITHOUT_STARTTLS, ['The password would cross the network unencrypted. What now?', 'cancel']]).prompt, {
        probe: plaintextRefusingProbe().probe,
      }),
    ),
    CancelledError,
  );
  assert.deepEqual((await readdir(dir)).sort(), ['installer.properties', 'other.properties']);
});

test('a password without TLS is written only with consent, with or without the check', async () => {
  const dir = await folder();
  const file = join(dir, 'installer.properties');
  const preset: Partial<MailSettings> = { ...PLAIN_SMTP, username: 'teaming@example.com' };
  await assert.rejects(runWizard(options(file, { interactive: false, preset }), caps(scriptedPrompter([]).prompt)), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(
      error.message,
      'not written: with these settings the password would cross the network unencrypted, and Teaming would send it so with every message',
    );
    assert.equal(
      error.fix,
      'turn STARTTLS on (--starttls) or choose SMTPS (--protocol smtps); only on a network path you trust, allow it with --allow-plaintext-auth',
    );
    return true;
  });
  assert.deepEqual(await readdir(dir), []);
  // Asked: declining asks STARTTLS again; yes to it writes the safe file.
  const { prompt } = scriptedPrompter([
    ['Write', 'write'],
    ['With these settings the password would cross the network unencrypted (no TLS). Write them anyway?', false],
    ['Use STARTTLS?', true],
    ['Write', 'write'],
  ]);
  await runWizard(options(file, { preset }), caps(prompt));
  assert.match(await readFile(file, 'latin1'), /^mail\.smtp\.starttls\.required=true$/m);
  await runWizard(options(file, { interactive: false, force: true, preset, allowPlaintextAuth: true }), caps(scriptedPrompter([]).prompt));
  assert.match(await readFile(file, 'latin1'), /^mail\.smtp\.starttls\.enable=false$/m);
});
