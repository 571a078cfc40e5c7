import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SettingsFileError } from '../../src/errors.ts';
import { readInstallerProperties } from '../../src/settings/installer-properties.ts';
import { propertiesFormat } from '../../src/settings/settings-format.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { PLAIN_SMTP, propertiesText } from '../helpers/fixtures.ts';

const SMTP: MailSettings = {
  ...PLAIN_SMTP,
  port: 587,
  starttls: true,
  timeZone: 'America/New_York',
  username: 'admin@example.com',
  password: 's3cret',
  allowSendToAllUsers: false,
};

/** The file's bytes after writing `settings` over `existing` (given as Latin-1 text), as Latin-1 text. */
function write(existing: string | undefined, settings: MailSettings): string {
  const bytes = propertiesFormat.write(existing === undefined ? undefined : Buffer.from(existing, 'latin1'), settings, 'installer.properties');
  return bytes.toString('latin1');
}

function readError(text: string): SettingsFileError {
  try {
    readInstallerProperties(text, '/etc/teaming/installer.properties');
  } catch (error) {
    assert.ok(error instanceof SettingsFileError, `not a SettingsFileError: ${String(error)}`);
    return error;
  }
  assert.fail('no error');
}

describe('writeInstallerProperties: a new file', () => {
  it('writes the header and every managed key in order, password escaped', () => {
    assert.equal(
      write(undefined, { ...SMTP, password: 'p=ss: #1 é😀' }),
      propertiesText({
        'mail.transport.protocol': 'smtp',
        'mail.smtp.host': 'mail.example.com',
        'mail.smtp.port': '587',
        'mail.smtp.auth': 'true',
        'mail.smtp.user': 'admin@example.com',
        'mail.smtp.password': 'p\\=ss\\: \\#1 \\u00e9\\ud83d\\ude00',
        'mail.smtp.sendpartial': 'true',
        'mail.smtp.connectiontimeout': '15000',
        'mail.smtp.timeout': '60000',
        'mail.smtp.writetimeout': '60000',
        'mail.smtp.ssl.checkserveridentity': 'true',
        'mail.smtp.starttls.enable': 'true',
        'mail.smtp.starttls.required': 'true',
        'notify.timezone': 'America/New_York',
        'mail.allowSendToAllUsers': 'false',
      }),
    );
  });

  it('SMTPS without authentication: no user, no password, no STARTTLS key', () => {
    assert.equal(
      write(undefined, { ...SMTP, protocol: 'smtps', port: 465, starttls: false, auth: false, username: '', password: '', allowSendToAllUsers: true }),
      propertiesText({
        'mail.transport.protocol': 'smtps',
        'mail.smtps.host': 'mail.example.com',
        'mail.smtps.port': '465',
        'mail.smtps.auth': 'false',
        'mail.smtps.sendpartial': 'true',
        'mail.smtps.connectiontimeout': '15000',
        'mail.smtps.timeout': '60000',
        'mail.smtps.writetimeout': '60000',
        'mail.smtps.ssl.checkserveridentity': 'true',
        'notify.timezone': 'America/New_York',
        'mail.allowSendToAllUsers': 'true',
      }),
    );
  });

  it('authentication without a password writes the user and no password key', () => {
    const text = write(undefined, { ...SMTP, password: '' });
    assert.match(text, /^mail\.smtp\.user=admin@example\.com\nmail\.smtp\.sendpartial=true\n/m);
    assert.doesNotMatch(text, /password/);
  });

  it('a leading space and a backslash in the password are escaped; trailing spaces are kept', () => {
    assert.match(write(undefined, { ...SMTP, password: ' a\\b\tc\r\nd ' }), /^mail\.smtp\.password=\\ a\\\\b\\tc\\r\\nd \n/m);
  });
});

