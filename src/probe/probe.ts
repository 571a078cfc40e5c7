import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import type { MailSettings } from '../settings.ts';
import { describeCapabilities, parseCapabilities } from './capabilities.ts';
import { checkCertificate, describeTls, tlsVersionWords } from './certificate.ts';
import { Deadline, DeadlineError } from './deadline.ts';
import {
  StageFailure,
  channelFailure,
  codeOf,
  connectFailure,
  connectTimeout,
  dnsFailure,
  fail,
  replyFailure,
  seconds,
  tlsFailure,
} from './failures.ts';
import { secretForms, redactDeep } from './redact.ts';
import { ChannelError, SmtpChannel, type Reply } from './smtp-channel.ts';
import { buildTestMessage, dotStuff } from './test-message.ts';
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
const ignore = () => {};
/** What the transcript shows instead of credentials. */
const HIDDEN = '<secret>';

type StageWork<T> = () => Promise<{ value: T; detail: string }>;

function stageOrder(settings: MailSettings): StageName[] {
  return settings.protocol === 'smtps'
    ? ['dns', 'connect', 'tls', 'greeting', 'ehlo', 'auth', 'message']
    : ['dns', 'connect', 'greeting', 'ehlo', 'tls', 'auth', 'message'];
}

function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** One probe: the state of the session and what the report will say. */
class ProbeRun {
  readonly stages: ProbeStage[] = [];
  readonly transcript: string[] = [];
  failure: ProbeFailure | undefined;
  private current: StageName = 'dns';
  private socket: net.Socket | undefined;
  private channel: SmtpChannel | undefined;
  private tlsSocket: tls.TLSSocket | undefined;
  private certificate: CertificateInfo | undefined;
  private banner: string | undefined;
  private capabilities: ServerCapabilities | undefined;
  private authMechanism: string | undefined;
  private accepted: ProbeReport['accepted'];
  private address: string | undefined;
  private readonly host: string;

  constructor(
    private readonly settings: MailSettings,
    private readonly options: ProbeOptions,
    private readonly deadline: Deadline,
    private readonly onStage: ((stage: ProbeStage) => void) | undefined,
  ) {
    this.host = bareHost(settings.host);
  }

  async execute(): Promise<void> {
    const { settings } = this;
    const addresses = await this.stage('dns', () => this.resolve());
    this.socket = await this.stage('connect', () => this.connect(addresses));
    if (settings.protocol === 'smtps') {
      const secure = await this.stage('tls', () => this.handshake(this.socket!, 'implicit TLS (SMTPS)', true));
      this.channel = new SmtpChannel(secure, this.deadline, this.transcript);
    } else {
      this.channel = new SmtpChannel(this.socket, this.deadline, this.transcript);
    }
    await this.stage('greeting', () => this.greeting());
    const plainCapabilities = await this.stage('ehlo', () => this.ehlo());
    this.capabilities = plainCapabilities;
    if (settings.protocol === 'smtp') {
      if (settings.starttls) {
        this.capabilities = await this.stage('tls', () => this.startTls(plainCapabilities));
      } else {
        this.skip('tls', plainCapabilities.starttls ? 'STARTTLS off (the server offers it): mail and password travel unencrypted' : 'STARTTLS off (the server does not offer it)');
      }
    }
    if (settings.auth) await this.stage('auth', () => this.authenticate(this.capabilities!, plainCapabilities));
    else this.skip('auth', 'authentication off');
    if (this.options.testMessage) await this.stage('message', () => this.sendTestMessage());
    else this.skip('message', 'no test message requested');
    this.channel.send('QUIT');
  }

  /** Records a timeout at the running stage when the hard stop fires. */
  hardStop(timeoutMs: number): void {
    if (this.failure) return;
    const failure = fail(this.current, 'timeout', `the probe ran out of its ${seconds(timeoutMs)} during ${this.current}`, `the server or the network is too slow; try again, or raise the probe timeout`).failure;
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
    const stages = [...this.stages, ...notReached];
    const ok = this.failure === undefined;
    return {
      ok,
      host: this.settings.host,
      port: this.settings.port,
      protocol: this.settings.protocol,
      address: this.address,
      stages,
      totalMs,
      summary: ok ? this.summary(totalMs) : undefined,
      failure: this.failure,
      banner: this.banner,
      capabilities: this.capabilities,
      certificate: this.certificate,
      accepted: this.accepted,
      transcript: this.transcript,
    };
  }

