import type { Protocol } from '../../settings/settings.ts';
import type { Question } from './context.ts';

export const protocolQuestion: Question<'protocol'> = {
  id: 'protocol',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.protocol ?? 'smtp',
  ask: ({ prompt }, defaultValue) =>
    prompt.select<Protocol>({
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
};
