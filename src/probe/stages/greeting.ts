/**
 * The greeting stage: the server's 220, read on the probe's channel (see smtp-channel.ts for why
 * not through nodemailer). On a plain connection the first bytes are awaited on the raw socket as
 * JavaMail awaits them: up to the check's deadline (a server may delay its greeting on purpose,
 * Postfix's postscreen for one). An SMTPS port stays silent to plain SMTP as well: when no byte
 * came in the first second, a second connection in parallel tries a TLS handshake on the port, so
 * an SMTPS port is told at once from a slow greeting, which is still waited for.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { BoundedSocket, ChannelError, ignore } from '../bounded-socket.ts';
import { DeadlineError } from '../deadline.ts';
import { fail, duration } from '../failures.ts';
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

/** How long a plain connection waits for its first byte before a second connection tries TLS on the port. */
const TLS_TRY_AFTER_MS = 1000;

/**
 * Waits, on the raw socket, for the server's first bytes (left there to be read), up to the
 * deadline; a port that answers TLS on a second connection meanwhile expects SMTPS.
 */
async function firstBytes(session: ProbeSession, socket: net.Socket): Promise<void> {
  const { deadline, settings } = session;
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
  const tlsTry = tryTlsLater(session);
  let result: 'data' | 'closed' | 'reset' | 'tls';
  try {
    result = await deadline.race(Promise.race([outcome, tlsTry.answered]));
  } catch (error) {
    if (!(error instanceof DeadlineError)) throw error;
    throw fail(
      'greeting',
      'timeout',
      `connected, but no greeting in ${duration(performance.now() - start)}`,
      `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${settings.port}; try again, or try port 587 or 465`,
      { question: 'port' },
    );
  } finally {
    socket.off('readable', onReadable!).off('end', onEnd!).off('error', onError!);
    tlsTry.stop();
  }
  if (result === 'tls') {
    throw fail(
      'greeting',
      'expects-tls',
      `no greeting in ${duration(performance.now() - start)}, but port ${settings.port} answers a TLS handshake`,
      'this port expects SMTPS (TLS from the first byte): choose SMTPS',
      {
        suggestion: { protocol: 'smtps', starttls: false },
        question: 'protocol',
      },
    );
  }
  if (result !== 'data') throw new ChannelError(result, `the server ${result} the connection`, '', 0);
}

/**
 * After TLS_TRY_AFTER_MS, a TLS handshake on a second connection to the same address and port:
 * `answered` resolves when it succeeds, and never when it fails (the greeting is still awaited).
 */
function tryTlsLater(session: ProbeSession): { answered: Promise<'tls'>; stop(): void } {
  let stopped = false;
  let second: net.Socket | undefined;
  let secure: tls.TLSSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const answered = new Promise<'tls'>((resolve) => {
    timer = setTimeout(() => {
      if (stopped || !session.address) return;
      second = net.connect({ host: session.address, port: session.settings.port }).on('error', ignore);
      secure = startHandshake(second, session.host, session.options.ca);
      handshakeDone(secure).then(
        () => resolve('tls'),
        () => {},
      );
    }, TLS_TRY_AFTER_MS);
  });
  return {
    answered,
    stop() {
      stopped = true;
      clearTimeout(timer);
      secure?.destroy();
      second?.destroy();
    },
  };
}
