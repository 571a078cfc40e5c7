/** Which protocol Teaming's JavaMail speaks to the mail server: SMTP (STARTTLS possible) or SMTPS. */
import { protocolAnswerSchema } from '../../settings/schemas.ts';
import { DEFAULTS } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const protocolQuestion = defineQuestion({
  id: 'protocol',
  label: 'Protocol',
  given: {
    flags: [{ flag: '--protocol <protocol>', help: `smtp or smtps (default: ${DEFAULTS.protocol})` }],
    answersKey: 'protocol',
    schema: protocolAnswerSchema,
  },
  display: (protocol) => protocol.toUpperCase(),
  defaultValue: (_draft, stored) => stored.protocol ?? DEFAULTS.protocol,
  // The usual port differs by protocol; STARTTLS depends on the port in turn.
  dependents: ['port'],
  ask: ({ prompt }, defaultValue) =>
    prompt.select({
      message: 'Outbound e-mail protocol',
      default: defaultValue,
      choices: [
        {
          value: 'smtp',
          name: 'SMTP',
          description: 'Plain SMTP, upgraded to TLS with STARTTLS; usually port 25, or 587 (submission).',
        },
        {
          value: 'smtps',
          name: 'SMTPS',
          description: 'SMTP over TLS from the first byte (implicit TLS); usually port 465.',
        },
      ],
    }),
});
