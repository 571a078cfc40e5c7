/**
 * What went wrong, in words, with the fix: lookup, connect, TLS and bounded-socket failures, and
 * the shape of every failure. Not nodemailer's: its errors carry a code (ESOCKET, ETLS, EPROTOCOL…)
 * and OpenSSL's text, not what the administrator should change.
 */
import type { MailSettings } from '../settings/settings.ts';
import { ChannelError, looksLikeText, printable } from './bounded-socket.ts';
import type { Reply } from './bounded-socket.ts';
import type { FailureKind, ProbeFailure, StageName } from './types.ts';

/** Carries a classified failure out of a stage. */
export class StageFailure extends Error {
  constructor(readonly failure: ProbeFailure) {
    super(failure.message);
    this.name = 'StageFailure';
  }
}

export function fail(stage: StageName, kind: FailureKind, message: string, advice: string, extra: Partial<ProbeFailure> = {}): StageFailure {
  return new StageFailure({ stage, kind, message, advice, ...extra });
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

const STAGE_WORDS: Record<StageName, string> = {
  dns: 'the name lookup',
  connect: 'connecting',
  greeting: 'the greeting',
  ehlo: 'EHLO',
  tls: 'the TLS handshake',
  auth: 'authentication',
  envelope: 'the envelope test',
  message: 'the test message',
};

const HANGS_UP_AT_GREETING =
  'the server hangs up on this machine: it may limit connections or block this address; check the server log, or try port 587 or 465';
const HUNG_UP = 'the server hung up; check its log for the reason (connection limits, blocked address, TLS or protocol errors)';

/** A read that ended without a usable reply: timeout, trickle, close, reset, garbage, flood. */
export function channelFailure(stage: StageName, error: ChannelError, settings: MailSettings, waitedMs: number): StageFailure {
  const during = STAGE_WORDS[stage];
  const serverReply = error.received === '' ? undefined : error.received;
  switch (error.reason) {
    case 'timeout':
      if (error.bytes > 0) {
        return fail(
          stage,
          'too-slow',
          `the server answered too slowly during ${during}: ${error.bytes} bytes in ${seconds(waitedMs)}, no complete line`,
          'the server or the network path is overloaded or throttling this machine; try again later, or ask the mail administrator',
          { serverReply },
        );
      }
      return fail(
        stage,
        'timeout',
        `no answer during ${during} in ${seconds(waitedMs)}`,
        `the server accepted the connection but went silent; it may be overloaded, or a proxy or firewall holds port ${settings.port}; try again, or try port 587 or 465`,
        { question: 'port' },
      );
    case 'closed':
    case 'reset':
      return fail(
        stage,
        'closed-early',
        `the server ${error.reason === 'reset' ? 'reset' : 'closed'} the connection during ${during}`,
        stage === 'greeting' ? HANGS_UP_AT_GREETING : HUNG_UP,
        { serverReply, question: stage === 'greeting' ? 'port' : undefined },
      );
    case 'not-smtp':
    case 'line-too-long':
      return fail(
        stage,
        'not-smtp',
        `what answers on ${settings.host}:${settings.port} is not an SMTP server: it sent ${error.reason === 'line-too-long' ? error.message : `"${error.received}"`}`,
        `check the host and port: mail servers listen on 25, 587 (submission) or 465 (SMTPS)`,
        { serverReply, question: 'port' },
      );
    case 'too-many-lines':
    case 'flood':
      return fail(
        stage,
        'reply-too-long',
        `the server sent ${error.message} during ${during}`,
        'this is not how an SMTP server answers; check the host and port, or ask the mail administrator',
        { serverReply, question: 'port' },
      );
  }
}

/** A 4xx/5xx reply where the stage needed a positive one. */
export function replyFailure(
  stage: StageName,
  kind: FailureKind,
  reply: Reply,
  message: string,
  advice: string,
  extra: Partial<ProbeFailure> = {},
): StageFailure {
  return fail(stage, kind, `${message}: ${reply.raw}`, advice, { serverReply: reply.raw, ...extra });
}

export function codeOf(reply: Reply): string {
  return reply.enhanced ? `${reply.code} ${reply.enhanced}` : String(reply.code);
}

/** Errors of name lookup. */
export function dnsFailure(error: NodeJS.ErrnoException, host: string): StageFailure {
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_NONAME' || error.code === 'ENODATA') {
    return fail(
      'dns',
      'dns-not-found',
      `the name ${host} does not resolve (${error.code})`,
      'check the spelling of the mail host name, or enter its IP address',
      { question: 'host' },
    );
  }
  return fail(
    'dns',
    'dns-failed',
    `the name lookup of ${host} failed (${error.code ?? error.message})`,
    'this machine cannot reach its DNS server right now; check the network, or enter the IP address of the mail host',
    { question: 'host' },
  );
}

