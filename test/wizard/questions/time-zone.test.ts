/** The time zone question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, timeZoneSchema } from '../../../src/settings/schemas.ts';
import { timeZoneQuestion } from '../../../src/wizard/questions/time-zone.ts';
import { machineTimeZone } from '../../../src/settings/time-zone-names.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

const ZONE = 'time zone must be an IANA zone name such as America/New_York or Europe/Berlin';

test('schema: IANA names in any case, in the spelling Java knows; --time-zone is refused in the same words', () => {
  assert.deepEqual(check(timeZoneSchema, 'us/pacific'), { ok: true, value: 'America/Los_Angeles' });
  assert.deepEqual(check(timeZoneSchema, 'UTC+3'), { ok: false, message: ZONE });
  assert.equal(flagRefusal('timeZone', 'UTC+3'), `--time-zone: ${ZONE}`);
});

test('prompt: a search, then a preview of the time stamp', async () => {
  const { answer, asked, screen } = await ask(timeZoneQuestion, [['Time zone for notifications', 'America/Denver']], { stored: { timeZone: 'Europe/Berlin' } });
  assert.equal(answer, 'America/Denver');
  assert.equal(asked[0]?.kind, 'search');
  assert.equal(
    screen,
    'Notifications of scheduled events are time-stamped in this zone.\n' +
      'Type to search ("los angeles", "berlin"), or choose Browse at the end.\n' +
      'Notifications will be stamped like: Tue 1 Dec 2026 10:00 MST\n',
  );
});

test('prompt: Browse goes region, then city; ‹ Back goes up', async () => {
  const { answer } = await ask(timeZoneQuestion, [
    ['Time zone for notifications', '\u0000browse'],
    ['Time zone: region', 'America/'],
    ['Time zone: America', '\u0000back'],
    ['Time zone: region', 'Europe/'],
    ['Time zone: Europe', 'Europe/Berlin'],
  ]);
  assert.equal(answer, 'Europe/Berlin');
});

test("default: the stored zone, else this machine's", () => {
  assert.equal(timeZoneQuestion.defaultValue({}, { timeZone: 'Asia/Tokyo' }), 'Asia/Tokyo');
  assert.equal(timeZoneQuestion.defaultValue({}, {}), machineTimeZone());
});

test("one list of other names for --time-zone and the search: legacy names and the guide's US names, each shown with the zone it becomes", async () => {
  const { timeZoneChoices } = await import('../../../src/wizard/questions/time-zone.ts');
  for (const [typed, zone] of [
    ['GMT', 'UTC'],
    ['UTC', 'UTC'],
    ['CET', 'Europe/Brussels'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['PST', 'America/Los_Angeles'],
    ['Pacific', 'America/Los_Angeles'],
    ['EST', 'America/New_York'],
    ['cdt', 'America/Chicago'],
  ]) {
    assert.deepEqual(check(timeZoneSchema, typed!), { ok: true, value: zone }, typed);
  }
  const names = (term: string) => timeZoneChoices(term, undefined).map((choice) => choice.name);
  assert.deepEqual(names('EST').slice(0, 2), ['EST → Eastern Time (America/New_York)', 'EST5EDT → Eastern Time (America/New_York)']);
  assert.deepEqual(names('CET')[0], 'CET → Europe/Brussels');
  assert.deepEqual(names('GMT')[0], 'GMT → UTC');
  assert.deepEqual(names('us/pacific')[0], 'US/Pacific → Pacific Time (America/Los_Angeles)');
  assert.deepEqual(timeZoneChoices('PST', undefined)[0], {
    value: 'America/Los_Angeles',
    name: 'PST → Pacific Time (America/Los_Angeles)',
    short: 'America/Los_Angeles',
  });
});
