import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EXIT, SettingsFileError } from '../../src/errors.ts';
import { javaHomeOf, xmlFormat } from '../../src/settings/installer-xml.ts';
import { loadSettingsFile, renderSettingsFile } from '../../src/settings/settings-file.ts';
import { formatFor } from '../../src/settings/settings-format.ts';
import type { MailSettings } from '../../src/settings/settings.ts';

const FILE = '/etc/teaming/installer.xml';
const FIXTURE = readFileSync(new URL('../fixtures/installer.xml', import.meta.url), 'utf8');

const read = (text: string | Buffer) => xmlFormat.read(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, FILE);
const write = (text: string | Buffer | undefined, settings: MailSettings) =>
  xmlFormat.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, settings, FILE);

/** The text with `from` replaced by `to`, where `from` must occur exactly once. */
function replaceOnce(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  assert.ok(first >= 0, `${JSON.stringify(from)} is in the text`);
  assert.equal(text.indexOf(from, first + 1), -1, `${JSON.stringify(from)} occurs once`);
  return text.slice(0, first) + to + text.slice(first + from.length);
}

function replaceAll(text: string, pairs: [string, string][]): string {
  return pairs.reduce((result, [from, to]) => replaceOnce(result, from, to), text);
}

/** The fixture's outbound settings, complete. */
const FIXTURE_SETTINGS: MailSettings = {
  protocol: 'smtp',
  host: 'mail.example.com',
  port: 25,
  starttls: false,
  timeZone: 'America/New_York',
  auth: false,
  username: '',
  password: '',
  allowSendToAllUsers: true,
  connectionTimeoutMs: 15000,
};

const NEW_SMTP: MailSettings = {
  protocol: 'smtp',
  host: 'smtp.neu.example',
  port: 587,
  starttls: true,
  timeZone: 'Europe/Berlin',
  auth: true,
  username: 'notify@example.com',
  password: 'pa&ss<"word>',
  allowSendToAllUsers: false,
  connectionTimeoutMs: 20000,
};

/** The fixture after writing NEW_SMTP, by hand: only these attribute values differ. */
const FIXTURE_WITH_NEW_SMTP = replaceAll(FIXTURE, [
  ['defaultTZ="America/New_York" allowSendToAllUsers="true"', 'defaultTZ="Europe/Berlin" allowSendToAllUsers="false"'],
  ['mail.smtp.host="mail.example.com" mail.smtp.port="25"', 'mail.smtp.host="smtp.neu.example" mail.smtp.port="587"'],
  [
    'mail.smtp.auth="false" mail.smtp.user="" mail.smtp.password=""',
    'mail.smtp.auth="true" mail.smtp.user="notify@example.com" mail.smtp.password="pa&amp;ss&lt;&quot;word&gt;"',
  ],
  ['mail.smtp.connectiontimeout="15000"', 'mail.smtp.connectiontimeout="20000"'],
  ['mail.smtp.starttls.enable="false"', 'mail.smtp.starttls.enable="true"'],
  // Teaming 2.0's file has no JavaMail safety keys: they are added, each on a line of its own.
  [
    'mail.smtps.sendpartial="true" />',
    'mail.smtps.sendpartial="true"\n        mail.smtp.ssl.checkserveridentity="true"\n        mail.smtp.starttls.required="true" />',
  ],
]);

/** The fixture as the wizard leaves it: with the JavaMail safety attributes Teaming 2.0's file lacks, each on a line of its own. */
const FIXTURE_WITH_SAFETY = replaceOnce(
  FIXTURE,
  'mail.smtps.sendpartial="true" />',
  'mail.smtps.sendpartial="true"\n        mail.smtp.ssl.checkserveridentity="true"\n        mail.smtp.starttls.required="false" />',
);

