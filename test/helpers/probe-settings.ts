import type { MailSettings } from '../../src/settings/settings.ts';
import { PLAIN_SMTP } from './fixtures.ts';
import { TEST_PASSWORD, TEST_USER } from './smtp-servers.ts';

/** Settings for a probe of a loopback test server; override what the case is about. */
export function loopbackSettings(port: number, overrides: Partial<MailSettings> = {}): MailSettings {
  return { ...PLAIN_SMTP, host: '127.0.0.1', port, starttls: true, timeZone: 'America/New_York', username: TEST_USER, password: TEST_PASSWORD, ...overrides };
}

/** Short budget for cases that are meant to fail. */
export const FAILURE_TIMEOUT_MS = 1500;
