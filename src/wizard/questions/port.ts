/** The mail server's port; its default is the protocol's usual one. */
import { portSchema, validator } from '../../settings/schemas.ts';
import { DEFAULT_PORT } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const portQuestion = defineQuestion({
  id: 'port',
  label: 'Port',
  given: {
    flags: [{ flag: '--port <port>', help: `port (default: ${DEFAULT_PORT.smtp} for smtp, ${DEFAULT_PORT.smtps} for smtps)` }],
    answersKey: 'port',
    schema: portSchema,
  },
  defaultValue: (draft, stored) => (stored.port !== undefined && stored.protocol === draft.protocol ? stored.port : DEFAULT_PORT[draft.protocol ?? 'smtp']),
  // Moving to 587 suggests STARTTLS.
  dependents: ['starttls'],
  async ask({ prompt, out, draft }, defaultValue) {
    out.help(draft.protocol === 'smtps' ? 'SMTPS servers usually listen on 465.' : 'Usually 25; many servers require 587 (submission, with STARTTLS) instead.');
    const answer = await prompt.input({ message: 'Port', default: String(defaultValue), validate: validator(portSchema) });
    return portSchema.parse(answer);
  },
});
