import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allTimeZones,
  browseTimeZones,
  canonicalTimeZone,
  COMMON_ZONES,
  isValidTimeZone,
  machineTimeZone,
  searchTimeZones,
  timeStampPreview,
} from '../../src/settings/time-zones.ts';

describe('the zone list', () => {
  it('uses IANA names, each once, every one valid', () => {
    const zones = allTimeZones();
    assert.equal(new Set(zones).size, zones.length);
    for (const zone of [
      'America/Indiana/Indianapolis',
      'America/Kentucky/Louisville',
      'America/Argentina/Buenos_Aires',
      'Asia/Kolkata',
      'UTC',
      ...COMMON_ZONES.map((c) => c.zone),
    ]) {
      assert.ok(zones.includes(zone), zone);
    }
    for (const legacy of ['America/Indianapolis', 'Asia/Calcutta', 'America/Buenos_Aires']) assert.ok(!zones.includes(legacy), legacy);
    assert.deepEqual(
      zones.filter((zone) => !isValidTimeZone(zone) || canonicalTimeZone(zone) !== zone),
      [],
    );
  });

  it('validity: IANA names only, not offsets', () => {
    assert.equal(isValidTimeZone('America/Los_Angeles'), true);
    assert.equal(isValidTimeZone('Etc/GMT-14'), true);
    assert.equal(isValidTimeZone('UTC+3'), false);
    assert.equal(isValidTimeZone('+03:00'), false);
    assert.equal(isValidTimeZone('Mars/Base'), false);
    assert.equal(isValidTimeZone(''), false);
    assert.equal(canonicalTimeZone('Mars/Base'), undefined);
    assert.equal(canonicalTimeZone('america/los_angeles'), 'America/Los_Angeles');
  });
});

describe('machineTimeZone', () => {
  it("is the machine's zone, spelled as in the list", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Calcutta';
      assert.equal(machineTimeZone(), 'Asia/Kolkata');
      process.env.TZ = 'America/Indianapolis';
      assert.equal(machineTimeZone(), 'America/Indiana/Indianapolis');
      process.env.TZ = 'Europe/Berlin';
      assert.equal(machineTimeZone(), 'Europe/Berlin');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('searchTimeZones', () => {
  it('finds a city typed with spaces or underscores, in any case', () => {
    assert.deepEqual(searchTimeZones('los angeles'), ['America/Los_Angeles']);
    assert.deepEqual(searchTimeZones('Los_Angeles'), ['America/Los_Angeles']);
    assert.deepEqual(searchTimeZones('LOS  ANG'), ['America/Los_Angeles']);
    assert.deepEqual(searchTimeZones('america/los_angeles'), ['America/Los_Angeles']);
  });

  it('every word must appear: "indiana indianapolis"', () => {
    assert.deepEqual(searchTimeZones('indiana indianapolis'), ['America/Indiana/Indianapolis']);
    assert.deepEqual(searchTimeZones('indiana'), [
      'America/Indiana/Indianapolis',
      'America/Indiana/Knox',
      'America/Indiana/Marengo',
      'America/Indiana/Petersburg',
      'America/Indiana/Tell_City',
      'America/Indiana/Vevay',
      'America/Indiana/Vincennes',
      'America/Indiana/Winamac',
    ]);
  });

  it('the guide\'s names come first: "pacific" is Pacific Time before the Pacific/* zones', () => {
    const found = searchTimeZones('pacific');
    assert.equal(found[0], 'America/Los_Angeles');
    assert.ok(found.length > 10 && found.slice(1).every((zone) => zone.startsWith('Pacific/')), found.join());
    assert.deepEqual(searchTimeZones('eastern time'), ['America/New_York']);
    assert.equal(searchTimeZones('central')[0], 'America/Chicago');
  });

  it('cities starting with the first word come first; nothing typed lists all; no match lists none', () => {
    assert.deepEqual(searchTimeZones('new').slice(0, 2), ['America/New_York', 'America/North_Dakota/New_Salem']);
    assert.deepEqual(searchTimeZones('  '), allTimeZones());
    assert.deepEqual(searchTimeZones('atlantis'), []);
    assert.deepEqual(searchTimeZones('york', ['Europe/London', 'America/New_York']), ['America/New_York']);
  });
});

describe('browseTimeZones', () => {
  it('top level: the regions as groups, UTC as a zone', () => {
    assert.deepEqual(browseTimeZones(''), [
      { name: 'Africa' },
      { name: 'America' },
      { name: 'Antarctica' },
      { name: 'Arctic' },
      { name: 'Asia' },
      { name: 'Atlantic' },
      { name: 'Australia' },
      { name: 'Europe' },
      { name: 'Indian' },
      { name: 'Pacific' },
      { name: 'UTC', zone: 'UTC' },
    ]);
  });

  it('America holds the group Indiana and the zone Chicago; America/Indiana holds Indianapolis', () => {
    const america = browseTimeZones('America');
    assert.ok(america.some((entry) => entry.name === 'Indiana' && entry.zone === undefined));
    assert.deepEqual(
      america.find((entry) => entry.name === 'Chicago'),
      { name: 'Chicago', zone: 'America/Chicago' },
    );
    assert.deepEqual(
      america.filter((entry) => entry.zone === undefined).map((entry) => entry.name),
      ['Argentina', 'Indiana', 'Kentucky', 'North_Dakota'],
    );
    assert.deepEqual(browseTimeZones('America/Indiana')[0], { name: 'Indianapolis', zone: 'America/Indiana/Indianapolis' });
    assert.equal(browseTimeZones('America/Indiana').length, 8);
    assert.deepEqual(browseTimeZones('Amer'), []);
  });
});

describe('timeStampPreview', () => {
  it('shows a notification time stamp in the zone', () => {
    const at = new Date('2026-12-01T17:00:00Z');
    assert.equal(timeStampPreview('America/Los_Angeles', at), 'Tue 1 Dec 2026 09:00 PST');
    assert.equal(timeStampPreview('America/New_York', at), 'Tue 1 Dec 2026 12:00 EST');
    assert.equal(timeStampPreview('America/New_York', new Date('2026-07-04T16:00:00Z')), 'Sat 4 Jul 2026 12:00 EDT');
    assert.equal(timeStampPreview('UTC', at), 'Tue 1 Dec 2026 17:00 UTC');
    assert.equal(timeStampPreview('Asia/Kolkata', at), 'Tue 1 Dec 2026 22:30 GMT+5:30');
  });

  it('names European zones by their abbreviation, not an offset', () => {
    assert.equal(timeStampPreview('Europe/Berlin', new Date('2026-12-01T17:00:00Z')), 'Tue 1 Dec 2026 18:00 CET');
    assert.equal(timeStampPreview('Europe/Berlin', new Date('2026-07-01T17:00:00Z')), 'Wed 1 Jul 2026 19:00 CEST');
    assert.equal(timeStampPreview('Europe/London', new Date('2026-07-01T17:00:00Z')), 'Wed 1 Jul 2026 18:00 BST');
  });
});
