// The questions rendered by Inquirer itself through its test streams: what an administrator sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import input from '@inquirer/input';
import search from '@inquirer/search';
import { render } from '@inquirer/testing';
import { hostSchema, portSchema, usernameSchema, validator } from '../../src/settings/schemas.ts';
import { timeZoneChoices } from '../../src/wizard/steps/time-zone.ts';

async function typeAndSubmit(config: Parameters<typeof input>[0], text: string) {
  const { answer, events, getScreen } = await render(input, config);
  events.type(text);
  events.keypress('enter');
  await Promise.resolve();
  return { answer, events, getScreen };
}

test('an invalid port is refused inline with the fix, and a valid one is accepted', async () => {
  const { answer, events, getScreen } = await typeAndSubmit({ message: 'Port', default: '25', validate: validator(portSchema) }, '70000');
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(getScreen(), /> port must be a whole number from 1 to 65535/);
  for (let index = 0; index < 5; index++) events.keypress('backspace');
  events.type('587');
  events.keypress('enter');
  assert.equal(await answer, '587');
});

test('a host with a line break or a space is refused and says why', async () => {
  const spaced = await typeAndSubmit({ message: 'Mail host', validate: validator(hostSchema) }, 'mail example.com');
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(spaced.getScreen(), /> host must not contain spaces: a host name is one word, such as mail\.example\.com/);
  assert.deepEqual(validator(hostSchema)('mail.example.com\nmail.smtp.host=evil'), 'host must not contain control characters or line breaks');
});

test('an empty user name is refused with what to type', async () => {
  const { getScreen } = await typeAndSubmit({ message: 'User name or e-mail address', validate: validator(usernameSchema) }, '   ');
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(getScreen(), /> user name is required when the server needs authentication: a user name or a full e-mail address/);
});

test('the time zone search offers the four US zones first, and finds "los angeles" by name', async () => {
  const { answer, events, getScreen } = await render(search, {
    message: 'Time zone for notifications',
    source: (term: string | undefined) => timeZoneChoices(term, 'Europe/Berlin'),
  });
  await new Promise((resolve) => setImmediate(resolve));
  const start = getScreen();
  assert.match(
    start,
    /Europe\/Berlin\n {2}Pacific Time \(America\/Los_Angeles\)\n {2}Mountain Time \(America\/Denver\)\n {2}Central Time \(America\/Chicago\)\n {2}Eastern Time \(America\/New_York\)/,
  );
  events.type('los angeles');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(getScreen(), /❯ Pacific Time \(America\/Los_Angeles\)/);
  events.keypress('enter');
  assert.equal(await answer, 'America/Los_Angeles');
});