describe('writeInstallerProperties: an existing file', () => {
  const ADMIN_FILE =
    '# Teaming settings\r\n' +
    '! legacy comment\r\n' +
    '\r\n' +
    'site.name = Kablink \xe9quipe \xff\r\n' +
    'mail.smtp.host: old.example.com\r\n' +
    'mail.smtp.port 25\r\n' +
    'mail.smtp.user=first\r\n' +
    'mail.smtp.auth=true\r\n' +
    'mail.smtp.user=second\r\n' +
    '   mail.smtp.password = sec\\\r\n' +
    '       ret\r\n' +
    'other.list = a,\\\r\n' +
    '    b\r\n' +
    'notify.timezone=America/New_York';

  // What stays of ADMIN_FILE around the managed lines, whatever the settings.
  const KEPT_HEAD = '# Teaming settings\r\n! legacy comment\r\n\r\nsite.name = Kablink \xe9quipe \xff\r\nmail.transport.protocol=smtp\r\n';
  const KEPT_TAIL =
    'mail.smtp.ssl.checkserveridentity=true\r\nmail.smtp.starttls.enable=false\r\nmail.smtp.starttls.required=false\r\nother.list = a,\\\r\n    b\r\nnotify.timezone=America/New_York\r\nmail.allowSendToAllUsers=true\r\n';

  it('keeps comments, blank lines, CRLF, Latin-1 bytes and unmanaged keys; removes every user and password line when auth is off', () => {
    const settings: MailSettings = {
      ...SMTP,
      host: 'new.example.com',
      port: 25,
      starttls: false,
      auth: false,
      username: '',
      password: '',
      allowSendToAllUsers: true,
    };
    assert.equal(
      write(ADMIN_FILE, settings),
      KEPT_HEAD +
        'mail.smtp.host=new.example.com\r\n' +
        'mail.smtp.port 25\r\n' +
        'mail.smtp.auth=false\r\n' +
        'mail.smtp.sendpartial=true\r\n' +
        'mail.smtp.connectiontimeout=15000\r\n' +
        'mail.smtp.timeout=60000\r\n' +
        'mail.smtp.writetimeout=60000\r\n' +
        KEPT_TAIL,
    );
  });

  it('a changed duplicated key: the last line is replaced, the earlier (dead) ones are dropped', () => {
    const settings: MailSettings = {
      ...SMTP,
      host: 'old.example.com',
      port: 25,
      starttls: false,
      username: 'third',
      password: 'sec ret',
      allowSendToAllUsers: true,
    };
    assert.equal(
      write(ADMIN_FILE, settings),
      KEPT_HEAD +
        'mail.smtp.host: old.example.com\r\n' +
        'mail.smtp.port 25\r\n' +
        'mail.smtp.auth=true\r\n' +
        'mail.smtp.user=third\r\n' +
        'mail.smtp.password=sec ret\r\n' +
        'mail.smtp.sendpartial=true\r\n' +
        'mail.smtp.connectiontimeout=15000\r\n' +
        'mail.smtp.timeout=60000\r\n' +
        'mail.smtp.writetimeout=60000\r\n' +
        KEPT_TAIL,
    );
  });

  it("an unchanged value keeps the administrator's line (continuation, spacing, escapes) as it was", () => {
    const existing = 'mail.transport.protocol : smtp\nmail.smtp.host   mail.\\\n   example.com\nnotify.timezone=America/New\\u005fYork\nx=1';
    const settings = { ...SMTP, auth: false, username: '', password: '' };
    assert.equal(
      write(existing, settings),
      'mail.transport.protocol : smtp\n' +
        'mail.smtp.host   mail.\\\n   example.com\n' +
        'mail.smtp.port=587\n' +
        'mail.smtp.auth=false\n' +
        'mail.smtp.sendpartial=true\n' +
        'mail.smtp.connectiontimeout=15000\n' +
        'mail.smtp.timeout=60000\n' +
        'mail.smtp.writetimeout=60000\n' +
        'mail.smtp.ssl.checkserveridentity=true\n' +
        'mail.smtp.starttls.enable=true\n' +
        'mail.smtp.starttls.required=true\n' +
        'notify.timezone=America/New\\u005fYork\n' +
        'mail.allowSendToAllUsers=false\n' +
        'x=1',
    );
  });

  it('writing back what was read changes nothing, byte for byte', () => {
    const existing = write(ADMIN_FILE, SMTP);
    const { settings } = readInstallerProperties(existing, 'f');
    assert.equal(write(existing, settings as MailSettings), existing);
  });

  it('a file without any managed key gets them appended after a line ending in its own style', () => {
    assert.equal(
      write('a=1\rb=2', { ...SMTP, auth: false }),
      'a=1\rb=2\r' +
        'mail.transport.protocol=smtp\r' +
        'mail.smtp.host=mail.example.com\r' +
        'mail.smtp.port=587\r' +
        'mail.smtp.auth=false\r' +
        'mail.smtp.sendpartial=true\r' +
        'mail.smtp.connectiontimeout=15000\r' +
        'mail.smtp.timeout=60000\r' +
        'mail.smtp.writetimeout=60000\r' +
        'mail.smtp.ssl.checkserveridentity=true\r' +
        'mail.smtp.starttls.enable=true\r' +
        'mail.smtp.starttls.required=true\r' +
        'notify.timezone=America/New_York\r' +
        'mail.allowSendToAllUsers=false\r',
    );
  });

  it('a property left open by a backslash at the end of the file does not swallow the appended keys', () => {
    for (const existing of ['a=x\\', 'a=x\\\n', 'a=x\\\\\\\n']) {
      const text = write(existing, SMTP);
      const eol = existing.endsWith('\n') ? '' : '\n';
      assert.ok(text.startsWith(`${existing}${eol}\nmail.transport.protocol=smtp\n`), JSON.stringify(text));
    }
    // An even number of backslashes is an escaped backslash: nothing to close.
    assert.ok(write('a=x\\\\', SMTP).startsWith('a=x\\\\\nmail.transport.protocol=smtp\n'));
  });

  it('switching SMTP to SMTPS writes the smtps keys and leaves every mail.smtp.* line alone', () => {
    const existing = write(undefined, SMTP);
    const smtps: MailSettings = { ...SMTP, protocol: 'smtps', port: 465, starttls: false, password: 'other' };
    assert.equal(
      write(existing, smtps),
      propertiesText({
        'mail.transport.protocol': 'smtps',
        'mail.smtps.host': 'mail.example.com',
        'mail.smtps.port': '465',
        'mail.smtps.auth': 'true',
        'mail.smtps.user': 'admin@example.com',
        'mail.smtps.password': 'other',
        'mail.smtps.sendpartial': 'true',
        'mail.smtps.connectiontimeout': '15000',
        'mail.smtps.timeout': '60000',
        'mail.smtps.writetimeout': '60000',
        'mail.smtps.ssl.checkserveridentity': 'true',
        'mail.smtp.host': 'mail.example.com',
        'mail.smtp.port': '587',
        'mail.smtp.auth': 'true',
        'mail.smtp.user': 'admin@example.com',
        'mail.smtp.password': 's3cret',
        'mail.smtp.sendpartial': 'true',
        'mail.smtp.connectiontimeout': '15000',
        'mail.smtp.timeout': '60000',
        'mail.smtp.writetimeout': '60000',
        'mail.smtp.ssl.checkserveridentity': 'true',
        'mail.smtp.starttls.enable': 'true',
        'mail.smtp.starttls.required': 'true',
        'notify.timezone': 'America/New_York',
        'mail.allowSendToAllUsers': 'false',
      }),
    );
  });

  it('keys written with escapes are recognised as the managed keys', () => {
    assert.equal(write('mail.smtp\\.host=old\n', { ...SMTP, auth: false }).split('\n')[1], 'mail.smtp.host=mail.example.com');
  });
});

