/**
 * The staged probe (class ProbeRun): DNS, connect, TLS (SMTPS), greeting, EHLO, STARTTLS, AUTH,
 * envelope, test message, each timed and reported with the server's reply, every failure
 * diagnosed with its fix. Nodemailer's SMTPConnection speaks SMTP (session.ts) over a socket with
 * the probe's bounds (bounded-socket.ts); the probe keeps the parts nodemailer would lose the
 * diagnosis of: the connect over each address (connect.ts), the SMTPS handshake and every
 * certificate check (tls-handshake.ts, certificate.ts), a silent port tried as SMTPS, and the
 * policy of when AUTH may be sent (plaintext-auth.ts).
 */
import net from 'node:net';
import { ipVersion } from '../settings/ip-address.ts';
import type tls from 'node:tls';
import type { MailSettings } from '../settings/settings.ts';
import { BoundedSocket, ChannelError, parseReply, type Reply } from './bounded-socket.ts';
import { describeCapabilities, parseCapabilities } from './capabilities.ts';
import { checkCertificate, describeTls, fingerprintMismatch, tlsVersionWords } from './certificate.ts';
import { connectFirst, resolveHost } from './connect.ts';
import { Deadline, DeadlineError } from './deadline.ts';
import { StageFailure, channelFailure, fail, replyFailure, seconds, tlsFailure } from './failures.ts';
import { redactReport, redactStage, secretForms } from './redact.ts';
import { describeEnvelope, envelopeAddresses, envelopeRefusal, type EnvelopeAddresses } from './envelope.ts';
import { PLAINTEXT_WARNING, authMechanism, plaintextAuthRefusal } from './plaintext-auth.ts';
import { authRefusal, messageRefusal, recipientRefusal, replyClass, senderRefusal, temporaryFailure } from './replies.ts';
import { SmtpSession, type SessionError } from './session.ts';
import { acceptance, buildTestMessage } from './test-message.ts';
import { certificateFailure, handshakeDone, startHandshake } from './tls-handshake.ts';
import {
  DEFAULT_PROBE_TIMEOUT_MS,
  type CertificateInfo,
  type ProbeFailure,
  type ProbeOptions,
  type ProbeReport,
  type ProbeStage,
  type ServerCapabilities,
  type StageName,
} from './types.ts';

/** How long after the deadline the hard stop fires, should a wait somewhere escape its bound. */
const HARD_STOP_SLACK_MS = 250;

type SMTPConnectionClass = typeof import('nodemailer/lib/smtp-connection').default;

/** Nodemailer's SMTP client, loaded once, on the first probe (never for the first question). */
let smtpConnectionModule: Promise<SMTPConnectionClass> | undefined;
function loadSmtpConnection(): Promise<SMTPConnectionClass> {
  smtpConnectionModule ??= import('nodemailer/lib/smtp-connection').then((module) => module.default);
  return smtpConnectionModule;
}

type StageWork<T> = () => Promise<{ value: T; detail: string }>;

function stageOrder(settings: MailSettings): StageName[] {
  return settings.protocol === 'smtps'
    ? ['dns', 'connect', 'tls', 'greeting', 'ehlo', 'auth', 'envelope', 'message']
    : ['dns', 'connect', 'greeting', 'ehlo', 'tls', 'auth', 'envelope', 'message'];
}

/** One probe: the state of the session and what the report will say. */
class ProbeRun {
  readonly stages: ProbeStage[] = [];
  readonly transcript: string[] = [];
  failure: ProbeFailure | undefined;
  private current: StageName = 'dns';
  private stageStart = performance.now();
  private socket: net.Socket | undefined;
  private bounded: BoundedSocket | undefined;
  private session: SmtpSession | undefined;
  /** The TLS socket, SMTPS (ours) or STARTTLS (SMTPConnection's), once its certificate was read. */
  private tlsSocket: tls.TLSSocket | undefined;
  private certificate: CertificateInfo | undefined;
  private banner: string | undefined;
  private capabilities: ServerCapabilities | undefined;
  private authMechanism: string | undefined;
  private accepted: ProbeReport['accepted'];
  private envelope: ProbeReport['envelope'];
  private passwordUnencrypted = false;
  private address: string | undefined;
  /** The host without the brackets of an IPv6 literal. */
  private readonly host: string;

