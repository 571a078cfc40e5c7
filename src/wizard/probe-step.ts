/**
 * The mail server check, as the wizard's probe step and as the `check` command. The probe itself
 * (src/probe/) loads only here, so the first question never pays for it.
 */
import { EXIT, SettingsFileError } from '../errors.ts';
import type { Output } from '../output.ts';
import type { FailureKind, ProbeOptions, ProbeReport } from '../probe/index.ts';
import { hostAndPort } from '../settings/ip-address.ts';
import { completeSettings, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { fileGaps } from '../settings/javamail-safety.ts';
import type { StoredSettings } from '../settings/managed-settings.ts';
import type { QuestionId } from './questions/index.ts';
import { savedTrustWords, type CertificateTrust } from './saved-trust.ts';
import { trustNeedOf } from './teaming-java.ts';
import { describeSuggestion } from './steps/probe-retry.ts';
import type { ProbeCapability, ProbeRunOptions, ProbeVerdict } from './wizard.ts';

export interface ProbeSetup {
  timeoutMs: number;
  /** The certificate trust of --ca-file (read once) or --accept-certificate, else the one saved beside the file. */
  trust?: CertificateTrust;
  testRecipient?: string;
  /** --allow-plaintext-auth: the password may cross a connection without TLS in this run. */
  allowPlaintextAuth?: boolean;
}

/** Failures that another protocol, port or STARTTLS choice may cure: worth trying the usual ports. */
const TLS_MODE_FAILURES: ReadonlySet<FailureKind> = new Set([
  'expects-tls',
  'plain-port',
  'starttls-missing',
  'starttls-plain',
  'tls-failed',
  'timeout',
  'refused',
  'auth-plaintext',
]);

/**
 * The options of one check. The envelope test's recipient is `testRecipient` (else the sender);
 * `sendMessage` also sends it a real message. The sender is the one Teaming will use (probe/envelope.ts).
 */
function probeOptions(
  setup: ProbeSetup,
  settings: MailSettings,
  run: ProbeRunOptions,
  testRecipient = setup.testRecipient,
  sendMessage = testRecipient !== undefined,
): ProbeOptions {
  const trust = trustOf(setup, run);
  return {
    timeoutMs: setup.timeoutMs,
    ca: trust?.ca,
    acceptCertificateSha256: trust?.acceptCertificateSha256,
    allowPlaintextAuth: run.allowPlaintextAuth,
    testRecipient,
    testMessage: sendMessage && testRecipient ? { to: testRecipient, timeZone: settings.timeZone } : undefined,
  };
}

/** The trust decided in the wizard for this run, else that of the flags or the one saved beside the file. */
function trustOf(setup: ProbeSetup, run: ProbeRunOptions): CertificateTrust | undefined {
  return run.trust ?? setup.trust;
}

/** Run the probe with a live line per stage under `title`; then the summary, or the diagnosis and its fix. */
async function probeWithLiveLines(
  settings: MailSettings,
  options: ProbeOptions,
  out: Output,
  live: boolean,
  title = 'Checking the mail server',
): Promise<ProbeReport> {
  const probe = await import('../probe/index.ts');
  const target = `${settings.protocol.toUpperCase()} ${hostAndPort(settings.host, settings.port)}${settings.protocol === 'smtp' && settings.starttls ? ' with STARTTLS' : ''}`;
  if (live) out.line(out.style.bold(`${title} (${target})…`));
  const report = await probe.probeSmtp(settings, options, (stage) => {
    if (live) out.line(`  ${probe.formatStageLine(stage, { color: out.color })}`);
  });
  if (live) {
    const conclusion = probe.formatProbeReport(report, { color: out.color }).slice(report.stages.length);
    for (const line of conclusion) out.line(line);
  }
  return report;
}

function describeCombination(combination: Pick<MailSettings, 'protocol' | 'port' | 'starttls'>): string {
  if (combination.protocol === 'smtps') return `SMTPS on port ${combination.port}`;
  return `SMTP${combination.starttls ? ' with STARTTLS' : ' without TLS'} on port ${combination.port}`;
}

/**
 * Probe the usual and the relay ports of the host at once; the working combination, if it differs
 * from the answer. A port that refused the connection is not tried again (nothing listens there in any mode).
 */
async function detectWorkingSettings(settings: MailSettings, options: ProbeOptions, out: Output, refused: boolean): Promise<Partial<MailSettings> | undefined> {
  const { detectSettings } = await import('../probe/index.ts');
  // The configured port in the other TLS mode too (SMTPS on 2525, STARTTLS on 4650…).
  const otherMode = settings.protocol === 'smtps' ? { protocol: 'smtp' as const, port: settings.port } : { protocol: 'smtps' as const, port: settings.port };
  const usual = [465, 587, 25].filter((port) => !(refused && port === settings.port));
  const relay = [2465, 2587, 2525].filter((port) => !(refused && port === settings.port));
  const parts = [
    `the usual ports of ${settings.host} (${usual.join(', ')})`,
    `the relay services' (${relay.join(', ')})`,
    ...(refused ? [] : [`port ${settings.port} as ${otherMode.protocol === 'smtps' ? 'SMTPS' : 'SMTP with STARTTLS'}`]),
  ];
  out.line(`Trying ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)} at once…`);
  const result = await detectSettings(settings.host, {
    also: refused ? [] : [otherMode],
    timeoutMs: options.timeoutMs,
    ca: options.ca,
    acceptCertificateSha256: options.acceptCertificateSha256,
    username: settings.auth ? settings.username : undefined,
    password: settings.auth ? settings.password : undefined,
  });
  for (const candidate of result.candidates) {
    if (refused && candidate.port === settings.port) continue;
    const verdict = candidate.works ? out.style.green('works') : out.style.red(candidate.report.failure?.message ?? 'fails');
    out.line(`  ${describeCombination(candidate).padEnd(34)} ${verdict}`);
  }
  const recommended = result.recommended;
  if (!recommended) return undefined;
  const same = recommended.protocol === settings.protocol && recommended.port === settings.port && recommended.starttls === settings.starttls;
  return same ? undefined : recommended;
}

/**
 * While the check runs, keys typed on the terminal are dropped, not echoed: an impatient Enter must
 * not answer the next question ("Write …?") unseen. Ctrl+C still cancels.
 */
async function ignoringTypedKeys<T>(work: () => Promise<T>): Promise<T> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return work();
  const onData = (data: Buffer) => {
    if (data.includes(0x03)) process.kill(process.pid, 'SIGINT');
  };
  stdin.setRawMode(true);
  stdin.on('data', onData).resume(); // a prompt before paused it
  try {
    return await work();
  } finally {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
}

function questionFor(key: keyof MailSettings | undefined): QuestionId | undefined {
  return key === undefined || key === 'connectionTimeoutMs' ? undefined : key;
}

export function createProbe(setup: ProbeSetup): ProbeCapability {
  return async (settings, out, run) => {
    const verdict = await ignoringTypedKeys(() => probeAndDiagnose(setup, settings, out, run));
    return { ...verdict, trust: trustNeedOf(verdict.report, trustOf(setup, run)) };
  };
}

/**
 * One check with its live lines; on a failure that another protocol or port may cure, the usual
 * ports too. A suggestion is offered only once the check ran through it to the envelope: the
 * detection's, or the failure's own, tried here.
 */
async function probeAndDiagnose(setup: ProbeSetup, settings: MailSettings, out: Output, run: ProbeRunOptions): Promise<ProbeVerdict> {
  const options = probeOptions(setup, settings, run);
  const report = await probeWithLiveLines(settings, options, out, true);
  const failure = report.failure;
  if (report.ok || !failure) return { ok: report.ok, report };
  const detecting = TLS_MODE_FAILURES.has(failure.kind);
  const detected = detecting ? await detectWorkingSettings(settings, options, out, failure.kind === 'refused') : undefined;
  const suggestion = detected ?? (failure.suggestion && (await triedSuggestion(setup, settings, failure.suggestion, out, run)));
  return {
    ok: false,
    report,
    failure: {
      certificate: failure.kind.startsWith('certificate-') ? report.certificate : undefined,
      kind: failure.kind,
      question: questionFor(failure.question),
      suggestion,
      message: failure.message,
      advice: failure.advice,
    },
  };
}

/** The failure's suggestion, checked through to the envelope: itself when the check passes with it. */
async function triedSuggestion(
  setup: ProbeSetup,
  settings: MailSettings,
  suggestion: Partial<MailSettings>,
  out: Output,
  run: ProbeRunOptions,
): Promise<Partial<MailSettings> | undefined> {
  const changed = { ...settings, ...suggestion };
  const report = await (await import('../probe/index.ts')).probeSmtp(changed, probeOptions(setup, changed, run, setup.testRecipient, false));
  const words = describeSuggestion(suggestion);
  if (report.ok) out.line(`With ${words} the check passes.`);
  else out.line(`With ${words} the check fails as well: ${report.failure?.message ?? 'see above'}.`);
  return report.ok ? suggestion : undefined;
}

/** Send a test message with settings that passed the check (offered at the end of the wizard). */
export async function sendTestMessage(setup: ProbeSetup, settings: MailSettings, recipient: string, out: Output, run: ProbeRunOptions): Promise<boolean> {
  const options = probeOptions(setup, settings, run, recipient);
  const report = await ignoringTypedKeys(() => probeWithLiveLines(settings, options, out, true, `Sending a test message to ${recipient}`));
  if (report.ok) out.success(`Test message sent: look for "Teaming outbound mail test" in the mailbox of ${recipient}.`);
  return report.ok;
}

/** `check`: probe what the file says (its settings as loadStoredOutbound read them); change nothing. 0 when the check passes, 3 when it fails. */
export async function runCheck(
  { file, json }: { file: string; json: boolean },
  setup: ProbeSetup,
  { settings: stored, javaMail }: StoredSettings,
  out: Output,
  reconfigure: string,
): Promise<number> {
  // What Teaming does with the keys this file lacks: the check itself is as strict as a new file.
  for (const line of fileGaps(stored, javaMail, reconfigure)) out.warn(line);
  if (!stored.host) throw new SettingsFileError(file, 'names no mail host: run teaming-mail-setup --reconfigure to set one');
  // What the file leaves out, completed the way Teaming's JavaMail session reads it.
  const settings = completeSettings({ ...stored, host: stored.host, timeZone: stored.timeZone ?? 'UTC' });
  if (!json && setup.trust?.origin === 'saved') out.help(`The certificate trust saved beside the file is used: ${savedTrustWords(setup.trust)}.`);
  const report = await probeWithLiveLines(settings, probeOptions(setup, settings, { allowPlaintextAuth: setup.allowPlaintextAuth === true }), out, !json);
  const passwordUnencrypted = sendsPasswordInClear(settings);
  if (json) out.json({ result: report.ok ? 'passed' : 'failed', file, exitCode: report.ok ? EXIT.ok : EXIT.probeFailed, passwordUnencrypted, probe: report });
  return report.ok ? EXIT.ok : EXIT.probeFailed;
}
