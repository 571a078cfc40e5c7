/**
 * The greeting stage: the server's 220, read on the probe's channel (see smtp-channel.ts for why
 * not through nodemailer). On a plain connection the first bytes are awaited on the raw socket:
 * none in half the budget, and the port is tried with a TLS handshake (an SMTPS port stays silent
 * to plain SMTP), to tell an SMTPS port from a dead one.
 */
import type net from 'node:net';
import { BoundedSocket, ChannelError } from '../bounded-socket.ts';
import { DeadlineError } from '../deadline.ts';
import { fail, seconds, type StageFailure } from '../failures.ts';
import { replyClass, replyFailure, temporaryFailure } from '../replies.ts';
import { SmtpChannel } from '../smtp-channel.ts';
import { handshakeDone, startHandshake } from '../tls-handshake.ts';
import type { ProbeSession, StageResult } from './session.ts';

/** The greeting: on the TLS session of SMTPS (channel already open), else on the plain connection. */
export async function greetingStage(session: ProbeSession): Promise<StageResult<string>> {
  if (!session.channel) {
    const socket = session.socket!;
    await firstBytes(session, socket);
    session.wire = new BoundedSocket(socket);
    session.channel = new SmtpChannel(session.wire, session.wire, session.transcript);
  }
  const reply = await session.reply();
  session.banner = reply.raw;
  if (reply.code === 220) return { value: reply.raw, detail: reply.raw };
  if (replyClass(reply) === 'temporary') throw temporaryFailure('greeting', reply);
  if (reply.code >= 400) {
    throw replyFailure(
      'greeting',
      'banner-refused',
      reply,
      'the server refuses this connection',
      "the server does not accept mail sessions from this machine; ask the mail administrator to allow this machine's address, or use the port meant for mail clients (587)",
      { question: 'port' },
    );
  }
  throw replyFailure('greeting', 'not-smtp', reply, 'the server greeted with an unexpected reply', 'check the host and port: mail servers greet with 220', {
    question: 'port',
  });
}

/** Waits, on the raw socket, for the server's first bytes (left there to be read); a silent port is tried with TLS. */
async function firstBytes(session: ProbeSession, socket: net.Socket): Promise<void> {
  const { deadline } = session;
  const start = performance.now();
  let onReadable: (() => void) | undefined;
  let onEnd: (() => void) | undefined;
  let onError: ((error: NodeJS.ErrnoException) => void) | undefined;
  const outcome = new Promise<'data' | 'closed' | 'reset'>((resolve) => {
    onReadable = () => resolve(socket.readableLength > 0 ? 'data' : 'closed');
    onEnd = () => resolve('closed');
    onError = (error) => resolve(error.code === 'ECONNRESET' ? 'reset' : 'closed');
    socket.once('readable', onReadable).once('end', onEnd).once('error', onError);
  });
  let result: 'data' | 'closed' | 'reset';
  try {
    result = await deadline.race(outcome, Date.now() + deadline.remaining() / 2);
  } catch (error) {
    if (!(error instanceof DeadlineError)) throw error;
    throw await silentGreeting(session, socket, start);
  } finally {
    socket.off('readable', onReadable!).off('end', onEnd!).off('error', onError!);
  }
  if (result !== 'data') throw new ChannelError(result, `the server ${result} the connection`, '', 0);
}

/** No greeting on a plain connection: an implicit-TLS port answers a TLS handshake; a dead one does not. */
async function silentGreeting(session: ProbeSession, socket: net.Socket, start: number): Promise<StageFailure> {
  const { deadline, settings } = session;
  const waitedMs = performance.now() - start;
  const secure = startHandshake(socket, session.host, session.options.ca);
  try {
    await deadline.race(handshakeDone(secure));
  } catch (error) {
    if (error instanceof DeadlineError) {
      return fail(
        'greeting',
        'timeout',
        `connected, but no greeting in ${seconds(performance.now() - start)}`,
        `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${settings.port}; try again, or try port 587 or 465`,
        { question: 'port' },
      );
    }
    return fail(
      'greeting',
      'too-slow',
      `no greeting in ${seconds(waitedMs)}; the server then rejected TLS too`,
      'the server greets too slowly (it may be overloaded or delay clients on purpose); try again, or try port 587',
      { question: 'port' },
    );
  } finally {
    secure.destroy();
  }
  return fail(
    'greeting',
    'expects-tls',
    `no greeting in ${seconds(waitedMs)}, but port ${settings.port} answers a TLS handshake`,
    'this port expects SMTPS (TLS from the first byte): choose SMTPS',
    {
      suggestion: { protocol: 'smtps', starttls: false },
      question: 'protocol',
    },
  );
}