  constructor(
    private readonly settings: MailSettings,
    private readonly options: ProbeOptions,
    private readonly deadline: Deadline,
    private readonly onStage: ((stage: ProbeStage) => void) | undefined,
    private readonly smtpConnection: Promise<SMTPConnectionClass>,
  ) {
    this.host = settings.host.replace(/^\[(.*)\]$/, '$1');
  }

  async execute(): Promise<void> {
    const { settings, options, deadline } = this;
    const addresses = await this.stage('dns', async () => {
      const { addresses, detail } = await resolveHost(this.host, options.lookup, deadline);
      return { value: addresses, detail };
    });
    const socket = await this.stage('connect', async () => {
      const { socket, address, detail } = await connectFirst(addresses, settings, deadline);
      this.address = address;
      return { value: socket, detail };
    });
    this.socket = socket;
    const SMTPConnection = await this.smtpConnection;
    let session: SmtpSession;
    if (settings.protocol === 'smtps') {
      const secure = await this.stage('tls', () => this.handshake(socket));
      session = this.startSession(SMTPConnection, secure, true);
      await this.stage('greeting', () => this.greeting(session));
    } else {
      // A plain connection to an implicit-TLS port stays silent: after half the budget, try TLS.
      session = await this.stage('greeting', async () => {
        await this.firstBytes(socket);
        const started = this.startSession(SMTPConnection, socket, false);
        return this.greeting(started);
      });
    }
    const plainCapabilities = await this.stage('ehlo', async () => {
      const capabilities = parseCapabilities((await this.hello(session)).lines);
      return { value: capabilities, detail: describeCapabilities(capabilities) };
    });
    this.capabilities = plainCapabilities;
    if (settings.protocol === 'smtp') {
      if (settings.starttls) {
        this.capabilities = await this.stage('tls', () => this.startTls(session, plainCapabilities));
      } else {
        this.skip(
          'tls',
          plainCapabilities.starttls
            ? 'STARTTLS off (the server offers it): mail and password travel unencrypted'
            : 'STARTTLS off (the server does not offer it)',
        );
      }
    }
    if (settings.auth) {
      await this.stage('auth', async () => {
        const capabilities = this.capabilities!;
        const refusal = plaintextAuthRefusal(settings, this.tlsSocket !== undefined, options.allowPlaintextAuth === true, capabilities);
        if (refusal) throw refusal;
        const mechanism = authMechanism(settings, capabilities, plainCapabilities);
        if (mechanism instanceof StageFailure) throw mechanism;
        let reply: Reply;
        try {
          reply = await this.wait(session.login(mechanism, settings.username, settings.password));
        } catch (error) {
          const response = (error as SessionError).response;
          if ((error as SessionError).code === 'EAUTH' && response) throw authRefusal(settings, parseReply(response));
          throw error;
        }
        this.authMechanism = mechanism;
        this.passwordUnencrypted = this.tlsSocket === undefined;
        const risk = this.passwordUnencrypted ? ` — allowed for this run, but ${PLAINTEXT_WARNING}` : '';
        return { value: mechanism, detail: `AUTH ${mechanism} accepted for ${settings.username} (${reply.raw})${risk}` };
      });
    } else {
      this.skip('auth', 'authentication off');
    }
    const test = options.testMessage;
    const chosen = envelopeAddresses(settings, test?.to ?? options.testRecipient);
    if (!test) {
      await this.stage('envelope', async () => {
        const envelope = this.useAddresses(chosen);
        const { mail, rcpt } = await this.wait(session.envelopeTest(envelope.from, envelope.to));
        return this.envelopeDone(envelope, mail, rcpt);
      });
      // The envelope test sent nothing: the transaction is dropped.
      session.resetAndQuit();
      this.skip('message', 'no test message requested');
      return;
    }
    let sending: ReturnType<SmtpSession['send']> | undefined;
    const envelope = await this.stage('envelope', async () => {
      const envelope = this.useAddresses(chosen);
      const message = await buildTestMessage({ from: envelope.from, to: envelope.to, timeZone: test.timeZone, settings });
      sending = session.send(envelope.from, envelope.to, message);
      try {
        const { mail, rcpt } = await this.wait(sending.envelope);
        return this.envelopeDone(envelope, mail, rcpt);
      } catch (error) {
        const { command, response } = error as SessionError;
        if (response && (command === 'MAIL FROM' || command === 'RCPT TO')) {
          const reply = parseReply(response);
          throw command === 'MAIL FROM'
            ? senderRefusal(reply, settings, envelope.from)
            : recipientRefusal(reply, settings, envelope.to, envelope.toIsSender === true);
        }
        throw error;
      }
    });
    await this.stage('message', async () => {
      let done: Reply;
      try {
        done = await this.wait(sending!.done);
      } catch (error) {
        const { command, response, code } = error as SessionError;
        if (response && command === 'DATA') throw messageRefusal(parseReply(response), code === 'EMESSAGE');
        throw error;
      }
      this.accepted = acceptance(done.raw);
      return { value: undefined, detail: `accepted for ${envelope.to}: ${this.accepted.reply}` };
    });
    session.quit();
  }

