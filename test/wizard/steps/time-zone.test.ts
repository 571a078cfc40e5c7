/** The time zone question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, timeZoneSchema } from '../../../src/settings/schemas.ts';
import { timeZoneQuestion } from '../../../src/wizard/steps/time-zone.ts';
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