/** The fixture declared and encoded as ISO-8859-1 (its one character beyond Latin-1, a dash in a comment, made plain). */
function latin1Fixture(text = FIXTURE): string {
  return replaceAll(text, [
    ['encoding="UTF-8"', 'encoding="ISO-8859-1"'],
    ['Keystore — Schlüsselbund', 'Keystore - Schlüsselbund'],
  ]);
}

function assertSettingsFileError(action: () => unknown, expected: { line: number; column: number; message: RegExp }): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof SettingsFileError, `a SettingsFileError, got ${String(error)}`);
    assert.equal(error.exitCode, EXIT.usage);
    assert.equal(error.file, FILE);
    assert.match(error.message, expected.message);
    assert.equal(error.line, expected.line, `line of: ${error.message}`);
    assert.equal(error.column, expected.column, `column of: ${error.message}`);
    assert.ok(error.message.startsWith(`${FILE}:${expected.line}:${expected.column}: `), error.message);
    return true;
  });
}

describe('installer.xml: reading', () => {
  test('the fixture: the chosen protocol, the Outbound attributes, no user name when auth is off', () => {
    assert.deepEqual(read(FIXTURE), {
      hasOutbound: true,
      settings: {
        protocol: 'smtp',
        host: 'mail.example.com',
        port: 25,
        auth: false,
        connectionTimeoutMs: 15000,
        starttls: false,
        timeZone: 'America/New_York',
        allowSendToAllUsers: true,
      },
    });
  });

  test('protocol smtps: the smtps attributes, entities decoded; STARTTLS off', () => {
    const text = replaceOnce(FIXTURE, 'mail.transport.protocol="smtp"', 'mail.transport.protocol="smtps"');
    assert.deepEqual(read(text).settings, {
      protocol: 'smtps',
      host: 'smtps.example.com',
      port: 465,
      auth: true,
      username: 'teaming@example.com',
      password: 'old&pass',
      starttls: false,
      timeZone: 'America/New_York',
      allowSendToAllUsers: true,
    });
  });

  test('the Resource of another section (Inbound, Presence, Database) is not read', () => {
    const withoutOutbound = FIXTURE.replace(/<!-- Outbound[\s\S]*<\/Outbound>/, '');
    assert.notEqual(withoutOutbound, FIXTURE);
    assert.deepEqual(read(withoutOutbound), { hasOutbound: false, settings: {} });
  });

  test('empty attributes count as absent; without protocol and host there are no outbound settings', () => {
    const text =
      '<InstallerConfig><EmailSettings><Outbound defaultTZ="" allowSendToAllUsers=""><Resource mail.transport.protocol="" mail.smtp.host="" mail.smtps.host="" /></Outbound></EmailSettings></InstallerConfig>';
    assert.deepEqual(read(text), { hasOutbound: false, settings: {} });
    const withHost = replaceOnce(text, 'mail.smtps.host=""', 'mail.smtps.host="relay.example.com"');
    assert.deepEqual(read(withHost), { hasOutbound: true, settings: { protocol: 'smtps', host: 'relay.example.com', starttls: false } });
  });

  test('no EmailSettings at all: no outbound settings', () => {
    assert.deepEqual(read('<InstallerConfig><Network/></InstallerConfig>'), { hasOutbound: false, settings: {} });
  });

  test('an invalid value names the attribute, its line and column', () => {
    const text = replaceOnce(FIXTURE, 'mail.smtp.port="25"', 'mail.smtp.port="99999"');
    assertSettingsFileError(() => read(text), {
      line: 42,
      column: 58,
      message: /<Resource> attribute mail\.smtp\.port: port must be a whole number from 1 to 65535/,
    });
    const zone = replaceOnce(FIXTURE, 'defaultTZ="America/New_York"', 'defaultTZ="Mars/Olympus"');
    assertSettingsFileError(() => read(zone), { line: 40, column: 25, message: /<Outbound> attribute defaultTZ: time zone must be an IANA zone name/ });
    const flag = replaceOnce(FIXTURE, 'allowSendToAllUsers="true"', 'allowSendToAllUsers="sometimes"');
    assertSettingsFileError(() => read(flag), {
      line: 40,
      column: 64,
      message: /<Outbound> attribute allowSendToAllUsers: <Outbound> attribute allowSendToAllUsers must be true or false/,
    });
  });
});

