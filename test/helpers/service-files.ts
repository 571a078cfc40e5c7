/** The settings file a mail service preset writes, with the time zone UTC and every other answer its default. */
import { propertiesText } from './fixtures.ts';

export interface PresetEndpoint {
  protocol: 'smtp' | 'smtps';
  host: string;
  port: number;
  /** Absent: no authentication. */
  login?: { user: string; password: string };
}

export function presetFile({ protocol: p, host, port, login }: PresetEndpoint): string {
  return propertiesText({
    'mail.transport.protocol': p,
    [`mail.${p}.host`]: host,
    [`mail.${p}.port`]: String(port),
    [`mail.${p}.auth`]: String(login !== undefined),
    ...(login && { [`mail.${p}.user`]: login.user, [`mail.${p}.password`]: login.password }),
    [`mail.${p}.sendpartial`]: 'true',
    [`mail.${p}.connectiontimeout`]: '15000',
    [`mail.${p}.timeout`]: '60000',
    [`mail.${p}.writetimeout`]: '60000',
    [`mail.${p}.ssl.checkserveridentity`]: 'true',
    ...(p === 'smtp' && { 'mail.smtp.starttls.enable': 'true', 'mail.smtp.starttls.required': 'true' }),
    'notify.timezone': 'UTC',
    'mail.allowSendToAllUsers': 'true',
  });
}
