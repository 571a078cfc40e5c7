/**
 * The EHLO stage: EHLO with the probe's client name, HELO when EHLO is refused (as a client must,
 * RFC 5321 4.1.4), and the capabilities the server lists. Also the EHLO after STARTTLS (stages/tls.ts).
 */
import { ipVersion } from '../../settings/ip-address.ts';
import { describeCapabilities, parseCapabilities } from '../capabilities.ts';
import { providerRefusal } from '../provider-replies.ts';
import { canonicalHostName } from '../local-name.ts';
import { replyClass, replyFailure, temporaryFailure, type Reply } from '../replies.ts';
import type { ServerCapabilities, StageName } from '../types.ts';
import type { ProbeSession, StageResult } from './session.ts';

export async function ehloStage(session: ProbeSession): Promise<StageResult<ServerCapabilities>> {
  const capabilities = parseCapabilities((await hello(session, 'ehlo', true)).lines);
  session.capabilities = session.plainCapabilities = capabilities;
  return { value: capabilities, detail: describeCapabilities(capabilities) };
}

/**
 * The EHLO name, as Teaming's JavaMail says it: what the caller set, else mail.<protocol>.localhost
 * (the EHLO name setting), else this machine's canonical name (local-name.ts, looked up while
 * connecting), else an address literal of our end, e.g. `[192.0.2.7]`.
 */
export function startEhloName(session: ProbeSession): void {
  const { options, settings } = session;
  const given = options.clientName || settings.ehloName;
  session.ehloName = given ? Promise.resolve(given) : canonicalHostName(options.nameResolver);
  session.ehloName.catch(() => {});
}

async function clientName(session: ProbeSession): Promise<string> {
  const name = await session.deadline.race(session.ehloName ?? Promise.resolve(undefined));
  if (name) return name;
  const address = (session.socket?.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return ipVersion(address) === 6 ? `[IPv6:${address}]` : `[${address}]`;
}

/**
 * The reply to EHLO (to HELO, when EHLO is refused and `helo` allows it); else the refusal, read
 * from the EHLO reply, as a failure of `stage`.
 */
export async function hello(session: ProbeSession, stage: StageName, helo: boolean): Promise<Reply> {
  const name = await clientName(session);
  session.smtp.send(`EHLO ${name}`);
  const reply = await session.reply();
  if (reply.code === 250) return reply;
  if (helo && reply.code >= 500) {
    session.smtp.send(`HELO ${name}`);
    const fallback = await session.reply();
    if (fallback.code === 250) return fallback;
  }
  const provider = providerRefusal(stage, reply);
  if (provider) throw provider;
  if (replyClass(reply) === 'temporary' && !NAME_REFUSED.test(reply.raw)) throw temporaryFailure(stage, reply);
  throw ehloRefusal(session, stage, name, reply);
}

/** Words of servers that refuse the EHLO name itself (Postfix reject_*_helo_hostname, Google's relay). */
const NAME_REFUSED = /helo|ehlo|host ?name|fully.qualified|fqdn/i;

/**
 * EHLO refused. Teaming would announce the same name, so it would be refused too; when the words
 * point at the name (or whatever the reason), the fix is a fully-qualified name in
 * mail.<protocol>.localhost: the EHLO name question, with this machine's FQDN as its default.
 */
function ehloRefusal(session: ProbeSession, stage: StageName, name: string, reply: Reply) {
  const key = `mail.${session.settings.protocol}.localhost`;
  const given = session.options.clientName || session.settings.ehloName;
  const aboutName = NAME_REFUSED.test(reply.raw);
  const advice = given
    ? `the server refuses the EHLO name ${name} (${key}): set a fully-qualified name this machine is known by (--ehlo-name NAME), or ask the mail administrator`
    : `Teaming's JavaMail announces this machine's name ${name} too, and would be refused the same way: write a fully-qualified name this machine is known by as ${key} (--ehlo-name NAME)${aboutName ? '' : ', or check the server log and ask the mail administrator'}`;
  return replyFailure(stage, 'ehlo-refused', reply, `the server refuses the EHLO name ${name}`, advice, { question: 'ehloName' });
}