  /** The envelope's addresses, or the failure that stops before MAIL FROM. */
  private useAddresses(addresses: EnvelopeAddresses | StageFailure): EnvelopeAddresses {
    if (addresses instanceof StageFailure) throw addresses;
    this.envelope = { ...addresses };
    return addresses;
  }

  private envelopeDone(addresses: EnvelopeAddresses, mail: Reply, rcpt: Reply | undefined): { value: EnvelopeAddresses; detail: string } {
    const refusal = envelopeRefusal(this.settings, addresses, mail, rcpt);
    if (refusal) throw refusal;
    this.envelope = { ...addresses, mail: mail.raw, rcpt: rcpt!.raw };
    return { value: addresses, detail: describeEnvelope(addresses, mail, rcpt!) };
  }

  /** SMTPConnection over the bounded socket; the dialogue starts at once. */
  private startSession(SMTPConnection: SMTPConnectionClass, socket: net.Socket, secured: boolean): SmtpSession {
    this.bounded = new BoundedSocket(socket);
    const session = new SmtpSession(
      SMTPConnection,
      this.bounded,
      {
        secured,
        starttls: this.settings.protocol === 'smtp' && this.settings.starttls,
        name: this.clientName(),
        host: this.host,
        ca: this.options.ca,
        timeoutMs: this.deadline.remaining() + 60_000,
      },
      this.transcript,
    );
    this.session = session;
    session.start();
    return session;
  }

  /** Waits for a step of the session within the deadline (`until`: sooner). */
  private async wait<T>(work: Promise<T>, until?: number): Promise<T> {
    const value = await this.deadline.race(work, until);
    // A bound broken inside STARTTLS is seen as SMTPConnection reads the reply: it goes no further.
    if (this.bounded?.violation) throw this.bounded.violation;
    return value;
  }

  /** Records a timeout at the running stage when the hard stop fires. */
  hardStop(timeoutMs: number): void {
    if (this.failure) return;
    const failure = fail(
      this.current,
      'timeout',
      `the probe ran out of its ${seconds(timeoutMs)} during ${this.current}`,
      'the server or the network is too slow; try again, or raise the probe timeout',
    ).failure;
    this.failure = failure;
    this.record(this.current, 'failed', this.stageStart, failure.message);
  }

