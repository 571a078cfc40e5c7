/**
 * TLS-mode detection: probes the usual ports (and the configured one in the other TLS mode) at once
 * and says which combinations work. Built on the probe, so nodemailer speaks SMTP here too; what is
 * hand-written is the choice of ports and which result to recommend, which nodemailer has no idea of.
 */
import { completeSettings, type MailSettings } from '../settings/settings.ts';
import { probeSmtp } from './probe.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeReport } from './types.ts';

export interface DetectPorts {
  /** Implicit TLS. Default 465. */
  smtps: number;
  /** Submission with STARTTLS. Default 587. */
  submission: number;
  /** Plain SMTP, STARTTLS when offered. Default 25. */
  smtp: number;
}

export const DEFAULT_DETECT_PORTS: DetectPorts = { smtps: 465, submission: 587, smtp: 25 };

export interface DetectOptions extends Omit<ProbeOptions, 'testMessage'> {
  ports?: Partial<DetectPorts>;
  /** Further combinations to try, e.g. the configured port in the other TLS mode (SMTP there: STARTTLS, then plain). */
  also?: Pick<MailSettings, 'protocol' | 'port'>[];
  /** With both, each combination must also accept the login. */
  username?: string;
  password?: string;
}

export interface DetectCandidate {
  protocol: MailSettings['protocol'];
  port: number;
  starttls: boolean;
  works: boolean;
  report: ProbeReport;
}

export interface DetectResult {
  /** Every combination tried: SMTPS, submission (STARTTLS, then plain when STARTTLS is missing), port 25 likewise. */
  candidates: DetectCandidate[];
  /** The first combination that works, encrypted ones before plain ones. */
  recommended?: Pick<MailSettings, 'protocol' | 'port' | 'starttls'>;
  totalMs: number;
}

/**
 * Probes the SMTPS, submission and plain SMTP ports of `host` at once, all within one timeout,
 * and says which combinations of protocol, port and STARTTLS work.
 */
export async function detectSettings(host: string, options: DetectOptions = {}): Promise<DetectResult> {
  const started = performance.now();
  const ports = { ...DEFAULT_DETECT_PORTS, ...options.ports };
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  const auth = Boolean(options.username && options.password);
  const base = completeSettings({
    host,
    port: ports.smtp,
    starttls: true,
    timeZone: 'UTC',
    auth,
    username: options.username,
    password: options.password,
  });
  const { ca, acceptCertificateSha256, lookup, clientName } = options;
  // Detection never sends the password without TLS (no allowPlaintextAuth here).
  const probe = (settings: MailSettings) =>
    probeSmtp(settings, { ca, acceptCertificateSha256, lookup, clientName, timeoutMs: Math.max(0, deadline - Date.now()) });
  const candidate = (settings: MailSettings, report: ProbeReport): DetectCandidate => ({
    protocol: settings.protocol,
    port: settings.port,
    starttls: settings.starttls,
    works: report.ok,
    report,
  });

  /** STARTTLS first; only when the server offers none, whether the port works without TLS. */
  const tryStarttlsThenPlain = async (port: number): Promise<DetectCandidate[]> => {
    const withTls: MailSettings = { ...base, port, starttls: true };
    const report = await probe(withTls);
    if (report.failure?.kind !== 'starttls-missing') return [candidate(withTls, report)];
    const plain: MailSettings = { ...withTls, starttls: false };
    return [candidate(withTls, report), candidate(plain, await probe(plain))];
  };

  const trySmtps = async (port: number): Promise<DetectCandidate[]> => {
    const smtps: MailSettings = { ...base, protocol: 'smtps', port, starttls: false };
    return [candidate(smtps, await probe(smtps))];
  };
  const usual = [
    { protocol: 'smtps', port: ports.smtps },
    { protocol: 'smtp', port: ports.submission },
    { protocol: 'smtp', port: ports.smtp },
  ] as const;
  const extra = (options.also ?? []).filter((entry) => !usual.some((known) => known.protocol === entry.protocol && known.port === entry.port));
  const results = await Promise.all(
    [...usual, ...extra].map((entry) => (entry.protocol === 'smtps' ? trySmtps(entry.port) : tryStarttlsThenPlain(entry.port))),
  );
  const candidates = results.flat();
  const encrypted = (entry: DetectCandidate) => entry.protocol === 'smtps' || entry.starttls;
  const best = candidates.find((entry) => entry.works && encrypted(entry)) ?? candidates.find((entry) => entry.works);
  return {
    candidates,
    recommended: best && { protocol: best.protocol, port: best.port, starttls: best.starttls },
    totalMs: Math.round(performance.now() - started),
  };
}
