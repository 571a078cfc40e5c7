// The SMTP probe: what the wizard and the `check` command call. Import it lazily (`await import`)
// where the first prompt must not pay for it.
export { probeSmtp } from './probe.ts';
export { detectSettings, DEFAULT_DETECT_PORTS } from './detect.ts';
export type { DetectCandidate, DetectOptions, DetectPorts, DetectResult } from './detect.ts';
export { formatProbeReport, formatStageLine, STAGE_LABELS } from './format.ts';
export type { FormatOptions } from './format.ts';
export { normalizeFingerprint } from './certificate.ts';
export { timeStampLine } from './test-message.ts';
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
