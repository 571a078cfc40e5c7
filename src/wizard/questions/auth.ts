/** Whether the mail server requires authentication; the account questions follow when it does. */
import { booleanSchema } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const authQuestion = defineQuestion({
  id: 'auth',
  label: 'Authentication',
  given: {
    flags: [
      { flag: '--auth', help: 'the server requires authentication' },
      { flag: '--no-auth', help: 'the server needs no authentication (default)' },
    ],
    answersKey: 'auth',
    schema: booleanSchema('auth'),
  },
  defaultValue: (_draft, stored) => stored.auth ?? DEFAULTS.auth,
  async ask({ prompt, out }, defaultValue) {
    out.help('Many mail servers accept mail only from an authenticated account.');
    return prompt.confirm({ message: 'Does the mail server require authentication?', default: defaultValue });
  },
});
