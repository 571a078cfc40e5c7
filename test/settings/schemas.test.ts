import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { readInstallerProperties, writeInstallerProperties } from '../../src/settings/installer-properties.ts';
import {
  booleanSchema,
  check,
  connectionTimeoutSecondsSchema,
  hostSchema,
  passwordSchema,
  portSchema,
  protocolSchema,
  timeZoneSchema,
  usernameSchema,
  validator,
} from '../../src/settings/schemas.ts';
import { allTimeZones } from '../../src/settings/time-zones.ts';
import { trickyText } from '../helpers/arbitraries.ts';
import { PLAIN_SMTP } from '../helpers/fixtures.ts';

const PORT = 'port must be a whole number from 1 to 65535';
const HOST = 'host must be a host name (mail.example.com), an IPv4 address (192.0.2.10) or an IPv6 address (2001:db8::25)';
const HOST_REQUIRED = 'host is required: the name or address of the mail server';
const HOST_CONTROL = 'host must not contain control characters or line breaks';
const ZONE = 'time zone must be an IANA zone name such as America/New_York or Europe/Berlin';
const TIMEOUT = 'connection timeout must be a whole number of seconds from 1 to 600';

/** Each [input, accepted value] or [input, refusal message]. */
function table<T>(schema: z.ZodType<T>, accepted: [unknown, T][], refused: [unknown, string][]) {
  for (const [input, value] of accepted) assert.deepEqual(check(schema, input), { ok: true, value }, `accept ${JSON.stringify(input)}`);
  for (const [input, message] of refused) assert.deepEqual(check(schema, input), { ok: false, message }, `refuse ${JSON.stringify(input)}`);
}

describe('schemas: accepted and refused answers, exact messages', () => {
  it('protocol', () => {
    table(
      protocolSchema,
      [
        ['smtp', 'smtp'],
        ['smtps', 'smtps'],
      ],
      [
        ['SMTP', 'protocol must be smtp or smtps'],
        ['imap', 'protocol must be smtp or smtps'],
        [undefined, 'protocol must be smtp or smtps'],
      ],
    );
  });

  it('port', () => {
    table(
      portSchema,
      [
        [' 587 ', 587],
        ['25', 25],
        ['0025', 25],
        [465, 465],
        [1, 1],
        ['65535', 65535],
      ],
      [
        ['0', PORT],
        ['65536', PORT],
        ['25x', PORT],
        ['', PORT],
        ['+25', PORT],
        ['1e3', PORT],
        ['2 5', PORT],
        [0, PORT],
        [65536, PORT],
        [25.5, PORT],
        [-1, PORT],
        [Number.NaN, PORT],
        [Infinity, PORT],
        [null, PORT],
        [true, PORT],
      ],
    );
  });

  it('host: names, IPv4, IPv6 with or without brackets', () => {
    table(
      hostSchema,
      [
        ['mail.example.com', 'mail.example.com'],
        ['  smtp  ', 'smtp'],
        ['localhost.', 'localhost.'],
        ['192.0.2.10', '192.0.2.10'],
        ['2001:db8::25', '2001:db8::25'],
        ['[2001:db8::25]', '2001:db8::25'],
        [' [::1] ', '::1'],
        ['[192.0.2.10]', '192.0.2.10'],
      ],
      [
        [
          '10.0.0.300',
          'host 10.0.0.300 must be written as four decimal numbers from 0 to 255, such as 192.0.2.10: Java reads no other form of an IPv4 address',
        ],
        // Forms Node's resolver reads but Java's InetAddress does not: refused with the form to use.
        ['1.2.3', 'host 1.2.3 must be written as four decimal numbers, 1.2.0.3: Java reads no other form of an IPv4 address'],
        ['0x7f.0.0.1', 'host 0x7f.0.0.1 must be written as four decimal numbers, 127.0.0.1: Java reads no other form of an IPv4 address'],
        ['127.1', 'host 127.1 must be written as four decimal numbers, 127.0.0.1: Java reads no other form of an IPv4 address'],
        ['2130706433', 'host 2130706433 must be written as four decimal numbers, 127.0.0.1: Java reads no other form of an IPv4 address'],
        ['0177.0.0.1', 'host 0177.0.0.1 must be written as four decimal numbers, 127.0.0.1: Java reads no other form of an IPv4 address'],
        [
          'mail\u202eexample.com',
          'host must not contain invisible direction or formatting characters (such as U+202E, right-to-left override): type it again by hand',
        ],
        ['-mail.example.com', HOST],
        ['mail-.example.com', HOST],
        ['a..b', HOST],
        // The usual slips each name the mistake and the fix, in the same words for a prompt, a flag and a file.
        ['mail example.com', 'host must not contain spaces: a host name is one word, such as mail.example.com'],
        ['smtp://mail.example.com', 'host must not start with "smtp://": drop it, the host is the server\'s name or address alone'],
        ['http://mail.example.com:587/', 'host must not start with "http://": drop it, the host is the server\'s name or address alone'],
        ['mail.example.com:587', 'host must not include the port: drop ":587", the port is the next question (--port unattended)'],
        ['[2001:db8::25]:465', 'host must not include the port: drop ":465", the port is the next question (--port unattended)'],
        ['teaming@mail.example.com', 'host must not include a user name: drop "teaming@" (the user name is asked for with authentication)'],
        ['mail.example.com/smtp', 'host must not include a path: drop "/smtp"'],
        ['mail_relay.example.com', 'host must not contain "_": underscores are not valid in host names (use the server\'s DNS name or its address)'],
        ['[mail.example.com', HOST],
        ['2001:db8::25::1', HOST],
        [`${'a'.repeat(64)}.com`, HOST],
        ['', HOST_REQUIRED],
        ['   ', HOST_REQUIRED],
        ['[]', HOST_REQUIRED],
        ['mail.example.com\n', HOST_CONTROL],
        ['mail\r\nx=1', HOST_CONTROL],
        ['a\u0000b', HOST_CONTROL],
        ['a\u2028b', HOST_CONTROL],
        ['a\u0085b', HOST_CONTROL],
        [42, 'host must be text'],
      ],
    );
  });

  it('time zone: IANA names, any case, stored in the spelling Java knows', () => {
    table(
      timeZoneSchema,
      [
        ['America/Los_Angeles', 'America/Los_Angeles'],
        ['america/new_york', 'America/New_York'],
        [' AMERICA/CHICAGO ', 'America/Chicago'],
        ['America/Indiana/Indianapolis', 'America/Indiana/Indianapolis'],
        ['America/Indianapolis', 'America/Indiana/Indianapolis'],
        ['Asia/Calcutta', 'Asia/Kolkata'],
        ['US/Pacific', 'America/Los_Angeles'],
        ['etc/gmt+3', 'Etc/GMT+3'],
        ['UTC', 'UTC'],
        ['utc', 'UTC'],
      ],
      [
        ['UTC+3', ZONE],
        ['+03:00', ZONE],
        ['Mars/Base', ZONE],
        ['', ZONE],
        ['America/New York', ZONE],
        ['America/New_York\n', 'time zone must not contain control characters or line breaks'],
      ],
    );
  });

  it('user name and password', () => {
    table(
      usernameSchema,
      [
        [' admin@example.com ', 'admin@example.com'],
        ['DOMAIN\\user', 'DOMAIN\\user'],
        ['ü', 'ü'],
        ['a'.repeat(320), 'a'.repeat(320)],
      ],
      [
        ['', 'user name is required when the server needs authentication: a user name or a full e-mail address'],
        ['  ', 'user name is required when the server needs authentication: a user name or a full e-mail address'],
        ['a'.repeat(321), 'user name must be at most 320 characters'],
        ['a\tb', 'user name must not contain control characters or line breaks'],
        ['admin\u001b]0;pwned\u0007', 'user name must not contain control characters or line breaks'],
        [
          'admin\u202egnp.exe',
          'user name must not contain invisible direction or formatting characters (such as U+202E, right-to-left override): type it again by hand',
        ],
        [
          'ad\u200bmin',
          'user name must not contain invisible direction or formatting characters (such as U+202E, right-to-left override): type it again by hand',
        ],
      ],
    );
    table(
      passwordSchema,
      [
        ['', ''],
        [' spaced \t\n ', ' spaced \t\n '],
        ['x'.repeat(1024), 'x'.repeat(1024)],
      ],
      [
        ['a\u0000b', 'password must not contain a NUL character'],
        ['x'.repeat(1025), 'password must be at most 1024 characters'],
        [1, 'password must be text'],
      ],
    );
  });

  it('yes/no and the connection timeout in seconds', () => {
    table(
      booleanSchema('--auth'),
      [
        [true, true],
        [' Yes ', true],
        ['FALSE', false],
        ['no', false],
      ],
      [
        ['1', '--auth must be true or false'],
        ['', '--auth must be true or false'],
        [0, '--auth must be true or false'],
      ],
    );
    table(
      connectionTimeoutSecondsSchema,
      [
        ['15', 15],
        [600, 600],
        [' 1 ', 1],
      ],
      [
        ['0', TIMEOUT],
        ['601', TIMEOUT],
        ['1000', TIMEOUT],
        ['1.5', TIMEOUT],
        [1.5, TIMEOUT],
      ],
    );
  });

  it('validator gives true or the message, for Inquirer', () => {
    assert.equal(validator(portSchema)('25'), true);
    assert.equal(validator(portSchema)('x'), PORT);
  });
});

