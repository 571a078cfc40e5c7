import type { NameResolver } from '../../src/probe/local-name.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { PLAIN_SMTP } from './fixtures.ts';
import { TEST_PASSWORD, TEST_USER } from './smtp-servers.ts';

/** Settings for a probe of a loopback test server; override what the case is about. */
export function loopbackSettings(port: number, overrides: Partial<MailSettings> = {}): MailSettings {
  return { ...PLAIN_SMTP, host: '127.0.0.1', port, starttls: true, timeZone: 'America/New_York', username: TEST_USER, password: TEST_PASSWORD, ...overrides };
}

/** Short budget for cases that are meant to fail. */
export const FAILURE_TIMEOUT_MS = 1500;

/** This machine's name, as a test chooses it: `name` resolves to 192.0.2.7 and back; undefined: the host name does not resolve. */
export function fixedResolver(name: string | undefined): NameResolver {
  return {
    hostname: () => name ?? 'nowhere.invalid',
    lookup: async (host) => {
      if (name === undefined || host !== name) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return ['192.0.2.7'];
    },
    reverse: async () => name ?? '',
  };
}