  close(): void {
    const failed = this.failure !== undefined;
    if (this.session) {
      if (failed) this.bounded?.destroy();
      this.session.close();
    }
    const sockets = [this.tlsSocket, this.socket].filter((socket) => socket !== undefined);
    for (const socket of sockets) {
      if (failed) socket.destroy();
      else if (!this.session) socket.end();
    }
    setTimeout(() => sockets.forEach((socket) => socket.destroy()), failed ? 0 : 200).unref();
  }

  report(totalMs: number): ProbeReport {
    const done = new Set(this.stages.map((stage) => stage.name));
    const notReached = stageOrder(this.settings)
      .filter((name) => !done.has(name))
      .map((name): ProbeStage => ({ name, outcome: 'skipped', ms: 0, detail: 'not reached' }));
    const ok = this.failure === undefined;
    return {
      ok,
      host: this.settings.host,
      port: this.settings.port,
      protocol: this.settings.protocol,
      address: this.address,
      stages: [...this.stages, ...notReached],
      totalMs,
      summary: ok ? this.summary(totalMs) : undefined,
      failure: this.failure,
      banner: this.banner,
      capabilities: this.capabilities,
      certificate: this.certificate,
      passwordUnencrypted: this.passwordUnencrypted,
      envelope: this.envelope,
      accepted: this.accepted,
      transcript: this.transcript,
    };
  }

  private summary(totalMs: number): string {
    const parts: string[] = [];
    if (this.tlsSocket) parts.push(`${tlsVersionWords(this.tlsSocket)} ${this.settings.protocol === 'smtps' ? '(SMTPS)' : 'via STARTTLS'}`);
    else parts.push('plain SMTP, no TLS');
    parts.push(
      this.authMechanism
        ? `AUTH ${this.authMechanism} accepted${this.passwordUnencrypted ? ' (the password crossed the network unencrypted)' : ''}`
        : 'no authentication',
    );
    if (this.accepted) parts.push(this.accepted.queueId ? `test message queued as ${this.accepted.queueId}` : 'test message accepted');
    else if (this.envelope) parts.push(`envelope accepted for ${this.envelope.to}`);
    parts.push(`${Math.round(totalMs)} ms`);
    return parts.join(', ');
  }

  private record(name: StageName, outcome: ProbeStage['outcome'], start: number, detail: string): void {
    const stage: ProbeStage = { name, outcome, ms: outcome === 'skipped' ? 0 : Math.round(performance.now() - start), detail };
    this.stages.push(stage);
    try {
      this.onStage?.(redactStage(stage, secretForms(this.settings.username, this.settings.password)));
    } catch {
      // a display callback must not break the probe
    }
  }

  private skip(name: StageName, detail: string): void {
    this.record(name, 'skipped', performance.now(), detail);
  }

  /** Runs one stage: records its outcome and time, and turns whatever went wrong into a classified failure. */
  private async stage<T>(name: StageName, work: StageWork<T>): Promise<T> {
    this.current = name;
    const start = (this.stageStart = performance.now());
    try {
      const { value, detail } = await work();
      if (this.failure) throw new StageFailure(this.failure); // the hard stop came first
      this.record(name, 'ok', start, detail);
      return value;
    } catch (error) {
      if (this.failure) throw new StageFailure(this.failure);
      const failure = this.classify(name, error, performance.now() - start);
      this.failure = failure;
      // A failure that belongs to the next stage (a reset as the connection opened): this one is done.
      if (failure.stage !== name) this.record(name, 'ok', start, `connected; then ${failure.message}`);
      this.record(failure.stage, 'failed', start, failure.message);
      throw new StageFailure(failure);
    }
  }