/** Errors of the TCP connect. */
export function connectFailure(error: NodeJS.ErrnoException, settings: MailSettings): StageFailure {
  const where = `${settings.host}:${settings.port}`;
  if (error.code === 'ECONNREFUSED') {
    return fail(
      'connect',
      'refused',
      `connection refused by ${where}: nothing listens on port ${settings.port}`,
      'check the port (25, 587 or 465) and that the mail server runs on this host',
      { question: 'port' },
    );
  }
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' || error.code === 'EADDRNOTAVAIL') {
    return fail(
      'connect',
      'unreachable',
      `${settings.host} cannot be reached from this machine (${error.code})`,
      'check the host name or address and the network route to it',
      { question: 'host' },
    );
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    // The TCP connection was made (a refused one is ECONNREFUSED) and reset before we saw it open:
    // it belongs to the next stage, as when the reset comes a moment later.
    const next: StageName = settings.protocol === 'smtps' ? 'tls' : 'greeting';
    return fail(next, 'closed-early', `the server reset the connection during ${STAGE_WORDS[next]}`, next === 'greeting' ? HANGS_UP_AT_GREETING : HUNG_UP, {
      question: next === 'greeting' ? 'port' : undefined,
    });
  }
  return fail('connect', 'closed-early', `connecting to ${where} failed (${error.code ?? error.message})`, 'check the host and port', { question: 'port' });
}

export function connectTimeout(settings: MailSettings, waitedMs: number): StageFailure {
  return fail(
    'connect',
    'timeout',
    `no answer from ${settings.host}:${settings.port} in ${seconds(waitedMs)}`,
    `a firewall may drop port ${settings.port}; try 587 or 465`,
    { question: 'port' },
  );
}

const WRONG_VERSION = /wrong version number|packet length too long|unknown protocol|http request|record layer failure|ERR_SSL_WRONG_VERSION_NUMBER/i;
const NO_CIPHER = /no shared cipher|NO_SHARED_CIPHER|no cipher|sslv3 alert handshake failure|SSLV3_ALERT_HANDSHAKE_FAILURE|handshake failure/i;
const NO_VERSION = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|no protocols available|protocol version/i;

/** The OpenSSL text of a handshake error, for a detail line: never the message itself. */
function openSslDetail(error: NodeJS.ErrnoException): string {
  return printable(`${error.code ? `${error.code}: ` : ''}${error.message}`, 300);
}

/**
 * Errors of a TLS handshake (implicit TLS or after STARTTLS), in words; `firstBytes` are what the
 * server sent first, shown when they were plain text instead of TLS.
 */
export function tlsFailure(error: NodeJS.ErrnoException, settings: MailSettings, implicit: boolean, firstBytes: Buffer = Buffer.alloc(0)): StageFailure {
  const text = `${error.code ?? ''} ${error.message}`;
  const detail = openSslDetail(error);
  const sent = firstBytes.length > 0 ? `: "${printable(firstBytes.toString('latin1').trimEnd(), 60)}"` : '';
  if (WRONG_VERSION.test(text) && (implicit || looksLikeText(firstBytes))) {
    if (implicit) {
      return fail(
        'tls',
        'plain-port',
        `port ${settings.port} answered TLS with plain text (wrong version number)${sent}`,
        'this port speaks plain SMTP: choose SMTP with STARTTLS',
        { suggestion: { protocol: 'smtp', starttls: true }, question: 'protocol', detail },
      );
    }
    return fail(
      'tls',
      'starttls-plain',
      `the server agreed to STARTTLS, then sent plain text where TLS was expected${sent}`,
      "the server's STARTTLS is broken (or something between, such as a proxy or virus scanner, answers for it): ask the mail administrator, or choose SMTPS on port 465 if the server offers it",
      { question: 'protocol', detail },
    );
  }
  if (WRONG_VERSION.test(text)) {
    return fail(
      'tls',
      'tls-failed',
      `the server answered the TLS handshake with something that is not TLS${sent}`,
      implicit ? `check that port ${settings.port} is the server's SMTPS port` : "the server's STARTTLS is broken: ask the mail administrator",
      { detail },
    );
  }
  if (/ECONNRESET|socket disconnected|socket hang up|EPIPE/i.test(text)) {
    return fail(
      'tls',
      'closed-early',
      'the server closed the connection during the TLS handshake',
      implicit
        ? `the server may not speak TLS on port ${settings.port}, or refuses this client's TLS versions; check the server log, or try SMTP with STARTTLS on 587`
        : 'the server dropped the STARTTLS upgrade; check its TLS configuration and log',
      { question: implicit ? 'protocol' : 'starttls', detail },
    );
  }
  if (NO_VERSION.test(text)) {
    return fail(
      'tls',
      'tls-version',
      'the server and this client share no TLS version',
      'the server only speaks an outdated TLS version; ask the mail administrator to enable TLS 1.2 or 1.3',
      { detail },
    );
  }
  if (NO_CIPHER.test(text)) {
    return fail(
      'tls',
      'tls-cipher',
      'the server and this client share no cipher',
      'the server offers only ciphers this client (and a current Java) refuses as weak; ask the mail administrator to enable current ones (AES-GCM or ChaCha20)',
      { detail },
    );
  }
  return fail(
    'tls',
    'tls-failed',
    'the TLS handshake failed',
    'check the server TLS configuration, or ask the mail administrator (the detail below is for them)',
    { detail },
  );
}