describe('schemas on arbitrary strings: refused with a message, or accepted and round-tripped through the file', () => {
  const randomCase = (zone: string) =>
    fc
      .array(fc.boolean(), { minLength: zone.length, maxLength: zone.length })
      .map((upper) => [...zone].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
  const inputs = {
    host: fc.oneof(
      trickyText(),
      fc.ipV4(),
      fc.ipV6().map((ip) => `[${ip}]`),
      fc.domain(),
    ),
    port: fc.oneof(trickyText(6), fc.integer({ min: -5, max: 70000 }).map(String), fc.integer({ min: -5, max: 70000 })),
    timeZone: fc.oneof(trickyText(), fc.constantFrom(...allTimeZones()).chain(randomCase)),
    username: trickyText(),
    password: trickyText(),
  };
  const schemas = { host: hostSchema, port: portSchema, timeZone: timeZoneSchema, username: usernameSchema, password: passwordSchema } as const;

  for (const field of Object.keys(inputs) as (keyof typeof inputs)[]) {
    it(field, () => {
      const schema = schemas[field] as z.ZodType<unknown>;
      fc.assert(
        fc.property(inputs[field] as fc.Arbitrary<unknown>, (input) => {
          const result = check(schema, input);
          if (!result.ok) {
            assert.match(result.message, /^\S.* must |is required/);
            return;
          }
          // What a schema gives, it accepts again unchanged; and the file gives it back.
          assert.deepEqual(check(schema, result.value), result, 'not idempotent');
          const settings = { ...PLAIN_SMTP, [field]: result.value };
          const read = readInstallerProperties(writeInstallerProperties(undefined, settings), 'f');
          // An empty password is no password: no key.
          assert.deepEqual(read.settings[field], field === 'password' && result.value === '' ? undefined : result.value);
        }),
        { numRuns: 200 },
      );
    });
  }
});
