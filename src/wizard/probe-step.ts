/**
 * The mail server check, as the wizard's probe step and as the `check` command. The probe itself
 * (src/probe/) loads only here, so the first question never pays for it.
 */
import { EXIT, SettingsFileError } from '../errors.ts';
import type { Output } from '../output.ts';
import type { FailureKind, ProbeOptions, ProbeReport } from '../probe/index.ts';
import { completeSettings, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { loadOutboundSettings } from '../settings/settings-file.ts';
import type { QuestionId } from './steps/context.ts';
import { trustNeedOf } from './teaming-java.ts';
import type { ProbeCapability, ProbeRunOptions, ProbeVerdict } from './wizard.ts';

export interface ProbeSetup {
  timeoutMs: number;
  /** PEM text of a CA to trust (read once from --ca-file). */
  ca?: string;
  acceptCertificateSha256?: string;
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
  return {
    timeoutMs: setup.timeoutMs,
    ca: setup.ca,
    acceptCertificateSha256: setup.acceptCertificateSha256,
    allowPlaintextAuth: run.allowPlaintextAuth,
    testRecipient,
    testMessage: sendMessage && testRecipient ? { to: testRecipient, timeZone: settings.timeZone } : undefined,
  };
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
  const target = `${settings.protocol.toUpperCase()} ${settings.host}:${settings.port}${settings.protocol === 'smtp' && settings.starttls ? ' with STARTTLS' : ''}`;
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

/** Probe the usual ports of the host at once; the working combination, if it differs from the answer. */
async function detectWorkingSettings(settings: MailSettings, options: ProbeOptions, out: Output): Promise<Partial<MailSettings> | undefined> {
  const { detectSettings } = await import('../probe/index.ts');
  // The configured port in the other TLS mode too (SMTPS on 2525, STARTTLS on 4650…).
  const otherMode = settings.protocol === 'smtps' ? { protocol: 'smtp' as const, port: settings.port } : { protocol: 'smtps' as const, port: settings.port };
  out.line(
    `Trying the usual ports of ${settings.host} (465, 587, 25) and port ${settings.port} as ${otherMode.protocol === 'smtps' ? 'SMTPS' : 'SMTP with STARTTLS'} at once…`,
  );
  const result = await detectSettings(settings.host, {
    also: [otherMode],
    timeoutMs: options.timeoutMs,
    ca: options.ca,
    acceptCertificateSha256: options.acceptCertificateSha256,
    username: settings.auth ? settings.username : undefined,
    password: settings.auth ? settings.password : undefined,
  });
  for (const candidate of result.candidates) {
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
    return { ...verdict, trust: trustNeedOf(verdict.report, setup.ca !== undefined) };
  };
}

/** One check with its live lines; on a failure that another protocol or port may cure, the usual ports too. */
async function probeAndDiagnose(setup: ProbeSetup, settings: MailSettings, out: Output, run: ProbeRunOptions): Promise<ProbeVerdict> {
  const options = probeOptions(setup, settings, run);
  const report = await probeWithLiveLines(settings, options, out, true);
  const failure = report.failure;
  if (report.ok || !failure) return { ok: report.ok, report };
  const detected = TLS_MODE_FAILURES.has(failure.kind) ? await detectWorkingSettings(settings, options, out) : undefined;
  return {
    ok: false,
    report,
    failure: {
      kind: failure.kind,
      question: questionFor(failure.question),
      suggestion: detected ?? failure.suggestion,
      message: failure.message,
      advice: failure.advice,
    },
  };
}

/** Send a test message with settings that passed the check (offered at the end of the wizard). */
export async function sendTestMessage(setup: ProbeSetup, settings: MailSettings, recipient: string, out: Output, run: ProbeRunOptions): Promise<boolean> {
  const options = probeOptions(setup, settings, run, recipient);
  const report = await ignoringTypedKeys(() => probeWithLiveLines(settings, options, out, true, `Sending a test message to ${recipient}`));
  if (report.ok) out.success(`Test message sent: look for "Teaming outbound mail test" in the mailbox of ${recipient}.`);
  return report.ok;
}

/** `check`: probe what the file says; change nothing. 0 when the check passes, 3 when it fails. */
export async function runCheck({ file, json }: { file: string; json: boolean }, setup: ProbeSetup, out: Output): Promise<number> {
  const stored = await loadOutboundSettings(file);
  if (!stored.host) throw new SettingsFileError(file, 'names no mail host: run teaming-mail-setup --reconfigure to set one');
  // What the file leaves out, completed the way Teaming's JavaMail session reads it.
  const settings = completeSettings({ ...stored, host: stored.host, timeZone: stored.timeZone ?? 'UTC' });
  const report = await probeWithLiveLines(settings, probeOptions(setup, settings, { allowPlaintextAuth: setup.allowPlaintextAuth === true }), out, !json);
  const passwordUnencrypted = sendsPasswordInClear(settings);
  if (json) out.json({ result: report.ok ? 'passed' : 'failed', file, exitCode: report.ok ? EXIT.ok : EXIT.probeFailed, passwordUnencrypted, probe: report });
  return report.ok ? EXIT.ok : EXIT.probeFailed;
}
