/**
 * Layer src/probe/: the SMTP probe (a runner, probe.ts, over one module per stage in stages/, its
 * own SMTP client on a bounded socket, smtp-channel.ts), its diagnoses and TLS-mode detection. It
 * may import settings and the leaf modules only.
 *
 * The SMTP probe: what the wizard and the `check` command call. Import it lazily (`await import`)
 * where the first prompt must not pay for it; nodemailer's MailComposer, which composes the test
 * message, loads through a dynamic import of its own, once a message is sent.
 *
 *   const { probeSmtp, formatStageLine, formatProbeReport } = await import('./probe/index.ts');
 *   const report = await probeSmtp(settings, { timeoutMs: 10000, ca }, (stage) => console.log(formatStageLine(stage, { color })));
 *   if (!report.ok) {
 *     // report.failure: { stage, kind, message, advice, suggestion?, question?, certificateSha256? }
 *   }
 *
 * `suggestion` holds the answers that would fix the failure and `question` the wizard question to
 * go back to; a certificate failure carries the fingerprint to offer as acceptCertificateSha256.
 */
export { probeSmtp } from './probe.ts';
export { detectSettings, DEFAULT_DETECT_PORTS } from './detect.ts';
export type { DetectCandidate, DetectOptions, DetectPorts, DetectResult } from './detect.ts';
export { formatProbeReport, formatStageLine, STAGE_LABELS } from './format.ts';
export type { FormatOptions } from './format.ts';
export { normalizeFingerprint } from './certificate.ts';
export { timeStampLine } from './stages/message.ts';
export { DEFAULT_PROBE_TIMEOUT_MS } from './types.ts';
export type {
  CertificateInfo,
  FailureKind,
  LookupFunction,
  ProbeFailure,
  ProbeOptions,
  ProbeQuestion,
  ProbeReport,
  ProbeStage,
  ServerCapabilities,
  StageName,
  StageOutcome,
  TestMessageOptions,
} from './types.ts';
