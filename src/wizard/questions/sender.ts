/**
 * The sender of notifications (Teaming's ssf.outgoing.from.address). Without it Teaming sends From
 * the user name as written, so it is asked when the user name is no e-mail address (a login such
 * as `apikey`, an access key id or a token), and after the server refused the sender.
 */
import { senderSchema, validator } from '../../settings/schemas.ts';
import { isUsernameSecret } from '../../settings/settings.ts';
import { defineQuestion } from './question.ts';

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;
const NONE = 'the user name';

export const senderQuestion = defineQuestion({
  id: 'sender',
  label: 'Sender address',
  optional: true,
  given: {
    flags: [{ flag: '--sender <address>', help: 'sender address of notifications, ssf.outgoing.from.address (default: the user name)' }],
    answersKey: 'sender',
    schema: senderSchema,
  },
  display: (sender) => (sender === '' ? NONE : sender),
  askedIf: (draft) => draft.auth === true && draft.username !== undefined && !ADDRESS.test(draft.username),
  defaultValue: (_draft, stored) => stored.sender ?? '',
  async ask({ prompt, out, draft }, defaultValue) {
    // A user name that is the password too (Postmark's token) is a secret: never shown.
    const shown = draft.username && !isUsernameSecret(draft.username, draft.password) ? ` (${draft.username})` : '';
    out.help(`Teaming sends notifications from the user name${shown} unless a sender address is set.`);
    out.help('Relay services that log in with a key or token take only a verified sender address. Leave empty for none.');
    const validate = (value: string) => (value.trim() === '' ? true : validator(senderSchema)(value));
    const answer = await prompt.input({ message: 'Sender address of notifications', default: defaultValue || undefined, validate });
    return answer.trim() === '' ? '' : senderSchema.parse(answer);
  },
});