  private classify(name: StageName, error: unknown, waitedMs: number): ProbeFailure {
    if (error instanceof StageFailure) return error.failure;
    const bounded = this.bounded;
    if (bounded?.violation) return channelFailure(name, bounded.violation, this.settings, waitedMs).failure;
    if (error instanceof ChannelError) return channelFailure(name, error, this.settings, waitedMs).failure;
    if (error instanceof DeadlineError) {
      if (bounded)
        return channelFailure(
          name,
          new ChannelError('timeout', 'no complete reply in time', bounded.received(), bounded.bytesSinceWrite),
          this.settings,
          waitedMs,
        ).failure;
      return fail(
        name,
        'timeout',
        `no answer during ${name} in ${seconds(waitedMs)}`,
        `the server or the network is too slow; a firewall may hold port ${this.settings.port}; try again, or try port 587 or 465`,
        { question: 'port' },
      ).failure;
    }
    const problem = error as SessionError;
    if (bounded && !problem.response && /ECONNECTION|ESOCKET/.test(problem.code ?? '')) {
      // The server closed or reset the connection: the stage where it happened says what it means.
      const reason = bounded.ended ?? (problem.originalCode === 'ECONNRESET' ? 'reset' : 'closed');
      return channelFailure(name, new ChannelError(reason, problem.message, bounded.received(), bounded.bytesSinceWrite), this.settings, waitedMs).failure;
    }
    return fail(name, 'closed-early', `${name} failed: ${problem.message}`, 'check the host and port, and the mail server log').failure;
  }

  /** Implicit TLS over `socket`; the certificate is checked before anything secret is sent. */
  private async handshake(socket: net.Socket): Promise<{ value: tls.TLSSocket; detail: string }> {
    const raw = new BoundedSocket(socket, { tlsFromStart: true });
    const secure = startHandshake(raw, this.host, this.options.ca);
    try {
      await this.deadline.race(handshakeDone(secure));
    } catch (error) {
      secure.destroy();
      if (error instanceof DeadlineError) {
        throw fail(
          'tls',
          'timeout',
          'the TLS handshake got no answer in time',
          `port ${this.settings.port} accepts connections but does not answer TLS; if it speaks plain SMTP, choose SMTP with STARTTLS`,
          { question: 'protocol' },
        );
      }
      throw tlsFailure(error as NodeJS.ErrnoException, this.settings, true, raw.firstTlsBytes());
    }
    this.tlsSocket = secure;
    this.checkCertificateOf(secure);
    return { value: secure, detail: describeTls(secure, this.certificate!, 'implicit TLS (SMTPS)') };
  }

  /** Throws the certificate's problem, if it has one (the fingerprint given, trust, name, dates). */
  private checkCertificateOf(secure: tls.TLSSocket): void {
    const { info, problem } = checkCertificate(secure, this.options.acceptCertificateSha256);
    this.certificate = info;
    if (problem === 'fingerprint-mismatch') throw fingerprintMismatch(info, this.options.acceptCertificateSha256!);
    if (problem) throw certificateFailure(secure, info, problem, this.host);
  }