describe('readInstallerProperties', () => {
  it('an empty file or one without outbound settings has none', () => {
    assert.deepEqual(readInstallerProperties('', 'f'), { hasOutbound: false, settings: {} });
    assert.deepEqual(readInstallerProperties('# only\nnotify.timezone=UTC\n', 'f'), { hasOutbound: false, settings: {} });
  });

  it('reads what it wrote', () => {
    const password = ' \\ é😀\u2028=:#! ';
    const written = { ...SMTP, password, sender: 'notify@example.com', ehloName: 'teaming.example.com' };
    assert.deepEqual(readInstallerProperties(write(undefined, written), 'f'), {
      hasOutbound: true,
      settings: written,
      javaMail: { starttlsRequired: true, checkServerIdentity: true },
    });
  });

  it('without mail.transport.protocol the protocol is the one whose host is set; last duplicate wins', () => {
    assert.deepEqual(readInstallerProperties('mail.smtps.host=a.example\nmail.smtps.port=1\nmail.smtps.port=465\nmail.smtps.user=u\n', 'f'), {
      hasOutbound: true,
      settings: { protocol: 'smtps', host: 'a.example', port: 465, username: 'u', auth: true, starttls: false },
    });
  });

  it('TRUE and False are read the way JavaMail reads them', () => {
    assert.deepEqual(readInstallerProperties('mail.smtp.host=h\nmail.smtp.auth=TRUE\nmail.allowSendToAllUsers=False\n', 'f').settings, {
      protocol: 'smtp',
      host: 'h',
      auth: true,
      allowSendToAllUsers: false,
    });
  });

  it('an invalid value names the file, the line and the key', () => {
    const cases: [string, string][] = [
      [
        'mail.smtp.host=h\n\nmail.smtp.port=70000\n',
        '/etc/teaming/installer.properties:3: mail.smtp.port: port must be a whole number from 1 to 65535 (fix or remove this line, then run again)',
      ],
      [
        'mail.transport.protocol=imap\n',
        '/etc/teaming/installer.properties:1: mail.transport.protocol: protocol must be smtp or smtps (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=a\nmail.smtp.host=10.0.0.300\n',
        '/etc/teaming/installer.properties:2: mail.smtp.host: host 10.0.0.300 must be written as four decimal numbers from 0 to 255, such as 192.0.2.10: Java reads no other form of an IPv4 address (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=h\n# c\nmail.smtp.auth=yes\n',
        '/etc/teaming/installer.properties:3: mail.smtp.auth: mail.smtp.auth must be true or false (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=h\nmail.smtp.starttls.enable=true \n',
        '/etc/teaming/installer.properties:2: mail.smtp.starttls.enable: mail.smtp.starttls.enable must be true or false (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=h\nmail.smtp.user=a\\u0000b\n',
        '/etc/teaming/installer.properties:2: mail.smtp.user: user name must not contain a NUL character (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=h\nnotify.timezone=Mars/Base\n',
        '/etc/teaming/installer.properties:2: notify.timezone: time zone must be an IANA zone name such as America/New_York or Europe/Berlin (fix or remove this line, then run again)',
      ],
      [
        'mail.smtp.host=h\nmail.smtp.connectiontimeout=999\n',
        '/etc/teaming/installer.properties:2: mail.smtp.connectiontimeout: connection timeout must be a whole number of milliseconds from 1000 to 600000 (fix or remove this line, then run again)',
      ],
    ];
    for (const [text, message] of cases) assert.equal(readError(text).message, message);
    assert.equal(readError('mail.smtp.host=h\nmail.smtp.port=0\n').line, 2);
  });

  it('a malformed \\u escape, which Java refuses, names the line the property starts on', () => {
    const error = readError('# c \\\n! d \\\nok=\\\n  \\u0041\nbad=1\\\n  2\\u00g1\nlater=\\uzzzz\n');
    assert.equal(
      error.message,
      "/etc/teaming/installer.properties:5: malformed escaped unicode characters '\\u00g1': Java cannot load this file (write \\uXXXX with four hex digits, or \\\\ for a backslash)",
    );
    assert.equal(error.line, 5);
    assert.equal(readError('# \\\n  bad=\\u12').line, 2);
  });
});
