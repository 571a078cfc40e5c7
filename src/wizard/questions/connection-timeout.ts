/**
 * JavaMail's connection timeout. Not asked: a flag, the answers file or the stored file gives it,
 * else the default. Given in seconds, stored in milliseconds (JavaMail's unit).
 */
import { connectionTimeoutSecondsSchema } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const connectionTimeoutQuestion = defineQuestion({
  id: 'connectionTimeoutMs',
  label: 'Connection timeout',
  asked: 'never',
  given: {
    flags: [{ flag: '--connection-timeout <seconds>', help: `JavaMail connection timeout (default: ${DEFAULTS.connectionTimeoutMs / 1000})` }],
    answersKey: 'connectionTimeout',
    schema: connectionTimeoutSecondsSchema.transform((seconds) => seconds * 1000),
    toAnswer: (ms) => Math.round(ms / 1000),
  },
  display: (ms) => `${ms / 1000} s`,
  defaultValue: (_draft, stored) => stored.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
});
