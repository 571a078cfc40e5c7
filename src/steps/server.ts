import { hostSchema, portSchema, validator } from '../schemas.ts';
import { DEFAULT_PORT, defaultStarttls } from '../settings.ts';
import type { Question } from './context.ts';

export const hostQuestion: Question<'host'> = {
  id: 'host',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.host,
  async ask({ prompt, out }, defaultValue) {
    out.help('The name or address of the mail server Teaming sends through: mail.example.com, 192.0.2.25 or 2001:db8::25.');
    const answer = await prompt.input({ message: 'Mail host', default: defaultValue, validate: validator(hostSchema) });
    return hostSchema.parse(answer);
  },
};

export const portQuestion: Question<'port'> = {
  id: 'port',
  applies: () => true,
  defaultValue: (draft, stored) =>
    stored.port !== undefined && stored.protocol === draft.protocol ? stored.port : DEFAULT_PORT[draft.protocol ?? 'smtp'],
  async ask({ prompt, out, draft }, defaultValue) {
    out.help(
      draft.protocol === 'smtps'
        ? 'SMTPS servers usually listen on 465.'
        : '25 is the standard SMTP port; many servers require 587 (submission, with STARTTLS) instead.',
    );
    const answer = await prompt.input({ message: 'Port', default: String(defaultValue), validate: validator(portSchema) });
    return portSchema.parse(answer);
  },
};

export const starttlsQuestion: Question<'starttls'> = {
  id: 'starttls',
  applies: (draft) => draft.protocol === 'smtp',
  defaultValue: (draft, stored) => {
    const port = draft.port ?? DEFAULT_PORT.smtp;
    if (stored.protocol !== 'smtp' || stored.starttls === undefined) return defaultStarttls(port);
    // Reconfiguring keeps the stored answer: a move to the submission port turns STARTTLS on,
    // but no other port change turns it off unasked.
    return stored.starttls || (stored.port !== port && defaultStarttls(port));
  },
  async ask({ prompt, out }, defaultValue) {
    out.help('STARTTLS upgrades the SMTP connection to TLS before the password is sent. Servers on 587 require it.');
    return prompt.confirm({ message: 'Use STARTTLS?', default: defaultValue });
  },
};
