/**
 * JavaMail's read and write timeouts (mail.<protocol>.timeout and .writetimeout): without them
 * JavaMail waits forever, and a server that stalls hangs Teaming's mail thread. Asked only through
 * "Change one answer"; a flag, the answers file or the stored file gives it, else the default.
 * Given in seconds, stored in milliseconds (JavaMail's unit).
 */
import { readTimeoutSecondsSchema, validator } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const readTimeoutQuestion = defineQuestion({
  id: 'readTimeoutMs',
  label: 'Read timeout',
  asked: 'on-change',
  given: {
    flags: [
      {
        flag: '--read-timeout <seconds>',
        help: `how long Teaming waits for the mail server to answer or take data (default: ${DEFAULTS.readTimeoutMs / 1000})`,
      },
    ],
    answersKey: 'readTimeout',
    schema: readTimeoutSecondsSchema.transform((seconds) => seconds * 1000),
    toAnswer: (ms) => Math.round(ms / 1000),
  },
  display: (ms) => `${ms / 1000} s`,
  defaultValue: (_draft, stored) => stored.readTimeoutMs ?? DEFAULTS.readTimeoutMs,
  async ask({ prompt, out }, defaultValue) {
    out.help('How long Teaming waits for the mail server to answer (or to take data) before it gives up on a message.');
    const answer = await prompt.input({
      message: 'Read timeout (seconds)',
      default: String(Math.round((defaultValue ?? DEFAULTS.readTimeoutMs) / 1000)),
      validate: validator(readTimeoutSecondsSchema),
    });
    return readTimeoutSecondsSchema.parse(answer) * 1000;
  },
});
