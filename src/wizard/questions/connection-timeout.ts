/**
 * JavaMail's connection timeout. Not asked in the flow: a flag, the answers file or the stored
 * file gives it, else the default; asked when chosen under "Change one answer". Given in seconds,
 * stored in milliseconds (JavaMail's unit).
 */
import { connectionTimeoutSecondsSchema, validator } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const connectionTimeoutQuestion = defineQuestion({
  id: 'connectionTimeoutMs',
  label: 'Connection timeout',
  asked: 'on-change',
  given: {
    flags: [{ flag: '--connection-timeout <seconds>', help: `JavaMail connection timeout (default: ${DEFAULTS.connectionTimeoutMs / 1000})` }],
    answersKey: 'connectionTimeout',
    schema: connectionTimeoutSecondsSchema.transform((seconds) => seconds * 1000),
    toAnswer: (ms) => Math.round(ms / 1000),
  },
  display: (ms) => `${ms / 1000} s`,
  defaultValue: (_draft, stored) => stored.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
  async ask({ prompt, out }, defaultValue) {
    out.help('How long Teaming waits for the mail server to accept a connection before it gives up on a message.');
    const seconds = defaultValue === undefined ? undefined : String(Math.round(defaultValue / 1000));
    const answer = await prompt.input({ message: 'Connection timeout (seconds)', default: seconds, validate: validator(connectionTimeoutSecondsSchema) });
    return connectionTimeoutSecondsSchema.parse(answer) * 1000;
  },
});
