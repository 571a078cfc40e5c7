import type { Question } from './context.ts';

export const allUsersQuestion: Question<'allowSendToAllUsers'> = {
  id: 'allowSendToAllUsers',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.allowSendToAllUsers ?? true,
  async ask({ prompt, out }, defaultValue) {
    out.help('On a large site, one message to All Users becomes an e-mail to every user.');
    return prompt.confirm({ message: 'Allow users to send e-mail to the All Users group?', default: defaultValue });
  },
};
