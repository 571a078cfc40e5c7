/**
 * The name Teaming's JavaMail announces with EHLO (mail.<protocol>.localhost). Without it JavaMail
 * announces this machine's canonical name; servers that want a fully-qualified name refuse that.
 * Asked when the check's EHLO was refused, and through "Change one answer"; its default is this
 * machine's fully-qualified name when it has one.
 */
import { ehloNameSchema, validator } from '../../settings/schemas.ts';
import { defineQuestion } from './question.ts';

export const ehloNameQuestion = defineQuestion({
  id: 'ehloName',
  label: 'EHLO name',
  optional: true,
  asked: 'on-change',
  given: {
    flags: [{ flag: '--ehlo-name <name>', help: "the name Teaming announces with EHLO, mail.<protocol>.localhost (default: this machine's name)" }],
    answersKey: 'ehloName',
    schema: ehloNameSchema,
  },
  display: (name) => (name === '' ? "this machine's name" : name),
  defaultValue: (_draft, stored) => stored.ehloName ?? '',
  async ask({ prompt, out }, defaultValue) {
    out.help('The name Teaming announces to the mail server (EHLO). Some servers refuse a name that is not fully qualified.');
    out.help("Leave empty for this machine's own name.");
    // Loaded here, not with the questions: the first question comes before any network module.
    const suggested = defaultValue || (await (await import('../../probe/local-name.ts')).fullyQualifiedName());
    const validate = (value: string) => (value.trim() === '' ? true : validator(ehloNameSchema)(value));
    const answer = await prompt.input({ message: 'EHLO name (fully-qualified host name)', default: suggested, validate });
    return answer.trim() === '' ? '' : ehloNameSchema.parse(answer);
  },
});
