/** Whether users may e-mail the All Users group. */
import { booleanSchema } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const allowAllUsersQuestion = defineQuestion({
  id: 'allowSendToAllUsers',
  label: 'Allow sending to All Users',
  given: {
    flags: [
      { flag: '--allow-all-users', help: 'users may e-mail the All Users group (default)' },
      { flag: '--no-allow-all-users', help: 'users may not e-mail the All Users group' },
    ],
    answersKey: 'allowSendToAllUsers',
    schema: booleanSchema('allowSendToAllUsers'),
  },
  defaultValue: (_draft, stored) => stored.allowSendToAllUsers ?? DEFAULTS.allowSendToAllUsers,
  async ask({ prompt, out }, defaultValue) {
    out.help('On a large site, one message to All Users becomes an e-mail to every user.');
    return prompt.confirm({ message: 'Allow users to send e-mail to the All Users group?', default: defaultValue });
  },
});