describe('installer.xml: writing into an existing document', () => {
  test('the outbound attributes get the new values; every other byte stays as it was', () => {
    const output = write(FIXTURE, NEW_SMTP);
    assert.equal(output.toString('utf8'), FIXTURE_WITH_NEW_SMTP);
    assert.ok(output.equals(Buffer.from(FIXTURE_WITH_NEW_SMTP, 'utf8')));
    assert.deepEqual(read(output).settings, NEW_SMTP);
  });

  test('the settings it holds already: only the JavaMail safety attributes are added; then the same bytes', () => {
    const once = write(FIXTURE, FIXTURE_SETTINGS);
    assert.equal(once.toString('utf8'), FIXTURE_WITH_SAFETY);
    assert.deepEqual(read(once).javaMail, { starttlsRequired: false, checkServerIdentity: true });
    assert.ok(write(once, FIXTURE_SETTINGS).equals(once));
  });

  test('CRLF line endings, single quotes and entity forms elsewhere are kept', () => {
    const crlf = FIXTURE.replaceAll('\n', '\r\n');
    assert.equal(write(crlf, NEW_SMTP).toString('utf8'), FIXTURE_WITH_NEW_SMTP.replaceAll('\n', '\r\n'));
  });

  test('smtps: only the smtps attributes and the protocol change; smtp and STARTTLS stay as they are', () => {
    const settings: MailSettings = { ...NEW_SMTP, protocol: 'smtps', port: 465, starttls: false, password: 'x' };
    const expected = replaceAll(FIXTURE, [
      ['defaultTZ="America/New_York" allowSendToAllUsers="true"', 'defaultTZ="Europe/Berlin" allowSendToAllUsers="false"'],
      ['mail.transport.protocol="smtp"', 'mail.transport.protocol="smtps"'],
      ['mail.smtps.host="smtps.example.com"', 'mail.smtps.host="smtp.neu.example"'],
      ['mail.smtps.user="teaming@example.com" mail.smtps.password="old&amp;pass"', 'mail.smtps.user="notify@example.com" mail.smtps.password="x"'],
      // The last attribute starts its line, so the added one gets a line of its own.
      [
        'mail.smtps.sendpartial="true" />',
        'mail.smtps.sendpartial="true"\n        mail.smtps.connectiontimeout="20000"\n        mail.smtps.ssl.checkserveridentity="true" />',
      ],
    ]);
    assert.equal(write(FIXTURE, settings).toString('utf8'), expected);
  });

  test('without authentication the user name and password attributes are kept, emptied', () => {
    const smtps = replaceOnce(FIXTURE, 'mail.transport.protocol="smtp"', 'mail.transport.protocol="smtps"');
    const settings: MailSettings = { ...FIXTURE_SETTINGS, protocol: 'smtps', host: 'smtps.example.com', port: 465 };
    const expected = replaceAll(smtps, [
      [
        'mail.smtps.auth="true" mail.smtps.user="teaming@example.com" mail.smtps.password="old&amp;pass"',
        'mail.smtps.auth="false" mail.smtps.user="" mail.smtps.password=""',
      ],
      [
        'mail.smtps.sendpartial="true" />',
        'mail.smtps.sendpartial="true"\n        mail.smtps.connectiontimeout="15000"\n        mail.smtps.ssl.checkserveridentity="true" />',
      ],
    ]);
    assert.equal(write(smtps, settings).toString('utf8'), expected);
  });

  test('a value in single quotes is changed inside its quotes, escaped for them', () => {
    const text =
      "<InstallerConfig><EmailSettings><Outbound defaultTZ='UTC' allowSendToAllUsers='true'><Resource mail.transport.protocol='smtp' mail.smtp.host='h.example' mail.smtp.port='25' mail.smtp.auth='true' mail.smtp.user='a' mail.smtp.password='b' mail.smtp.sendpartial='true' mail.smtp.connectiontimeout='15000' mail.smtp.ssl.checkserveridentity='true' mail.smtp.starttls.enable='false' mail.smtp.starttls.required='false'/></Outbound></EmailSettings></InstallerConfig>";
    const settings: MailSettings = { ...FIXTURE_SETTINGS, host: 'h.example', timeZone: 'UTC', auth: true, username: 'a', password: `it's "x"` };
    assert.equal(write(text, settings).toString('utf8'), replaceOnce(text, "mail.smtp.password='b'", `mail.smtp.password='it&apos;s "x"'`));
  });

  test('missing attributes are added after the last one; an attribute on a line of its own gets a line of its own', () => {
    const sameLine =
      '<InstallerConfig>\n<EmailSettings>\n<Outbound>\n<Resource mail.transport.protocol="smtp" mail.smtp.host="mail.example.com"/>\n</Outbound>\n</EmailSettings>\n</InstallerConfig>\n';
    assert.equal(
      write(sameLine, FIXTURE_SETTINGS).toString('utf8'),
      replaceAll(sameLine, [
        ['<Outbound>', '<Outbound defaultTZ="America/New_York" allowSendToAllUsers="true">'],
        [
          'mail.smtp.host="mail.example.com"/>',
          'mail.smtp.host="mail.example.com" mail.smtp.port="25" mail.smtp.auth="false" mail.smtp.sendpartial="true" mail.smtp.connectiontimeout="15000" mail.smtp.ssl.checkserveridentity="true" mail.smtp.starttls.enable="false" mail.smtp.starttls.required="false"/>',
        ],
      ]),
    );
    const ownLines =
      '<InstallerConfig>\n\t<EmailSettings>\n\t\t<Outbound defaultTZ="America/New_York" allowSendToAllUsers="true">\n\t\t\t<Resource\n\t\t\t\tmail.transport.protocol="smtp"\n\t\t\t\tmail.smtp.host="mail.example.com"\n\t\t\t\tmail.smtp.port="25"\n\t\t\t/>\n\t\t</Outbound>\n\t</EmailSettings>\n</InstallerConfig>\n';
    assert.equal(
      write(ownLines, FIXTURE_SETTINGS).toString('utf8'),
      replaceOnce(
        ownLines,
        'mail.smtp.port="25"\n',
        'mail.smtp.port="25"\n\t\t\t\tmail.smtp.auth="false"\n\t\t\t\tmail.smtp.sendpartial="true"\n\t\t\t\tmail.smtp.connectiontimeout="15000"\n\t\t\t\tmail.smtp.ssl.checkserveridentity="true"\n\t\t\t\tmail.smtp.starttls.enable="false"\n\t\t\t\tmail.smtp.starttls.required="false"\n',
      ),
    );
  });
});

