import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFor, propertiesFormat } from '../../src/settings/settings-format.ts';
import { defaultStarttls, maskPassword } from '../../src/settings/settings.ts';
import { settingChanges } from '../../src/wizard/summary-sheet.ts';
import { PLAIN_SMTP } from '../helpers/fixtures.ts';

const SETTINGS = PLAIN_SMTP;

describe('settings', () => {
  it('STARTTLS defaults to on for the submission port only', () => {
    assert.deepEqual([25, 465, 587, 2525].map(defaultStarttls), [false, false, true, false]);
  });

  it('the password is masked, an empty one says so', () => {
    assert.equal(maskPassword(''), '(none)');
    assert.equal(maskPassword('secret'), '••••••');
    assert.equal(maskPassword('a'.repeat(40)), '••••••');
  });

  it('settingChanges lists the differing answers in the summary order, password masked', () => {
    assert.deepEqual(settingChanges(SETTINGS, SETTINGS), []);
    assert.deepEqual(
      settingChanges({ ...SETTINGS, port: 587, password: 'q' }, SETTINGS).map((change) => `${change.label}: ${change.from} → ${change.to}`),
      ['Port: 587 → 25', 'Password: •••••• → a new password'],
    );
  });

  it('the format follows the path: .xml in any case is installer.xml', async () => {
    assert.equal((await formatFor('/opt/teaming/installer.properties')).name, 'properties');
    assert.equal((await formatFor('/opt/teaming/INSTALLER.XML')).name, 'xml');
    assert.equal(await formatFor('installer.xml.properties'), propertiesFormat);
  });
});
