/**
 * The account's password (with authentication). Never a flag's value (it would show in the process
 * list) nor in the answers file: a file, standard input or the environment give it instead.
 */
import { passwordSchema, validator } from '../../settings/schemas.ts';
import { maskPassword } from '../../settings/settings.ts';
import { defineQuestion, type SecretSources } from './question.ts';

/** Where the command line reads the password from. */
export const passwordSources: SecretSources = {
  flags: [
    { flag: '--password-file <path>', help: 'read the password from this file (first line)' },
    { flag: '--password-stdin', help: 'read the password from standard input' },
  ],
  env: 'TEAMING_MAIL_PASSWORD',
};

export const passwordQuestion = defineQuestion({
  id: 'password',
  label: 'Password',
  secret: passwordSources,
  display: maskPassword,
  applies: (draft) => draft.auth === true,
  defaultValue: (_draft, stored) => stored.password ?? '',
  /** A blank answer keeps the stored password when reconfiguring; otherwise it means "no password". */
  async ask({ prompt, out }, defaultValue) {
    const keeping = defaultValue !== undefined && defaultValue !== '';
    out.help(keeping ? 'Leave blank to keep the current password.' : 'Leave blank if the server needs no password.');
    const answer = await prompt.password({ message: 'Password', validate: validator(passwordSchema) });
    if (answer !== '') return answer;
    // "✔ Password" with nothing after it reads as "no password": say what happened.
    if (keeping) out.help('The current password is kept.');
    return defaultValue ?? '';
  },
});
