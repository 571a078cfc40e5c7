import { hostSchema, portSchema, validator } from '../../settings/schemas.ts';
import { DEFAULT_PORT, defaultStarttls } from '../../settings/settings.ts';
import type { Question } from './context.ts';

export const hostQuestion: Question<'host'> = {
  id: 'host',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.host,
  async ask({ prompt, out }, defaultValue) {
    out.help('Name or address of the mail server: mail.example.com, 192.0.2.25, 2001:db8::25');
    const answer = await prompt.input({ message: 'Mail host', default: defaultValue, validate: validator(hostSchema) });
    return hostSchema.parse(answer);
  },
};

export const portQuestion: Question<'port'> = {
  id: 'port',
  applies: () => true,
  defaultValue: (draft, stored) => (stored.port !== undefined && stored.protocol === draft.protocol ? stored.port : DEFAULT_PORT[draft.protocol ?? 'smtp']),
  async ask({ prompt, out, draft }, defaultValue) {
    out.help(draft.protocol === 'smtps' ? 'SMTPS servers usually listen on 465.' : 'Usually 25; many servers require 587 (submission, with STARTTLS) instead.');
    const answer = await prompt.input({ message: 'Port', default: String(defaultValue), validate: validator(portSchema) });
    return portSchema.parse(answer);
  },
};

export const starttlsQuestion: Question<'starttls'> = {
  id: 'starttls',
  applies: (draft) => draft.protocol === 'smtp',
  // The stored answer stays the default when the port changes (25 → 2525 must not drop STARTTLS);
  // only a move to the submission port, where servers require it, makes the default yes.
  defaultValue: (draft, stored) => {
    const port = draft.port ?? DEFAULT_PORT.smtp;
    if (stored.protocol !== 'smtp' || stored.starttls === undefined) return defaultStarttls(port);
    return stored.starttls || (stored.port !== port && defaultStarttls(port));
  },
  async ask({ prompt, out }, defaultValue) {
    out.help('STARTTLS encrypts the connection before the password is sent; 587 requires it.');
    return prompt.confirm({ message: 'Use STARTTLS?', default: defaultValue });
  },
};
