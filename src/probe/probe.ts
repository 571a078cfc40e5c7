import net from 'node:net';
import type tls from 'node:tls';
import type { MailSettings } from '../settings.ts';
import { authenticate } from './auth.ts';
import { describeCapabilities, parseCapabilities } from './capabilities.ts';
import { checkCertificate, describeTls, fingerprintMismatch, tlsVersionWords } from './certificate.ts';
import { connectFirst, resolveHost } from './connect.ts';
import { Deadline, DeadlineError } from './deadline.ts';
import { StageFailure, channelFailure, fail, replyFailure, seconds, tlsFailure } from './failures.ts';
import { redactDeep, secretForms } from './redact.ts';
import { ChannelError, SmtpChannel, type Reply } from './smtp-channel.ts';
import { describeEnvelope, envelopeAddresses, testEnvelope } from './envelope.ts';
import { recordingFirstBytes } from './first-bytes.ts';
import { PLAINTEXT_WARNING, plaintextAuthRefusal } from './plaintext-auth.ts';
import { replyClass, temporaryFailure } from './replies.ts';
import { sendTestMessage } from './test-message.ts';
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
  private channel: SmtpChannel | undefined;
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
    if (settings.protocol === 'smtps') {
      const secure = await this.stage('tls', () => this.handshake(socket, 'implicit TLS (SMTPS)', true));
      this.channel = new SmtpChannel(secure, deadline, this.transcript);
    } else {
      this.channel = new SmtpChannel(socket, deadline, this.transcript);
    }
    await this.stage('greeting', () => this.greeting());
    const plainCapabilities = await this.stage('ehlo', async () => {
      const capabilities = await this.sayHello('ehlo');
      return { value: capabilities, detail: describeCapabilities(capabilities) };
    });
    this.capabilities = plainCapabilities;
    if (settings.protocol === 'smtp') {
      if (settings.starttls) {
        this.capabilities = await this.stage('tls', () => this.startTls(plainCapabilities));
      } else {
        this.skip('tls', plainCapabilities.starttls ? 'STARTTLS off (the server offers it): mail and password travel unencrypted' : 'STARTTLS off (the server does not offer it)');
      }
    }
    const channel = this.channel;
    if (settings.auth) {
      await this.stage('auth', async () => {
        const refusal = plaintextAuthRefusal(settings, this.tlsSocket !== undefined, options.allowPlaintextAuth === true, this.capabilities!);
        if (refusal) throw refusal;
        const { mechanism, reply } = await authenticate(channel, settings, this.capabilities!, plainCapabilities);
        this.authMechanism = mechanism;
        this.passwordUnencrypted = this.tlsSocket === undefined;
        const risk = this.passwordUnencrypted ? ` — allowed for this run, but ${PLAINTEXT_WARNING}` : '';
        return { value: mechanism, detail: `AUTH ${mechanism} accepted for ${settings.username} (${reply.raw})${risk}` };
      });
    } else {
      this.skip('auth', 'authentication off');
    }
    const test = options.testMessage;
    const envelope = await this.stage('envelope', async () => {
      const addresses = envelopeAddresses(settings, test?.to ?? options.testRecipient);
      if (addresses instanceof StageFailure) throw addresses;
      this.envelope = { ...addresses };
      const { mail, rcpt } = await testEnvelope(channel, settings, addresses);
      this.envelope = { ...addresses, mail: mail.raw, rcpt: rcpt.raw };
      return { value: addresses, detail: describeEnvelope(addresses, mail, rcpt) };
    });
    if (test) {
      await this.stage('message', async () => {
        this.accepted = await sendTestMessage(channel, settings, envelope, test);
        return { value: undefined, detail: `accepted for ${envelope.to}: ${this.accepted.reply}` };
      });
    } else {
      // The envelope test sent nothing: the transaction is dropped.
      channel.send('RSET');
      this.skip('message', 'no test message requested');
    }
    channel.send('QUIT');
  }

  /** Records a timeout at the running stage when the hard stop fires. */
  hardStop(timeoutMs: number): void {
    if (this.failure) return;
    const failure = fail(this.current, 'timeout', `the probe ran out of its ${seconds(timeoutMs)} during ${this.current}`, 'the server or the network is too slow; try again, or raise the probe timeout').failure;
    this.failure = failure;
    this.record(this.current, 'failed', this.stageStart, failure.message);
  }

  close(): void {
    const sockets = [this.tlsSocket, this.socket].filter((socket) => socket !== undefined);
    for (const socket of sockets) {
      if (this.failure) socket.destroy();
      else socket.end();
    }
    if (!this.failure) setTimeout(() => sockets.forEach((socket) => socket.destroy()), 200).unref();
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
    parts.push(this.authMechanism ? `AUTH ${this.authMechanism} accepted${this.passwordUnencrypted ? ' (the password crossed the network unencrypted)' : ''}` : 'no authentication');
    if (this.accepted) parts.push(this.accepted.queueId ? `test message queued as ${this.accepted.queueId}` : 'test message accepted');
    else if (this.envelope) parts.push(`envelope accepted for ${this.envelope.to}`);
    parts.push(`${Math.round(totalMs)} ms`);
    return parts.join(', ');
  }

  private record(name: StageName, outcome: ProbeStage['outcome'], start: number, detail: string): void {
    const stage: ProbeStage = { name, outcome, ms: outcome === 'skipped' ? 0 : Math.round(performance.now() - start), detail };
    this.stages.push(stage);
    try {
      this.onStage?.(redactDeep(stage, secretForms(this.settings.username, this.settings.password)));
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
    if (error instanceof ChannelError) return channelFailure(name, error, this.settings, waitedMs).failure;
    if (error instanceof DeadlineError) {
      return fail(name, 'timeout', `no answer during ${name} in ${seconds(waitedMs)}`, `the server or the network is too slow; a firewall may hold port ${this.settings.port}; try again, or try port 587 or 465`, { question: 'port' }).failure;
    }
    const problem = error as NodeJS.ErrnoException;
    return fail(name, 'closed-early', `${name} failed: ${problem.message}`, 'check the host and port, and the mail server log').failure;
  }

  /** TLS over `socket`; the certificate is checked before anything secret is sent. */
  private async handshake(socket: net.Socket, via: string, implicit: boolean): Promise<{ value: tls.TLSSocket; detail: string }> {
    const { stream, firstBytes } = recordingFirstBytes(socket);
    const secure = (this.tlsSocket = startHandshake(stream, this.host, this.options.ca));
    try {
      await this.deadline.race(handshakeDone(secure));
    } catch (error) {
      secure.destroy();
      if (error instanceof DeadlineError) {
        throw fail('tls', 'timeout', 'the TLS handshake got no answer in time', implicit
          ? `port ${this.settings.port} accepts connections but does not answer TLS; if it speaks plain SMTP, choose SMTP with STARTTLS`
          : 'the server stopped answering after STARTTLS; check its TLS configuration', { question: implicit ? 'protocol' : 'starttls' });
      }
      throw tlsFailure(error as NodeJS.ErrnoException, this.settings, implicit, firstBytes());
    }
    const { info, problem } = checkCertificate(secure, this.options.acceptCertificateSha256);
    this.certificate = info;
    if (problem === 'fingerprint-mismatch') throw fingerprintMismatch(info, this.options.acceptCertificateSha256!);
    if (problem) throw certificateFailure(secure, info, problem, this.host);
    return { value: secure, detail: describeTls(secure, info, via) };
  }

  private async greeting(): Promise<{ value: Reply; detail: string }> {
    const channel = this.channel!;
    const start = performance.now();
    // A plain connection to an implicit-TLS port stays silent: after half the budget, try TLS.
    const plain = this.settings.protocol === 'smtp';
    const until = plain ? Date.now() + this.deadline.remaining() / 2 : this.deadline.at;
    let reply: Reply;
    try {
      reply = await channel.readReply(until);
    } catch (error) {
      if (!(plain && error instanceof ChannelError && error.reason === 'timeout')) throw error;
      if (error.bytes === 0) throw await this.silentGreeting(start);
      // Something is coming, only slowly: it gets the rest of the budget.
      reply = await channel.readReply();
    }
    this.banner = reply.raw;
    if (reply.code === 220) return { value: reply, detail: reply.raw };
    if (replyClass(reply) === 'temporary') throw temporaryFailure('greeting', reply);
    if (reply.code >= 400) {
      throw replyFailure('greeting', 'banner-refused', reply, 'the server refuses this connection', "the server does not accept mail sessions from this machine; ask the mail administrator to allow this machine's address, or use the port meant for mail clients (587)", { question: 'port' });
    }
    throw replyFailure('greeting', 'not-smtp', reply, 'the server greeted with an unexpected reply', 'check the host and port: mail servers greet with 220', { question: 'port' });
  }

  /** No greeting on a plain connection: an implicit-TLS port answers a TLS handshake; a dead one does not. */
  private async silentGreeting(start: number): Promise<StageFailure> {
    const waitedMs = performance.now() - start;
    const secure = (this.tlsSocket = startHandshake(this.channel!.detach(), this.host, this.options.ca));
    try {
      await this.deadline.race(handshakeDone(secure));
    } catch (error) {
      if (error instanceof DeadlineError) {
        return fail('greeting', 'timeout', `connected, but no greeting in ${seconds(performance.now() - start)}`, `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${this.settings.port}; try again, or try port 587 or 465`, { question: 'port' });
      }
      return fail('greeting', 'too-slow', `no greeting in ${seconds(waitedMs)}; the server then rejected TLS too`, 'the server greets too slowly (it may be overloaded or delay clients on purpose); try again, or try port 587', { question: 'port' });
    }
    this.tlsSocket = undefined;
    secure.destroy();
    return fail('greeting', 'expects-tls', `no greeting in ${seconds(waitedMs)}, but port ${this.settings.port} answers a TLS handshake`, 'this port expects SMTPS (TLS from the first byte): choose SMTPS', {
      suggestion: { protocol: 'smtps', starttls: false },
      question: 'protocol',
    });
  }

  /** The EHLO name: what the caller set, else an address literal of our end, e.g. `[192.0.2.7]`. */
  private clientName(): string {
    if (this.options.clientName) return this.options.clientName;
    const address = (this.socket?.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    return net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
  }

  /** EHLO, or HELO for a server that does not know EHLO. */
  private async sayHello(stage: StageName): Promise<ServerCapabilities> {
    const channel = this.channel!;
    const ehlo = await channel.command(`EHLO ${this.clientName()}`);
    if (ehlo.code === 250) return parseCapabilities(ehlo.lines);
    if (replyClass(ehlo) === 'temporary') throw temporaryFailure(stage, ehlo);
    if (ehlo.code >= 500 && ehlo.code !== 554) {
      const helo = await channel.command(`HELO ${this.clientName()}`);
      if (helo.code === 250) return parseCapabilities([helo.lines[0] ?? '']);
    }
    throw replyFailure(stage, 'ehlo-refused', ehlo, 'the server refuses our EHLO', 'the server does not accept mail sessions from this machine; check the server log, or ask the mail administrator', { question: 'host' });
  }

  private async startTls(plain: ServerCapabilities): Promise<{ value: ServerCapabilities; detail: string }> {
    if (!plain.starttls) {
      throw fail('tls', 'starttls-missing', `the server does not offer STARTTLS on port ${this.settings.port}`, 'turn STARTTLS off (mail and password then travel unencrypted), or choose SMTPS on port 465 if the server offers it', {
        suggestion: { starttls: false },
        question: 'starttls',
      });
    }
    const channel = this.channel!;
    const reply = await channel.command('STARTTLS');
    if (replyClass(reply) === 'temporary') throw temporaryFailure('tls', reply);
    if (reply.code !== 220) {
      throw replyFailure('tls', 'starttls-refused', reply, 'the server refused STARTTLS', 'the server offers STARTTLS but refuses it; check its TLS configuration, or turn STARTTLS off', { question: 'starttls' });
    }
    // Whatever the server sent after its 220 is dropped with the plain socket (no command injection).
    const { value: secure, detail } = await this.handshake(channel.detach(), 'via STARTTLS', false);
    channel.attach(secure);
    const capabilities = await this.sayHello('tls');
    // After TLS only AUTH tends to change; the full list is in the report's capabilities.
    const auth = capabilities.auth.length > 0 ? `AUTH ${capabilities.auth.join(' ')}` : 'no AUTH';
    return { value: capabilities, detail: `${detail}; then ${auth}` };
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
  const run = new ProbeRun(settings, options, deadline, onStage);
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
  return redactDeep(report, secretForms(settings.username, settings.password));
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