describe('installer.xml: missing elements are created in place', () => {
  const RESOURCE_LINES = (indent: string) =>
    [
      '<Resource mail.transport.protocol="smtp"',
      `${indent}mail.smtp.host="mail.example.com"`,
      `${indent}mail.smtp.port="25"`,
      `${indent}mail.smtp.auth="false"`,
      `${indent}mail.smtp.user=""`,
      `${indent}mail.smtp.password=""`,
      `${indent}mail.smtp.sendpartial="true"`,
      `${indent}mail.smtp.connectiontimeout="15000"`,
      `${indent}mail.smtp.ssl.checkserveridentity="true"`,
      `${indent}mail.smtp.starttls.enable="false"`,
      `${indent}mail.smtp.starttls.required="false" />`,
    ].join('\n');

  /** The Outbound element write() creates at `indent`, one indentation step being `unit`. */
  const OUTBOUND = (indent: string, unit: string) =>
    `${indent}<Outbound defaultTZ="America/New_York" allowSendToAllUsers="true">\n${indent}${unit}${RESOURCE_LINES(indent + unit + unit)}\n${indent}</Outbound>`;

  test('a new file: an installer configuration with the e-mail section', () => {
    const expected = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<InstallerConfig>',
      '  <EmailSettings>',
      OUTBOUND('    ', '  '),
      '  </EmailSettings>',
      '</InstallerConfig>',
      '',
    ].join('\n');
    const output = write(undefined, FIXTURE_SETTINGS);
    assert.equal(output.toString('utf8'), expected);
    const { username: _username, password: _password, ...withoutCredentials } = FIXTURE_SETTINGS;
    assert.deepEqual(read(output).settings, withoutCredentials);
  });

  const cases: [name: string, text: string, from: string, to: string][] = [
    [
      'no EmailSettings: appended as the last section, indented like the others',
      '<?xml version="1.0"?>\n<InstallerConfig>\n    <Network>\n        <Host name="t.example" />\n    </Network>\n    <!-- end -->\n</InstallerConfig>\n',
      '    <!-- end -->\n',
      `    <!-- end -->\n    <EmailSettings>\n${OUTBOUND('        ', '    ')}\n    </EmailSettings>\n`,
    ],
    [
      'no Outbound: appended after the inbound settings',
      '<InstallerConfig>\n  <EmailSettings>\n    <InternalInboundSMTP enable="false" port="2525" />\n  </EmailSettings>\n  <Presence/>\n</InstallerConfig>',
      '<InternalInboundSMTP enable="false" port="2525" />\n',
      `<InternalInboundSMTP enable="false" port="2525" />\n${OUTBOUND('    ', '  ')}\n`,
    ],
    [
      "a self-closing EmailSettings gets content and an end tag, with the document's CRLF and tabs",
      '<InstallerConfig>\r\n\t<EmailSettings />\r\n</InstallerConfig>\r\n',
      '\t<EmailSettings />\r\n',
      `\t<EmailSettings>\r\n${OUTBOUND('\t\t', '\t').replaceAll('\n', '\r\n')}\r\n\t</EmailSettings>\r\n`,
    ],
    [
      'an Outbound without Resource: its attributes set, the Resource added after its comment',
      '<InstallerConfig>\n  <EmailSettings>\n    <Outbound defaultTZ="UTC"><!-- to do --></Outbound>\n  </EmailSettings>\n</InstallerConfig>\n',
      '<Outbound defaultTZ="UTC"><!-- to do --></Outbound>',
      `<Outbound defaultTZ="America/New_York" allowSendToAllUsers="true"><!-- to do -->\n      ${RESOURCE_LINES('        ')}\n    </Outbound>`,
    ],
    [
      'an empty EmailSettings on one line: its end tag moves to a line of its own',
      '<InstallerConfig>\n  <EmailSettings> </EmailSettings>\n</InstallerConfig>',
      '<EmailSettings> </EmailSettings>',
      `<EmailSettings>\n${OUTBOUND('    ', '  ')}\n  </EmailSettings>`,
    ],
  ];
  for (const [name, text, from, to] of cases) {
    test(name, () => {
      assert.equal(write(text, FIXTURE_SETTINGS).toString('utf8'), replaceOnce(text, from, to));
    });
  }
});

