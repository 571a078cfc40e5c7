/**
 * The EHLO stage: EHLO with the probe's client name, HELO when EHLO is refused (as a client must,
 * RFC 5321 4.1.4), and the capabilities the server lists. Also the EHLO after STARTTLS (stages/tls.ts).
 */
import { ipVersion } from '../../settings/ip-address.ts';
import { describeCapabilities, parseCapabilities } from '../capabilities.ts';
import { replyClass, replyFailure, temporaryFailure, type Reply } from '../replies.ts';
import type { ServerCapabilities, StageName } from '../types.ts';
import type { ProbeSession, StageResult } from './session.ts';

export async function ehloStage(session: ProbeSession): Promise<StageResult<ServerCapabilities>> {
  const capabilities = parseCapabilities((await hello(session, 'ehlo', true)).lines);
  session.capabilities = session.plainCapabilities = capabilities;
  return { value: capabilities, detail: describeCapabilities(capabilities) };
}

/** The EHLO name: what the caller set, else an address literal of our end, e.g. `[192.0.2.7]`. */
function clientName(session: ProbeSession): string {
  if (session.options.clientName) return session.options.clientName;
  const address = (session.socket?.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return ipVersion(address) === 6 ? `[IPv6:${address}]` : `[${address}]`;
}

/**
 * The reply to EHLO (to HELO, when EHLO is refused and `helo` allows it); else the refusal, read
 * from the EHLO reply, as a failure of `stage`.
 */
export async function hello(session: ProbeSession, stage: StageName, helo: boolean): Promise<Reply> {
  const name = clientName(session);
  session.smtp.send(`EHLO ${name}`);
  const reply = await session.reply();
  if (reply.code === 250) return reply;
  if (helo && reply.code >= 500) {
    session.smtp.send(`HELO ${name}`);
    const fallback = await session.reply();
    if (fallback.code === 250) return fallback;
  }
  if (replyClass(reply) === 'temporary') throw temporaryFailure(stage, reply);
  throw replyFailure(
    stage,
    'ehlo-refused',
    reply,
    'the server refuses our EHLO',
    'the server does not accept mail sessions from this machine; check the server log, or ask the mail administrator',
    { question: 'host' },
  );
}
