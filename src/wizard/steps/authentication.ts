import { passwordSchema, usernameSchema, validator } from '../../settings/schemas.ts';
import type { Question } from './context.ts';

export const authQuestion: Question<'auth'> = {
  id: 'auth',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.auth ?? false,
  async ask({ prompt, out }, defaultValue) {
    out.help('Many mail servers accept mail only from an authenticated account.');
    return prompt.confirm({ message: 'Does the mail server require authentication?', default: defaultValue });
  },
};

export const usernameQuestion: Question<'username'> = {
  id: 'username',
  applies: (draft) => draft.auth === true,
  defaultValue: (_draft, stored) => stored.username || undefined,
  async ask({ prompt, out }, defaultValue) {
    out.help('Some servers take a plain user name, others the full e-mail address.');
    out.help('It is also the sender ("From") of notifications.');
    const answer = await prompt.input({ message: 'User name or e-mail address', default: defaultValue, validate: validator(usernameSchema) });
    return usernameSchema.parse(answer);
  },
};

/** A blank answer keeps the stored password when reconfiguring; otherwise it means "no password". */
export const passwordQuestion: Question<'password'> = {
  id: 'password',
  applies: (draft) => draft.auth === true,
  defaultValue: (_draft, stored) => stored.password ?? '',
  async ask({ prompt, out }, defaultValue) {
    const keeping = defaultValue !== undefined && defaultValue !== '';
    out.help(keeping ? 'Leave blank to keep the current password.' : 'Leave blank if the server needs no password.');
    const answer = await prompt.password({ message: 'Password', validate: validator(passwordSchema) });
    if (answer !== '') return answer;
    // "✔ Password" with nothing after it reads as "no password": say what happened.
    if (keeping) out.help('The current password is kept.');
    return defaultValue ?? '';
  },
};
