/**
 * Secrets masked by what they are: every value whose key, attribute or element names a secret is
 * masked in --dry-run and --json, across the whole document; an operator's slip on the command line
 * never echoes a password.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, UNATTENDED } from '../helpers/cli.ts';

const SITE_SECRETS = ['Db-S3cret-1', 'Ldap-S3cret-2', 'Imap-S3cret-3', 'Store-S3cret-4', 'Token-S3cret-5', 'Element-S3cret-6', 'Api-S3cret-7'];

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<InstallerConfig>
  <Database><Resource username="root" password="${SITE_SECRETS[0]}" /></Database>
  <Ldap url="ldap://ldap.example.com" principal="cn=admin" credentials='${SITE_SECRETS[1]}' />
  <Keystore passwd="${SITE_SECRETS[3]}" keystoreFile="" />
  <Sso><Token>${SITE_SECRETS[4]}</Token><ApiKey>${SITE_SECRETS[6]}</ApiKey></Sso>
  <Admin><Password>${SITE_SECRETS[5]}</Password><Name>admin</Name></Admin>
  <EmailSettings>
    <Inbound><Resource mail.store.protocol="imap" mail.imap.host="imap.example.com" mail.imap.password="${SITE_SECRETS[2]}" /></Inbound>
    <Outbound defaultTZ="UTC" allowSendToAllUsers="true">
      <Resource mail.transport.protocol="smtp" mail.smtp.host="mail.example.com" mail.smtp.port="25" mail.smtp.auth="false" />
    </Outbound>
  </EmailSettings>
</InstallerConfig>
`;

const PROPERTIES = [
  'mail.transport.protocol=smtp',
  'mail.smtp.host=mail.example.com',
  'notify.timezone=UTC',
  `ldap.credentials=${SITE_SECRETS[1]}`,
  `jdbc.pwd=${SITE_SECRETS[0]}`,
  `keystore.pass=${SITE_SECRETS[3]}`,
  `sso.apiToken=${SITE_SECRETS[4]}`,
  `mail.imap.PASSWORD=${SITE_SECRETS[2]}`,
  'site.name=unchanged',
  '',
].join('\n');

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'secret-masking-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

function assertNoSecret(text: string): void {
  for (const secret of SITE_SECRETS) assert.ok(!text.includes(secret), `${secret} shown:\n${text}`);
}

describe('--dry-run and --json of a site full of secrets', () => {
  test('installer.xml: the database password, LDAP credentials, the inbound IMAP password, element texts: all masked, on screen and in --json', async () => {
    await writeFile(join(folder, 'installer.xml'), XML);
    for (const json of [false, true]) {
      const result = await runCli([...UNATTENDED, '-f', 'installer.xml', '--reconfigure', '--port', '2525', '--dry-run', ...(json ? ['--json'] : [])], {
        cwd: folder,
      });
      assert.equal(result.code, 0, result.stderr);
      assertNoSecret(result.stdout + result.stderr);
      const shown = json ? (JSON.parse(result.stdout) as { preview: string }).preview : result.stdout;
      assert.match(shown, /<Resource username="root" password="••••••" \/>/);
      assert.match(shown, /credentials='••••••'/);
      assert.match(shown, /<Token>••••••<\/Token><ApiKey>••••••<\/ApiKey>/);
      assert.match(shown, /<Password>••••••<\/Password><Name>admin<\/Name>/);
      assert.match(shown, /mail\.imap\.password="••••••"/);
      assert.match(shown, /keystoreFile=""/);
    }
  });

  test('installer.properties: ldap.credentials, jdbc.pwd, keystore.pass, sso.apiToken, mail.imap.PASSWORD masked; other keys shown', async () => {
    await writeFile(join(folder, 'installer.properties'), PROPERTIES);
    for (const json of [false, true]) {
      const result = await runCli([...UNATTENDED, '--reconfigure', '--port', '2525', '--dry-run', ...(json ? ['--json'] : [])], { cwd: folder });
      assert.equal(result.code, 0, result.stderr);
      assertNoSecret(result.stdout + result.stderr);
      const shown = json ? (JSON.parse(result.stdout) as { preview: string }).preview : result.stdout;
      for (const key of ['ldap.credentials', 'jdbc.pwd', 'keystore.pass', 'sso.apiToken', 'mail.imap.PASSWORD'])
        assert.match(shown, new RegExp(`^${key.replaceAll('.', '\\.')}=••••••$`, 'm'));
      assert.match(shown, /^site\.name=unchanged$/m);
    }
  });
});

describe('operator slips never echo the password', () => {
  for (const args of [['--password=S3cret-Slip'], ['--password', 'S3cret-Slip'], ['show', '--pass=S3cret-Slip'], ['--api-token=S3cret-Slip']]) {
    for (const json of [false, true]) {
      test(`${args.join(' ')}${json ? ' --json' : ''}: exit 2, the option named, its value not shown`, async () => {
        const result = await runCli([...args, ...(json ? ['--json'] : [])], { cwd: folder });
        assert.equal(result.code, 2);
        assert.ok(!(result.stdout + result.stderr).includes('S3cret-Slip'), result.stdout + result.stderr);
        // --password itself is explained (there is no such option, and why); any other slip is an unknown option.
        assert.match(
          result.stderr,
          args[0]!.startsWith('--password')
            ? /^✖ --password: a password on the command line shows in the process list and the shell history, so there is no --password option: give it with --password-file, --password-stdin or TEAMING_MAIL_PASSWORD$/m
            : /unknown option '--(pass|api-token)(=<not shown>)?'/,
        );
      });
    }
  }

  test('--password-file S3cret (a password given as the file name): the name is not echoed', async () => {
    const result = await runCli(
      [
        ...UNATTENDED,
        '--host',
        'mail.example.com',
        '--time-zone',
        'UTC',
        '--auth',
        '--username',
        'u',
        '--password-file',
        'S3cret-Slip',
        '-f',
        'fresh.properties',
      ],
      { cwd: folder },
    );
    assert.equal(result.code, 2);
    assert.ok(!(result.stdout + result.stderr).includes('S3cret-Slip'), result.stderr);
    assert.match(result.stderr, /--password-file: the file cannot be read: it does not exist/);
  });
});