  /**
   * Waits, on the raw socket, for the server's first bytes: none in half the budget, and the port
   * is tried with a TLS handshake (an SMTPS port stays silent to plain SMTP). What does come is
   * left for SMTPConnection to read.
   */
  private async firstBytes(socket: net.Socket): Promise<void> {
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
      result = await this.deadline.race(outcome, Date.now() + this.deadline.remaining() / 2);
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      throw await this.silentGreeting(socket, start);
    } finally {
      socket.off('readable', onReadable!).off('end', onEnd!).off('error', onError!);
    }
    if (result !== 'data') throw new ChannelError(result, `the server ${result} the connection`, '', 0);
  }

  private async greeting(session: SmtpSession): Promise<{ value: SmtpSession; detail: string }> {
    let reply: Reply;
    try {
      reply = await this.wait(session.greeting.promise);
    } catch (error) {
      const response = (error as SessionError).response;
      if (!response || this.bounded?.violation) throw error;
      reply = parseReply(response);
      this.banner = reply.raw;
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
    this.banner = reply.raw;
    return { value: session, detail: reply.raw };
  }

  /** The reply to EHLO (to HELO, when SMTPConnection fell back to it); a refusal read from the EHLO reply. */
  private async hello(session: SmtpSession): Promise<Reply> {
    try {
      return await this.wait(session.ehlo.promise);
    } catch (error) {
      const response = (error as SessionError).response;
      if (!response || this.bounded?.violation) throw error;
      const reply = session.firstEhloReply ?? parseReply(response);
      if (replyClass(reply) === 'temporary') throw temporaryFailure('ehlo', reply);
      throw replyFailure(
        'ehlo',
        'ehlo-refused',
        reply,
        'the server refuses our EHLO',
        'the server does not accept mail sessions from this machine; check the server log, or ask the mail administrator',
        { question: 'host' },
      );
    }
  }

  /** No greeting on a plain connection: an implicit-TLS port answers a TLS handshake; a dead one does not. */
  private async silentGreeting(socket: net.Socket, start: number): Promise<StageFailure> {
    const waitedMs = performance.now() - start;
    const secure = startHandshake(socket, this.host, this.options.ca);
    try {
      await this.deadline.race(handshakeDone(secure));
    } catch (error) {
      if (error instanceof DeadlineError) {
        return fail(
          'greeting',
          'timeout',
          `connected, but no greeting in ${seconds(performance.now() - start)}`,
          `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${this.settings.port}; try again, or try port 587 or 465`,
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
      `no greeting in ${seconds(waitedMs)}, but port ${this.settings.port} answers a TLS handshake`,
      'this port expects SMTPS (TLS from the first byte): choose SMTPS',
      {
        suggestion: { protocol: 'smtps', starttls: false },
        question: 'protocol',
      },
    );
  }

  /** The EHLO name: what the caller set, else an address literal of our end, e.g. `[192.0.2.7]`. */
  private clientName(): string {
    if (this.options.clientName) return this.options.clientName;
    const address = (this.socket?.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    return ipVersion(address) === 6 ? `[IPv6:${address}]` : `[${address}]`;
  }

  /** STARTTLS, its handshake and the EHLO after it, by SMTPConnection; then the certificate, before AUTH. */
  private async startTls(session: SmtpSession, plain: ServerCapabilities): Promise<{ value: ServerCapabilities; detail: string }> {
    const missing = () =>
      fail(
        'tls',
        'starttls-missing',
        `the server does not offer STARTTLS on port ${this.settings.port}`,
        'turn STARTTLS off (mail and password then travel unencrypted), or choose SMTPS on port 465 if the server offers it',
        {
          suggestion: { starttls: false },
          question: 'starttls',
        },
      );
    if (!plain.starttls) throw missing();
    let reply: Reply;
    try {
      reply = await this.wait(session.upgraded.promise);
    } catch (error) {
      throw this.startTlsFailure(session, error);
    }
    const secure = session.tlsSocket;
    if (!secure || !session.secure) throw missing();
    this.tlsSocket = secure;
    this.checkCertificateOf(secure);
    const capabilities = parseCapabilities(reply.lines);
    // After TLS only AUTH tends to change; the full list is in the report's capabilities.
    const auth = capabilities.auth.length > 0 ? `AUTH ${capabilities.auth.join(' ')}` : 'no AUTH';
    return {
      value: capabilities,
      detail: `${describeTls(secure, checkCertificate(secure, this.options.acceptCertificateSha256).info, 'via STARTTLS')}; then ${auth}`,
    };
  }

  /** What went wrong from STARTTLS to the EHLO after it. */
  private startTlsFailure(session: SmtpSession, error: unknown): unknown {
    if (!(error instanceof Error) || this.bounded?.violation) return error;
    const problem = error as SessionError;
    const starttls = session.starttlsReply;
    if (problem.command === 'STARTTLS' && problem.response) {
      const reply = parseReply(problem.response);
      if (replyClass(reply) === 'temporary') return temporaryFailure('tls', reply);
      return replyFailure(
        'tls',
        'starttls-refused',
        reply,
        'the server refused STARTTLS',
        'the server offers STARTTLS but refuses it; check its TLS configuration, or turn STARTTLS off',
        { question: 'starttls' },
      );
    }
    if (starttls && problem.command === 'EHLO' && problem.response) {
      const reply = parseReply(problem.response);
      if (replyClass(reply) === 'temporary') return temporaryFailure('tls', reply);
      return replyFailure(
        'tls',
        'ehlo-refused',
        reply,
        'the server refuses our EHLO',
        'the server does not accept mail sessions from this machine; check the server log, or ask the mail administrator',
        { question: 'host' },
      );
    }
    if (starttls && !session.secure && !(error instanceof DeadlineError)) {
      // The handshake failed: in words, with the bytes the server sent where TLS was expected.
      const tlsError: NodeJS.ErrnoException = /closed unexpectedly/i.test(problem.message)
        ? Object.assign(new Error('socket disconnected before the TLS handshake ended'), { code: 'ECONNRESET' })
        : Object.assign(new Error(problem.message.replace(/^Error initiating TLS - /, '')), { code: problem.originalCode ?? problem.code });
      return tlsFailure(tlsError, this.settings, false, this.bounded?.firstTlsBytes());
    }
    return error;
  }
}

/**
 * Probes the mail server of `settings` stage by stage (DNS, connect, greeting, EHLO, TLS, AUTH,
 * optional test message) within `options.timeoutMs`, and explains any failure with its fix.
 * Never throws for a server problem; the password never appears in the report.
 */
export async function probeSmtp(settings: MailSettings, options: ProbeOptions = {}, onStage?: (stage: ProbeStage) => void): Promise<ProbeReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const started = performance.now();
  const deadline = new Deadline(timeoutMs);
  const run = new ProbeRun(settings, options, deadline, onStage, loadSmtpConnection());
  let hardStop: NodeJS.Timeout | undefined;
  const stopped = new Promise<void>((resolve) => {
    hardStop = setTimeout(() => {
      run.hardStop(timeoutMs);
      resolve();
    }, timeoutMs + HARD_STOP_SLACK_MS);
  });
  const work = run.execute().catch((error: unknown) => {
    if (!(error instanceof StageFailure)) throw error;
  });
  try {
    await Promise.race([work, stopped]);
  } finally {
    clearTimeout(hardStop);
    run.close();
  }
  let report = run.report(Math.round(performance.now() - started));
  if (report.failure?.kind === 'plain-port' && deadline.remaining() > 0) {
    report = await refinePlainPort(report, settings, options, deadline);
    report.totalMs = Math.round(performance.now() - started);
  }
  return redactReport(report, secretForms(settings.username, settings.password));
}

/** SMTPS met a plain port: a quick plain look (no AUTH) tells whether STARTTLS is there to choose. */
async function refinePlainPort(report: ProbeReport, settings: MailSettings, options: ProbeOptions, deadline: Deadline): Promise<ProbeReport> {
  const plain: MailSettings = { ...settings, protocol: 'smtp', starttls: false, auth: false, username: '', password: '' };
  const look = await probeSmtp(plain, { ...options, testMessage: undefined, testRecipient: undefined, timeoutMs: deadline.remaining() });
  if (!look.capabilities || !report.failure) return report;
  const failure: ProbeFailure = look.capabilities.starttls
    ? { ...report.failure, advice: `the server offers STARTTLS on ${settings.port}: choose SMTP`, suggestion: { protocol: 'smtp', starttls: true } }
    : {
        ...report.failure,
        advice: `port ${settings.port} speaks plain SMTP without STARTTLS: choose SMTP (unencrypted), or SMTPS on 465 if the server offers it`,
        suggestion: { protocol: 'smtp', starttls: false },
      };
  return { ...report, failure, banner: look.banner, transcript: [...report.transcript, '(plain look at the port)', ...look.transcript] };
}
