import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFor, propertiesFormat } from '../src/settings-format.ts';
import { changedSettings, defaultStarttls, maskPassword } from '../src/settings.ts';
import { PLAIN_SMTP } from './helpers/fixtures.ts';

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

  it('changedSettings lists the differing fields in the summary order', () => {
    assert.deepEqual(changedSettings(SETTINGS, SETTINGS), []);
    assert.deepEqual(changedSettings({ ...SETTINGS, port: 587, password: 'q' }, SETTINGS), ['port', 'password']);
    assert.deepEqual(changedSettings({ protocol: 'smtp', host: 'mail.example.com' }, SETTINGS), ['port', 'starttls', 'timeZone', 'auth', 'username', 'password', 'allowSendToAllUsers', 'connectionTimeoutMs']);
  });

  it('the format follows the path: .xml in any case is installer.xml', async () => {
    assert.equal((await formatFor('/opt/teaming/installer.properties')).name, 'properties');
    assert.equal((await formatFor('/opt/teaming/INSTALLER.XML')).name, 'xml');
    assert.equal(await formatFor('installer.xml.properties'), propertiesFormat);
  });
});
