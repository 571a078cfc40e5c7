/** Whether plain SMTP is upgraded with STARTTLS (SMTPS is TLS from the first byte: no question). */
import { booleanSchema } from '../../settings/schemas.ts';
import { DEFAULT_PORT, defaultStarttls } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

export const starttlsQuestion = defineQuestion({
  id: 'starttls',
  label: 'STARTTLS',
  given: {
    flags: [
      { flag: '--starttls', help: 'upgrade smtp with STARTTLS (default: yes on port 587)' },
      { flag: '--no-starttls', help: 'do not use STARTTLS' },
    ],
    answersKey: 'starttls',
    schema: booleanSchema('starttls'),
  },
  // Shown on the summary sheet unless SMTPS; in the flow the protocol is always answered first.
  applies: (draft) => draft.protocol !== 'smtps',
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
});
