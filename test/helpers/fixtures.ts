import type { MailSettings } from '../../src/settings/settings.ts';

/** Plain SMTP on port 25 with authentication: a base that tests change field by field. */
export const PLAIN_SMTP: MailSettings = {
  protocol: 'smtp',
  host: 'mail.example.com',
  port: 25,
  starttls: false,
  timeZone: 'UTC',
  auth: true,
  username: 'user',
  password: 'pw',
  allowSendToAllUsers: true,
  connectionTimeoutMs: 15000,
};
