/**
 * The staged probe: runs the stage modules in order (stages/: DNS and connect, TLS for SMTPS,
 * greeting, EHLO, STARTTLS, AUTH, envelope, test message), times each one, reports it with the
 * server's reply, and turns whatever ended it into a classified failure with its fix (classify.ts).
 * The whole probe is bounded by one deadline, and a hard stop should a wait escape it.
 */
import type { MailSettings } from '../settings/settings.ts';
import { classify } from './classify.ts';
import { Deadline } from './deadline.ts';
import { duration, fail, StageFailure } from './failures.ts';
import { redactReport, redactStage, secretForms } from './redact.ts';
import { authStage } from './stages/auth.ts';
import { connectStage, lookupStage } from './stages/connect.ts';
import { ehloStage, startEhloName } from './stages/ehlo.ts';
import { envelopeAddresses, envelopeStage } from './stages/envelope.ts';
import { greetingStage } from './stages/greeting.ts';
import { buildTestMessage, messageOpening, messageStage } from './stages/message.ts';
import { ProbeSession, type StageResult } from './stages/session.ts';
import { smtpsStage, starttlsOffDetail, starttlsStage } from './stages/tls.ts';
import type { Command } from './smtp-channel.ts';
import { buildReport } from './summary.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeFailure, type ProbeOptions, type ProbeReport, type ProbeStage, type StageName } from './types.ts';

/** How long after the deadline the hard stop fires, should a wait somewhere escape its bound. */
const HARD_STOP_SLACK_MS = 250;

/** One probe: its session, the stages run so far and the failure that ended it. */
class ProbeRun {
  readonly stages: ProbeStage[] = [];
  failure: ProbeFailure | undefined;
  private current: StageName = 'dns';
  private stageStart = performance.now();

  constructor(
    readonly session: ProbeSession,
    private readonly onStage: ((stage: ProbeStage) => void) | undefined,
  ) {}

  async execute(): Promise<void> {
    const { session } = this;
    const { settings, options } = session;
    const test = options.testMessage;
    const envelope = envelopeAddresses(settings, test?.to ?? options.testRecipient);
    startEhloName(session);
    const addresses = await this.stage('dns', () => lookupStage(session));
    await this.stage('connect', () => connectStage(session, addresses));
    // The test message is composed while the greeting is on its way: it may go out with the envelope.
    const message =
      test && !(envelope instanceof StageFailure) ? buildTestMessage({ from: envelope.from, to: envelope.to, timeZone: test.timeZone, settings }) : undefined;
    message?.catch(() => {}); // awaited at the envelope, or never when an earlier stage failed
    if (settings.protocol === 'smtps') await this.stage('tls', () => smtpsStage(session));
    await this.stage('greeting', () => greetingStage(session));
    const plain = await this.stage('ehlo', () => ehloStage(session));
    if (settings.protocol === 'smtp') {
      if (settings.starttls) await this.stage('tls', () => starttlsStage(session));
      else this.skip('tls', starttlsOffDetail(plain));
    }
    if (settings.auth) await this.stage('auth', () => authStage(session));
    else this.skip('auth', 'authentication off');
    if (!message) {
      await this.stage('envelope', () => envelopeStage(session, envelope));
      // Nothing was sent: QUIT drops the transaction; its reply is not waited for.
      session.smtp.quit();
      this.skip('message', 'no test message requested');
      return;
    }
    let content: Buffer | undefined;
    let opening: Command[] = [];
    const { thenSent } = await this.stage('envelope', async () => {
      content = await message;
      opening = messageOpening(session, content);
      return envelopeStage(session, envelope, opening);
    });
    await this.stage('message', () => messageStage(session, content!, test!.to, thenSent ? undefined : opening));
    session.smtp.quit();
  }

  /** Records a timeout at the running stage when the hard stop fires. */
  hardStop(timeoutMs: number): void {
    if (this.failure) return;
    const failure = fail(
      this.current,
      'timeout',
      `the probe ran out of its ${duration(timeoutMs)} during ${this.current}`,
      'the server or the network is too slow; try again, or raise the probe timeout',
    ).failure;
    this.failure = failure;
    this.record(this.current, 'failed', this.stageStart, failure.message);
  }

  /** Ends the connection: at once after a failure; after a success QUIT has ended it already. */
  close(): void {
    const { socket, wire, tlsSocket } = this.session;
    const sockets = [tlsSocket, wire, socket].filter((item) => item !== undefined);
    if (this.failure) for (const item of sockets) item.destroy();
    else
      setTimeout(() => {
        for (const item of sockets) item.destroy();
      }, 200).unref();
  }

  private record(name: StageName, outcome: ProbeStage['outcome'], start: number, detail: string): void {
    const stage: ProbeStage = { name, outcome, ms: outcome === 'skipped' ? 0 : Math.round(performance.now() - start), detail };
    this.stages.push(stage);
    try {
      this.onStage?.(redactStage(stage, secretForms(this.session.settings.username, this.session.settings.password)));
    } catch {
      // a display callback must not break the probe
    }
  }

  private skip(name: StageName, detail: string): void {
    this.record(name, 'skipped', performance.now(), detail);
  }

  /** Runs one stage: records its outcome and time, and turns whatever went wrong into a classified failure. */
  private async stage<T>(name: StageName, work: () => Promise<StageResult<T>>): Promise<T> {
    this.current = name;
    const start = performance.now();
    this.stageStart = start;
    try {
      const { value, detail } = await work();
      if (this.failure) throw new StageFailure(this.failure); // the hard stop came first
      this.record(name, 'ok', start, detail);
      return value;
    } catch (error) {
      if (this.failure) throw new StageFailure(this.failure);
      const failure = classify(this.session, name, error, performance.now() - start);
      this.failure = failure;
      // A failure that belongs to the next stage (a reset as the connection opened): this one is done.
      if (failure.stage !== name) this.record(name, 'ok', start, `connected; then ${failure.message}`);
      this.record(failure.stage, 'failed', start, failure.message);
      throw new StageFailure(failure);
    }
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
  const run = new ProbeRun(new ProbeSession(settings, options, deadline), onStage);
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
  let report = buildReport(run.session, run.stages, run.failure, Math.round(performance.now() - started));
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
