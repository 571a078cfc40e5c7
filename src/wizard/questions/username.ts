/** The account's user name (with authentication); also the sender of notifications. */
import { usernameSchema, validator } from '../../settings/schemas.ts';
import { defineQuestion } from './question.ts';

export const usernameQuestion = defineQuestion({
  id: 'username',
  label: 'User name',
  given: {
    flags: [{ flag: '--username <name>', help: 'user name or full e-mail address (also the sender of notifications)' }],
    answersKey: 'username',
    schema: usernameSchema,
  },
  display: (username) => (username === '' ? '(none)' : username),
  applies: (draft) => draft.auth === true,
  defaultValue: (_draft, stored) => stored.username || undefined,
  async ask({ prompt, out }, defaultValue) {
    out.help('Some servers take a plain user name, others the full e-mail address.');
    out.help('It is also the sender ("From") of notifications.');
    const answer = await prompt.input({ message: 'User name or e-mail address', default: defaultValue, validate: validator(usernameSchema) });
    return usernameSchema.parse(answer);
  },
});
