/**
 * The TLS stage: the SMTPS handshake right after connect, or STARTTLS after the first EHLO, its
 * handshake and the EHLO after it; the certificate is checked before anything more is sent. The
 * handshakes are the probe's own (tls-handshake.ts), over its bounded socket, to tell a plain-text
 * port, a reset, a silent port and each certificate problem apart (see smtp-channel.ts for why
 * not through nodemailer).
 */
import type tls from 'node:tls';
import { BoundedSocket } from '../bounded-socket.ts';
import { checkCertificate, describeTls, fingerprintMismatch } from '../certificate.ts';
import { DeadlineError } from '../deadline.ts';
import { fail, tlsFailure } from '../failures.ts';
import { parseCapabilities } from '../capabilities.ts';
import { replyClass, replyFailure, temporaryFailure } from '../replies.ts';
import { SmtpChannel } from '../smtp-channel.ts';
import { certificateFailure, handshakeDone, startHandshake } from '../tls-handshake.ts';
import type { ServerCapabilities } from '../types.ts';
import { hello } from './ehlo.ts';
import type { ProbeSession, StageResult } from './session.ts';

/** Implicit TLS over the new connection; the channel then reads the greeting inside it. */
export async function smtpsStage(session: ProbeSession): Promise<StageResult<tls.TLSSocket>> {
  const { settings } = session;
  const wire = new BoundedSocket(session.socket!, { tlsFromStart: true });
  session.wire = wire;
  const secure = startHandshake(wire, session.host, session.options.ca);
  try {
    await session.deadline.race(handshakeDone(secure));
  } catch (error) {
    secure.destroy();
    if (error instanceof DeadlineError) {
      throw fail(
        'tls',
        'timeout',
        'the TLS handshake got no answer in time',
        `port ${settings.port} accepts connections but does not answer TLS; if it speaks plain SMTP, choose SMTP with STARTTLS`,
        { question: 'protocol' },
      );
    }
    throw tlsFailure(error as NodeJS.ErrnoException, settings, true, wire.firstTlsBytes());
  }
  session.tlsSocket = secure;
  checkCertificateOf(session, secure);
  session.channel = new SmtpChannel(wire, secure, session.transcript);
  return { value: secure, detail: describeTls(secure, session.certificate!, 'implicit TLS (SMTPS)') };
}

/** What the TLS line says when STARTTLS is off. */
export function starttlsOffDetail(plain: ServerCapabilities): string {
  return plain.starttls ? 'STARTTLS off (the server offers it): mail and password travel unencrypted' : 'STARTTLS off (the server does not offer it)';
}

/** STARTTLS, its handshake, the certificate, and the EHLO after it. */
export async function starttlsStage(session: ProbeSession): Promise<StageResult<ServerCapabilities>> {
  const { settings } = session;
  const plain = session.plainCapabilities!;
  if (!plain.starttls) {
    throw fail(
      'tls',
      'starttls-missing',
      `the server does not offer STARTTLS on port ${settings.port}`,
      'turn STARTTLS off (mail and password then travel unencrypted), or choose SMTPS on port 465 if the server offers it',
      {
        suggestion: { starttls: false },
        question: 'starttls',
      },
    );
  }
  const channel = session.smtp;
  channel.expectTlsAfterReply();
  channel.send('STARTTLS');
  const reply = await session.reply();
  if (reply.code < 200 || reply.code >= 300) {
    if (replyClass(reply) === 'temporary') throw temporaryFailure('tls', reply);
    throw replyFailure(
      'tls',
      'starttls-refused',
      reply,
      'the server refused STARTTLS',
      'the server offers STARTTLS but refuses it; check its TLS configuration, or turn STARTTLS off',
      { question: 'starttls' },
    );
  }
  const wire = session.wire!;
  const secure = startHandshake(wire, session.host, session.options.ca);
  try {
    await session.deadline.race(handshakeDone(secure));
  } catch (error) {
    secure.destroy();
    if (error instanceof DeadlineError) throw error;
    // The handshake failed: in words, with the bytes the server sent where TLS was expected.
    throw tlsFailure(error as NodeJS.ErrnoException, settings, false, wire.firstTlsBytes());
  }
  session.tlsSocket = secure;
  checkCertificateOf(session, secure);
  channel.upgrade(secure);
  const capabilities = parseCapabilities((await hello(session, 'tls', false)).lines);
  session.capabilities = capabilities;
  // After TLS only AUTH tends to change; the full list is in the report's capabilities.
  const auth = capabilities.auth.length > 0 ? `AUTH ${capabilities.auth.join(' ')}` : 'no AUTH';
  return { value: capabilities, detail: `${describeTls(secure, session.certificate!, 'via STARTTLS')}; then ${auth}` };
}

/** Throws the certificate's problem, if it has one (the fingerprint given, trust, name, dates). */
function checkCertificateOf(session: ProbeSession, secure: tls.TLSSocket): void {
  const { acceptCertificateSha256 } = session.options;
  const { info, problem } = checkCertificate(secure, acceptCertificateSha256);
  session.certificate = info;
  if (problem === 'fingerprint-mismatch') throw fingerprintMismatch(info, acceptCertificateSha256!);
  if (problem) throw certificateFailure(secure, info, problem, session.host);
}
