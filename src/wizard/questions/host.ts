/** The mail server's name or address. */
import { hostSchema, validator } from '../../settings/schemas.ts';
import { defineQuestion } from './question.ts';

export const hostQuestion = defineQuestion({
  id: 'host',
  label: 'Mail host',
  given: { flags: [{ flag: '--host <host>', help: 'mail server: host name, IPv4 or IPv6 address' }], answersKey: 'host', schema: hostSchema },
  defaultValue: (_draft, stored) => stored.host,
  async ask({ prompt, out }, defaultValue) {
    out.help('Name or address of the mail server: mail.example.com, 192.0.2.25, 2001:db8::25');
    const answer = await prompt.input({ message: 'Mail host', default: defaultValue, validate: validator(hostSchema) });
    return hostSchema.parse(answer);
  },
});