describe('installer.xml: encodings and awkward values', () => {
  const AWKWARD: MailSettings = { ...NEW_SMTP, username: ' jörg & <co> "quoted" \'single\' ', password: 'tab\tnewline\nreturn\r€😀]]>&amp;\u2028\u0085' };

  test('awkward values round-trip in UTF-8; markup, whitespace and line separators become references', () => {
    const output = write(FIXTURE, AWKWARD);
    const text = output.toString('utf8');
    assert.ok(text.includes('mail.smtp.user=" jörg &amp; &lt;co&gt; &quot;quoted&quot; \'single\' "'), text);
    assert.ok(text.includes('mail.smtp.password="tab&#x9;newline&#xA;return&#xD;€😀]]&gt;&amp;amp;&#x2028;&#x85;"'), text);
    assert.deepEqual(read(output).settings, AWKWARD);
  });

  test('ISO-8859-1: decoded and written in ISO-8859-1; what it cannot hold becomes a character reference', () => {
    const latin1 = replaceAll(latin1Fixture(FIXTURE_WITH_SAFETY), [
      ['<Session sessionTimeoutMinutes="240" />', '<Session sessionTimeoutMinutes="240" /><!-- Sitzungsdauer: 4 Stunden, gültig für alle -->'],
      ['mail.smtp.auth="false" mail.smtp.user=""', 'mail.smtp.auth="true" mail.smtp.user="josé"'],
    ]);
    const bytes = Buffer.from(latin1, 'latin1');
    assert.equal(read(bytes).settings.username, 'josé');
    const output = write(bytes, { ...FIXTURE_SETTINGS, auth: true, username: 'zoë€😀' });
    const expected = Buffer.from(replaceOnce(latin1, 'mail.smtp.user="josé"', 'mail.smtp.user="zoë&#x20AC;&#x1F600;"'), 'latin1');
    assert.ok(output.equals(expected), output.toString('latin1'));
    assert.equal(read(output).settings.username, 'zoë€😀');
  });

  test('US-ASCII: everything beyond ASCII becomes a character reference', () => {
    const ascii =
      '<?xml version="1.0" encoding="US-ASCII"?><InstallerConfig><EmailSettings><Outbound><Resource mail.smtp.host="h.example" mail.smtp.user="" /></Outbound></EmailSettings></InstallerConfig>';
    const output = write(ascii, { ...FIXTURE_SETTINGS, host: 'h.example', auth: true, username: 'zoë' });
    assert.ok(output.toString('latin1').includes('mail.smtp.user="zo&#xEB;"'));
    assert.ok(output.every((byte) => byte < 0x80));
  });

  test('a UTF-8 byte-order mark is kept', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FIXTURE, 'utf8')]);
    assert.deepEqual(read(withBom).settings.host, 'mail.example.com');
    const expected = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FIXTURE_WITH_NEW_SMTP, 'utf8')]);
    assert.ok(write(withBom, NEW_SMTP).equals(expected));
  });

  test('a U+FFFD the file really holds is a character, not an encoding error', () => {
    const text = replaceOnce(FIXTURE, '<!-- Outbound:', '<!-- \ufffd Outbound:');
    assert.deepEqual(read(text).settings, read(FIXTURE).settings);
    assert.equal(write(text, NEW_SMTP).toString('utf8'), replaceOnce(FIXTURE_WITH_NEW_SMTP, '<!-- Outbound:', '<!-- \ufffd Outbound:'));
  });

  test('a character XML 1.0 cannot hold at all is refused, naming the attribute', () => {
    assert.throws(
      () => write(FIXTURE, { ...NEW_SMTP, password: 'bell\u0007' }),
      (error: unknown) =>
        error instanceof SettingsFileError && /mail\.smtp\.password: the value holds U\+0007 cannot be stored in an XML 1\.0 document/.test(error.message),
    );
  });

  test('property: any text a user name or password may hold round-trips, and writing the old values back restores every byte', () => {
    const special = fc.constantFrom('&', '<', '>', '"', "'", '\n', '\t', '\r', ' ', '\u2028', '\u0085', '\u00a0', 'é', '€', '😀', ']]>', '&amp;', '&#10;');
    const character = fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const xmlText = fc
      .string({ unit: character, minLength: 1, maxLength: 40 })
      .filter((value) => [...value].every((c) => /[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(c)));
    for (const encoding of ['UTF-8', 'ISO-8859-1'] as const) {
      const original = encoding === 'UTF-8' ? Buffer.from(FIXTURE_WITH_SAFETY, 'utf8') : Buffer.from(latin1Fixture(FIXTURE_WITH_SAFETY), 'latin1');
      fc.assert(
        fc.property(xmlText, xmlText, (username, password) => {
          const settings: MailSettings = { ...FIXTURE_SETTINGS, auth: true, username, password };
          const output = xmlFormat.write(original, settings, FILE);
          assert.deepEqual(xmlFormat.read(output, FILE).settings, { ...settings, auth: true });
          assert.ok(xmlFormat.write(output, FIXTURE_SETTINGS, FILE).equals(original));
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('installer.xml: documents that cannot be read', () => {
  const cases: [name: string, text: string | Buffer, line: number, column: number, message: RegExp][] = [
    ['an empty file', '', 1, 1, /is not well-formed XML: missing root element/],
    [
      'an unclosed tag',
      '<?xml version="1.0"?>\n<InstallerConfig>\n  <EmailSettings>\n</InstallerConfig>\n',
      4,
      1,
      /is not well-formed XML: the end tag <\/InstallerConfig> does not match the start tag <EmailSettings> on line 3: Opening and ending tag mismatch: "EmailSettings" != "InstallerConfig"/,
    ],
    [
      'a mismatched end tag',
      '<Installer>\n  <EmailSettings>\n    <Outbound>\n    </Outbund>\n  </EmailSettings>\n</Installer>\n',
      4,
      5,
      /is not well-formed XML: the end tag <\/Outbund> does not match the start tag <Outbound> on line 3/,
    ],
    ['an unclosed root', '<InstallerConfig>\n  <Network/>\n', 2, 3, /is not well-formed XML: unclosed xml tag\(s\): InstallerConfig/],
    [
      'an undefined entity',
      '<InstallerConfig>\n  <Network>\n    <Host name="a&nbsp;b" />\n  </Network>\n</InstallerConfig>',
      3,
      5,
      /is not well-formed XML: entity not found:&nbsp;/,
    ],
    ['two root elements', '<InstallerConfig/>\n<InstallerConfig/>\n', 2, 1, /is not well-formed XML: .*Only one element can be added/],
    ['an unquoted attribute value', '<InstallerConfig>\n <Network port=80/>\n</InstallerConfig>', 2, 2, /is not well-formed XML: attribute "80" missed quot/],
    [
      'another root element',
      '<?xml version="1.0"?>\n<!-- Tomcat -->\n  <Server port="8005"/>\n',
      3,
      3,
      /the root element is <Server> and the document holds no <EmailSettings>: this is not a Teaming installer\.xml, whose root is <Installer> or <InstallerConfig>/,
    ],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from('<InstallerConfig>\n  <!-- gr'), Buffer.from([0xfc]), Buffer.from('n -->\n</InstallerConfig>')]),
      2,
      10,
      /is not valid UTF-8 here/,
    ],
    ['UTF-16', Buffer.from('\ufeff<InstallerConfig/>', 'utf16le'), 1, 1, /is UTF-16; save it as UTF-8 or ISO-8859-1/],
    [
      'a UTF-8 byte-order mark with another encoding',
      Buffer.from('\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><InstallerConfig/>', 'utf8'),
      1,
      31,
      /declares encoding "ISO-8859-1" but starts with a UTF-8 byte-order mark/,
    ],
    [
      'an encoding the wizard does not write',
      '<?xml version="1.0" encoding="Shift_JIS"?>\n<InstallerConfig/>',
      1,
      31,
      /declares encoding "Shift_JIS", which the wizard does not write/,
    ],
  ];
  for (const [name, text, line, column, message] of cases) {
    test(`${name}: error at ${line}:${column}, and nothing to write`, () => {
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      assertSettingsFileError(() => xmlFormat.read(bytes, FILE), { line, column, message });
      assertSettingsFileError(() => xmlFormat.write(bytes, FIXTURE_SETTINGS, FILE), { line, column, message });
    });
  }
});

describe('installer.xml: the root element, as liberal as Teaming', () => {
  const renamed = (text: string, root: string) => text.replaceAll('<InstallerConfig>', `<${root}>`).replaceAll('</InstallerConfig>', `</${root}>`);

  for (const root of ['Installer', 'InstallerConfig', 'TeamingSetup']) {
    test(`root <${root}> holding EmailSettings: reconfigured in place, every other byte as it was`, () => {
      const text = renamed(FIXTURE, root);
      assert.equal(read(text).settings.host, 'mail.example.com');
      assert.equal(write(text, NEW_SMTP).toString('utf8'), renamed(FIXTURE_WITH_NEW_SMTP, root));
    });
  }

  test('each section is the first descendant of its name, as Teaming finds it (not only a direct child)', () => {
    const text =
      '<Site>\n  <Config>\n    <EmailSettings>\n      <Group>\n        <Outbound defaultTZ="UTC">\n          <Wrap><Resource mail.smtp.host="deep.example" /></Wrap>\n' +
      '        </Outbound>\n      </Group>\n    </EmailSettings>\n  </Config>\n  <EmailSettings><Outbound><Resource mail.smtp.host="second.example" /></Outbound></EmailSettings>\n</Site>\n';
    assert.deepEqual(read(text).settings, { protocol: 'smtp', host: 'deep.example', timeZone: 'UTC' });
    const output = write(text, { ...FIXTURE_SETTINGS, host: 'new.example' }).toString('utf8');
    assert.equal(
      output,
      replaceOnce(
        text,
        '<Resource mail.smtp.host="deep.example" />',
        '<Resource mail.smtp.host="new.example" mail.transport.protocol="smtp" mail.smtp.port="25" mail.smtp.auth="false" mail.smtp.sendpartial="true" mail.smtp.connectiontimeout="15000" mail.smtp.ssl.checkserveridentity="true" mail.smtp.starttls.enable="false" mail.smtp.starttls.required="false" />',
      ).replace('defaultTZ="UTC"', 'defaultTZ="America/New_York" allowSendToAllUsers="true"'),
    );
  });

  test('a known installer root without EmailSettings gets the section; another root without it is refused', () => {
    const installer = '<Installer>\n  <Network/>\n</Installer>\n';
    assert.deepEqual(read(installer), { hasOutbound: false, settings: {} });
    assert.match(
      write(installer, FIXTURE_SETTINGS).toString('utf8'),
      /^<Installer>\n  <Network\/>\n  <EmailSettings>\n    <Outbound defaultTZ="America\/New_York"[\s\S]*<\/EmailSettings>\n<\/Installer>\n$/,
    );
    assertSettingsFileError(() => read('<Settings>\n  <Network/>\n</Settings>\n'), {
      line: 1,
      column: 1,
      message: /the root element is <Settings> and the document holds no <EmailSettings>: this is not a Teaming installer\.xml/,
    });
  });

  test('the JDK Teaming runs on: Environment/JDK/@JAVA_HOME', () => {
    assert.equal(javaHomeOf(Buffer.from(FIXTURE), FILE), '/usr/java/jdk1.6.0_17');
    assert.equal(javaHomeOf(Buffer.from('<Installer><Environment><JDK JAVA_HOME=""/></Environment></Installer>'), FILE), undefined);
    assert.equal(javaHomeOf(Buffer.from('<Installer/>'), FILE), undefined);
  });
});

describe('installer.xml: through the settings file', () => {
  test('a path ending in .xml uses this format; load and render go through it', async () => {
    assert.equal(await formatFor('/x/INSTALLER.XML'), xmlFormat);
    const folder = mkdtempSync(join(tmpdir(), 'teaming-xml-'));
    try {
      const path = join(folder, 'installer.xml');
      writeFileSync(path, FIXTURE);
      const loaded = await loadSettingsFile(path);
      assert.equal(loaded.stored.settings.host, 'mail.example.com');
      assert.equal((await renderSettingsFile(loaded, NEW_SMTP)).toString('utf8'), FIXTURE_WITH_NEW_SMTP);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