  private summary(totalMs: number): string {
    const parts: string[] = [];
    if (this.tlsSocket) parts.push(`${tlsVersionWords(this.tlsSocket)} ${this.settings.protocol === 'smtps' ? '(SMTPS)' : 'via STARTTLS'}`);
    else parts.push('plain SMTP, no TLS');
    parts.push(this.authMechanism ? `AUTH ${this.authMechanism} accepted` : 'no authentication');
    if (this.accepted) parts.push(this.accepted.queueId ? `test message queued as ${this.accepted.queueId}` : 'test message accepted');
    parts.push(`${Math.round(totalMs)} ms`);
    return parts.join(', ');
  }

  private stageStart = performance.now();

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
      this.record(name, 'failed', start, failure.message);
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

  private async resolve(): Promise<{ value: LookupAddress[]; detail: string }> {
    const family = net.isIP(this.host);
    if (family !== 0) return { value: [{ address: this.host, family }], detail: `${this.host} is an IP address: no lookup` };
    const lookup = this.options.lookup ?? ((hostname: string, options: { all: true }) => dnsPromises.lookup(hostname, options));
    let addresses: LookupAddress[];
    try {
      addresses = await this.deadline.race(lookup(this.host, { all: true }));
    } catch (error) {
      if (error instanceof DeadlineError) {
        throw fail('dns', 'dns-failed', `the name lookup of ${this.host} got no answer in time`, 'the DNS server of this machine does not answer; check the network, or enter the IP address of the mail host', { question: 'host' });
      }
      throw dnsFailure(error as NodeJS.ErrnoException, this.host);
    }
    if (addresses.length === 0) throw dnsFailure(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), this.host);
    return { value: addresses, detail: `${this.host} → ${addresses.map((entry) => entry.address).join(', ')}` };
  }

  private async connect(addresses: LookupAddress[]): Promise<{ value: net.Socket; detail: string }> {
    let lastError: NodeJS.ErrnoException | undefined;
    const start = performance.now();
    for (const [index, entry] of addresses.entries()) {
      const share = this.deadline.remaining() / (addresses.length - index);
      // A socket always keeps a listener for 'error': an unheard one would end the process.
      const socket = net.connect({ host: entry.address, port: this.settings.port, family: entry.family }).on('error', ignore);
      let onError: ((error: Error) => void) | undefined;
      try {
        await this.deadline.race(
          new Promise<void>((resolve, reject) => {
            onError = reject;
            socket.once('connect', resolve).once('error', reject);
          }),
          Date.now() + share,
        );
        socket.off('error', onError!);
        socket.setNoDelay(true);
        this.address = entry.address;
        return { value: socket, detail: `connected to ${net.isIPv6(entry.address) ? `[${entry.address}]` : entry.address}:${this.settings.port}` };
      } catch (error) {
        socket.destroy();
        if (error instanceof DeadlineError) {
          if (this.deadline.remaining() === 0) throw connectTimeout(this.settings, performance.now() - start);
          lastError = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
        } else {
          lastError = error as NodeJS.ErrnoException;
        }
      }
    }
    if (lastError?.code === 'ETIMEDOUT') throw connectTimeout(this.settings, performance.now() - start);
    throw connectFailure(lastError ?? new Error('no address to connect to'), this.settings);
  }

  /** TLS over `socket`; verifies the certificate before anything secret is sent. */
  private async handshake(socket: net.Socket, via: string, implicit: boolean): Promise<{ value: tls.TLSSocket; detail: string }> {
    const secure = this.startHandshake(socket);
    try {
      await this.deadline.race(this.handshakeDone(secure));
    } catch (error) {
      secure.destroy();
      if (error instanceof DeadlineError) {
        throw fail('tls', 'timeout', `the TLS handshake got no answer in time`, implicit
          ? `port ${this.settings.port} accepts connections but does not answer TLS; if it speaks plain SMTP, choose SMTP with STARTTLS`
          : 'the server stopped answering after STARTTLS; check its TLS configuration', { question: implicit ? 'protocol' : 'starttls' });
      }
      throw tlsFailure(error as NodeJS.ErrnoException, this.settings, implicit);
    }
    const { info, problem } = checkCertificate(secure, this.options.acceptCertificateSha256);
    this.certificate = info;
    if (problem) throw this.certificateFailure(secure, info, problem);
    return { value: secure, detail: describeTls(secure, info, via) };
  }

  private startHandshake(socket: net.Socket): tls.TLSSocket {
    const secure = tls.connect({
      socket,
      host: this.host,
      servername: net.isIP(this.host) === 0 ? this.host : undefined,
      rejectUnauthorized: false,
      ca: this.options.ca ? [...tls.rootCertificates, this.options.ca] : undefined,
    }).on('error', ignore);
    this.tlsSocket = secure;
    return secure;
  }

  private handshakeDone(secure: tls.TLSSocket): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(Object.assign(new Error('socket disconnected before the TLS handshake ended'), { code: 'ECONNRESET' }));
      secure.once('error', reject).once('close', onClose);
      secure.once('secureConnect', () => {
        secure.off('error', reject).off('close', onClose);
        resolve();
      });
    });
  }

  private certificateFailure(secure: tls.TLSSocket, info: CertificateInfo, problem: 'untrusted' | 'expired' | 'name-mismatch'): StageFailure {
    const accept = `accept this certificate explicitly by its SHA-256 fingerprint ${info.sha256}`;
    const extra = { certificateSha256: info.sha256 };
    if (problem === 'name-mismatch') {
      const names = secure.getPeerCertificate().subjectaltname ?? info.subject;
      return fail('tls', 'certificate-name-mismatch', `the server's certificate is for ${names}, not for ${this.host}`, `enter the host name the certificate names, or ${accept}`, { ...extra, question: 'host' });
    }
    if (problem === 'expired') {
      return fail('tls', 'certificate-expired', `the server's certificate is ${info.verification} (valid ${info.validFrom} to ${info.validTo})`, `the mail administrator must renew it; meanwhile you can ${accept}`, extra);
    }
    return fail('tls', 'certificate-untrusted', `the server's certificate is not trusted: ${info.verification} (${info.subject}, issued by ${info.issuer})`, `trust the CA that signed it with --ca-file (its PEM file), or ${accept}`, extra);
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
    if (reply.code >= 400) {
      throw replyFailure('greeting', 'banner-refused', reply, 'the server refuses this connection', `the server does not accept mail sessions from this machine; ask the mail administrator to allow this machine's address, or use the port meant for mail clients (587)`, { question: 'port' });
    }
    throw replyFailure('greeting', 'not-smtp', reply, 'the server greeted with an unexpected reply', 'check the host and port: mail servers greet with 220', { question: 'port' });
  }

  /** No greeting on a plain connection: an implicit-TLS port answers a TLS handshake; a dead one does not. */
  private async silentGreeting(start: number): Promise<StageFailure> {
    const waitedMs = performance.now() - start;
    const secure = this.startHandshake(this.channel!.detach());
    try {
      await this.deadline.race(this.handshakeDone(secure));
    } catch (error) {
      const waited = seconds(performance.now() - start);
      if (error instanceof DeadlineError) {
        return fail('greeting', 'timeout', `connected, but no greeting in ${waited}`, `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${this.settings.port}; try again, or try port 587 or 465`, { question: 'port' });
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

  private clientName(): string {
    if (this.options.clientName) return this.options.clientName;
    const local = this.socket?.localAddress ?? '127.0.0.1';
    const address = local.replace(/^::ffff:/, '');
    return net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
  }

  private async sayHello(stage: StageName): Promise<ServerCapabilities> {
    const channel = this.channel!;
    const ehlo = await channel.command(`EHLO ${this.clientName()}`);
    if (ehlo.code === 250) return parseCapabilities(ehlo.lines);
    if (ehlo.code >= 500 && ehlo.code !== 554) {
      const helo = await channel.command(`HELO ${this.clientName()}`);
      if (helo.code === 250) return parseCapabilities([helo.lines[0] ?? '']);
    }
    throw replyFailure(stage, 'ehlo-refused', ehlo, 'the server refuses our EHLO', 'the server does not accept mail sessions from this machine; check the server log, or ask the mail administrator', { question: 'host' });
  }

  private async ehlo(): Promise<{ value: ServerCapabilities; detail: string }> {
    const capabilities = await this.sayHello('ehlo');
    return { value: capabilities, detail: describeCapabilities(capabilities) };
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
    if (reply.code !== 220) {
      throw replyFailure('tls', 'starttls-refused', reply, 'the server refused STARTTLS', 'the server offers STARTTLS but refuses it; check its TLS configuration, or turn STARTTLS off', { question: 'starttls' });
    }
    const { value: secure, detail } = await this.handshake(channel.detach(), 'via STARTTLS', false);
    channel.attach(secure);
    const capabilities = await this.sayHello('tls');
    return { value: capabilities, detail: `${detail}; after TLS: ${describeCapabilities(capabilities)}` };
  }

  private async authenticate(capabilities: ServerCapabilities, plain: ServerCapabilities): Promise<{ value: string; detail: string }> {
    const { settings } = this;
    if (capabilities.auth.length === 0) throw this.noAuth(plain);
    const mechanism = ['PLAIN', 'LOGIN'].find((name) => capabilities.auth.includes(name));
    if (!mechanism) {
      throw fail('auth', 'auth-unsupported', `the server offers only AUTH ${capabilities.auth.join(' ')}`, 'Teaming signs in with PLAIN or LOGIN; ask the mail administrator to enable one of them on this port');
    }
    const channel = this.channel!;
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    let reply: Reply;
    if (mechanism === 'PLAIN') {
      const token = b64(`\u0000${settings.username}\u0000${settings.password}`);
      reply = await channel.command(`AUTH PLAIN ${token}`, `AUTH PLAIN ${HIDDEN}`);
      if (reply.code === 334) reply = await channel.command(token, HIDDEN);
    } else {
      reply = await channel.command('AUTH LOGIN');
      if (reply.code === 334) reply = await channel.command(b64(settings.username), b64(settings.username));
      if (reply.code === 334) reply = await channel.command(b64(settings.password), HIDDEN);
    }
    if (reply.code === 235) {
      this.authMechanism = mechanism;
      return { value: mechanism, detail: `AUTH ${mechanism} accepted for ${settings.username} (${reply.raw})` };
    }
    throw this.authRefused(reply);
  }

  private noAuth(plain: ServerCapabilities): StageFailure {
    const { settings } = this;
    if (settings.protocol === 'smtp' && !settings.starttls && plain.starttls) {
      return fail('auth', 'auth-needs-tls', 'the server offers authentication only after STARTTLS', 'turn STARTTLS on', { suggestion: { starttls: true }, question: 'starttls' });
    }
    if (settings.protocol === 'smtp' && settings.starttls && plain.auth.length > 0) {
      return fail('auth', 'auth-before-tls-only', 'the server offers authentication only before STARTTLS, where the password would travel unencrypted', 'ask the mail administrator to allow AUTH over TLS, or choose SMTPS on port 465 if the server offers it');
    }
    return fail('auth', 'auth-missing', `the server offers no authentication on port ${settings.port}`, 'turn authentication off if this server accepts mail from this machine without it, or use the submission port 587 (SMTP with STARTTLS) or 465 (SMTPS)', {
      suggestion: { auth: false },
      question: 'auth',
    });
  }

  private authRefused(reply: Reply): StageFailure {
    const { settings } = this;
    if (reply.code === 538 || reply.enhanced === '5.7.11') {
      const advice = settings.protocol === 'smtp' ? 'turn STARTTLS on' : 'the server wants TLS before authentication, yet this is SMTPS: ask the mail administrator';
      return replyFailure('auth', 'auth-needs-tls', reply, 'the server requires encryption before authentication', advice, {
        suggestion: settings.protocol === 'smtp' ? { starttls: true } : undefined,
        question: 'starttls',
      });
    }
    if (reply.code >= 400 && reply.code < 500) {
      return replyFailure('auth', 'auth-temporary', reply, 'the server could not check the credentials just now', 'try again in a few minutes; if it persists, ask the mail administrator');
    }
    const other = settings.username.includes('@')
      ? 'some servers need the user name without the domain instead of the full e-mail address, or the other way round'
      : 'some servers need the full e-mail address instead of the user name, or the other way round';
    return replyFailure('auth', 'auth-refused', reply, `authentication refused for ${settings.username}`, `authentication refused (${codeOf(reply)}): check the password; ${other}`, { question: 'password' });
  }

  private async sendTestMessage(): Promise<{ value: void; detail: string }> {
    const { settings } = this;
    const test = this.options.testMessage!;
    const from = test.from ?? (settings.username.includes('@') ? settings.username : undefined);
    if (!from) {
      throw fail('message', 'sender-refused', 'no sender address for the test message: the user name is not an e-mail address', 'give a sender address for the test message', { question: 'username' });
    }
    for (const [role, address] of [['sender', from], ['recipient', test.to]] as const) {
      if (!/^[^\s<>]+@[^\s<>@]+$/.test(address)) {
        throw fail('message', role === 'sender' ? 'sender-refused' : 'recipient-refused', `the ${role} address "${address}" is not an e-mail address`, `enter an address such as admin@example.com`, role === 'sender' ? { question: 'username' } : {});
      }
    }
    const message = await buildTestMessage({ from, to: test.to, timeZone: test.timeZone, settings });
    const channel = this.channel!;
    const mail = await channel.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) {
      throw replyFailure('message', 'sender-refused', mail, `the server refused the sender ${from}`, 'the server may only let this account send as its own address: use the full e-mail address as the user name, or a sender address the account owns', { question: 'username' });
    }
    const rcpt = await channel.command(`RCPT TO:<${test.to}>`);
    if (rcpt.code !== 250 && rcpt.code !== 251) {
      throw replyFailure('message', 'recipient-refused', rcpt, `the server refused the recipient ${test.to}`, settings.auth
        ? 'check the test recipient address; the server may not relay to it for this account'
        : 'the server does not relay for this machine without authentication: turn authentication on', settings.auth ? {} : { suggestion: { auth: true }, question: 'auth' });
    }
    const data = await channel.command('DATA');
    if (data.code !== 354) throw replyFailure('message', 'message-refused', data, 'the server refused DATA', 'check the server log, or ask the mail administrator');
    channel.socket.write(dotStuff(message));
    channel.note(`C: <message, ${message.length} bytes>`);
    const done = await channel.readReply();
    if (done.code !== 250) throw replyFailure('message', 'message-refused', done, 'the server refused the test message', 'check the server log (size limits, content filters), or ask the mail administrator');
    const queueId = /queued as\s+<?([\w.@-]+)>?/i.exec(done.raw)?.[1] ?? /\bid[=:\s]+<?([\w.@-]+)>?/i.exec(done.raw)?.[1];
    this.accepted = { reply: done.raw, queueId };
    return { value: undefined, detail: `accepted for ${test.to}: ${done.raw}` };
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
  const look = await probeSmtp(plain, { ...options, testMessage: undefined, timeoutMs: deadline.remaining() });
  if (!look.capabilities || !report.failure) return report;
  const failure = look.capabilities.starttls
    ? { ...report.failure, advice: `the server offers STARTTLS on ${settings.port}: choose SMTP`, suggestion: { protocol: 'smtp' as const, starttls: true } }
    : {
        ...report.failure,
        advice: `port ${settings.port} speaks plain SMTP without STARTTLS: choose SMTP (unencrypted), or SMTPS on 465 if the server offers it`,
        suggestion: { protocol: 'smtp' as const, starttls: false },
      };
  return { ...report, failure, banner: look.banner, transcript: [...report.transcript, '(plain look at the port)', ...look.transcript] };
}
