/**
 * The probe's public types: stages, failures, the report and its options. No behaviour.
 */
import type { LookupAddress } from 'node:dns';
import type { MailSettings } from '../settings/settings.ts';
import type { NameResolver } from './local-name.ts';

/** The stages of a probe, in the order a session runs them (for SMTPS, TLS comes right after connect). */
export type StageName = 'dns' | 'connect' | 'greeting' | 'ehlo' | 'tls' | 'auth' | 'envelope' | 'message';
export type StageOutcome = 'ok' | 'failed' | 'skipped';

export interface ProbeStage {
  name: StageName;
  outcome: StageOutcome;
  /** Wall time of the stage; 0 for a skipped stage. */
  ms: number;
  /** One human line: the banner, the capabilities, TLS protocol and certificate, the AUTH reply… */
  detail: string;
}

/** Stable codes for what went wrong; the wizard and `check --json` switch on these. */
export type FailureKind =
  | 'dns-not-found'
  | 'dns-failed'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'too-slow'
  | 'expects-tls'
  | 'plain-port'
  | 'starttls-missing'
  | 'starttls-refused'
  | 'tls-failed'
  | 'tls-version'
  | 'tls-cipher'
  | 'starttls-plain'
  | 'certificate-untrusted'
  | 'certificate-name-mismatch'
  | 'certificate-expired'
  | 'certificate-fingerprint-mismatch'
  | 'auth-missing'
  | 'auth-needs-tls'
  | 'auth-before-tls-only'
  | 'auth-unsupported'
  | 'auth-refused'
  | 'auth-temporary'
  | 'auth-plaintext'
  | 'temporary'
  | 'banner-refused'
  | 'ehlo-refused'
  | 'not-smtp'
  | 'reply-too-long'
  | 'closed-early'
  | 'sender-refused'
  | 'sender-not-owned'
  | 'auth-required'
  | 'starttls-required'
  | 'relay-denied'
  | 'recipient-unknown'
  | 'recipient-refused'
  | 'message-refused';

/** The wizard question that holds the answer to change. */
export type ProbeQuestion = keyof MailSettings;

export interface ProbeFailure {
  stage: StageName;
  kind: FailureKind;
  /** The server's reply, as it said it, when there was one (credentials never appear). */
  serverReply?: string;
  /** What happened, in plain words. */
  message: string;
  /** What to change. */
  advice: string;
  /** The low-level error text (an OpenSSL message, say), kept for the mail administrator; never the message itself. */
  detail?: string;
  /** The answers that would fix it, when the probe can tell. */
  suggestion?: Partial<MailSettings>;
  question?: ProbeQuestion;
  /** For certificate failures: the SHA-256 fingerprint to accept explicitly (AA:BB:… form). */
  certificateSha256?: string;
  /** The mail service whose own refusal this is (provider-replies.ts): 'Microsoft 365', 'Google', … */
  provider?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex as `openssl x509 -fingerprint -sha256` shows it. */
  sha256: string;
  /** 'trusted', 'accepted by fingerprint', or the verification error ('self-signed certificate', …). */
  verification: string;
  trusted: boolean;
  /** The DNS names of its subjectAltName (what a host name may be to match it). */
  dnsNames?: string[];
  /** The certificate itself, PEM: what Teaming's Java must trust when the check trusted it by --ca-file or fingerprint. */
  pem?: string;
}

export interface ServerCapabilities {
  /** The server's name from the first EHLO line. */
  name: string;
  starttls: boolean;
  /** AUTH mechanisms, upper case, as advertised. */
  auth: string[];
  /** SIZE limit in bytes; undefined when not advertised, 0 when advertised without a limit. */
  size?: number;
  /** Every keyword, upper case (PIPELINING, 8BITMIME, SMTPUTF8…). */
  keywords: string[];
}

export interface ProbeReport {
  ok: boolean;
  host: string;
  port: number;
  protocol: MailSettings['protocol'];
  /** The address that answered, once connected. */
  address?: string;
  stages: ProbeStage[];
  totalMs: number;
  /** One line on success, e.g. `TLS 1.3 via STARTTLS, AUTH PLAIN accepted, 84 ms`. */
  summary?: string;
  failure?: ProbeFailure;
  banner?: string;
  /** Capabilities of the last EHLO (after STARTTLS when there was one). */
  capabilities?: ServerCapabilities;
  certificate?: CertificateInfo;
  /**
   * Whether the password crossed (or, with AUTH stopped, would have crossed) the network without
   * TLS: true only when the administrator allowed it for this run (allowPlaintextAuth).
   */
  passwordUnencrypted: boolean;
  /** The envelope test: the addresses used and the server's replies to MAIL FROM and RCPT TO. */
  envelope?: { from: string; to: string; mail?: string; rcpt?: string; note?: string };
  /** The test message's acceptance line and queue id, when one was sent. */
  accepted?: { reply: string; queueId?: string };
  /** The SMTP dialogue, client lines `C:` and server lines `S:`, credentials replaced by `<secret>`. */
  transcript: string[];
}

/** dns.promises.lookup with `{ all: true }` fits; tests inject their own so no real DNS is asked. */
export type LookupFunction = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

export interface TestMessageOptions {
  /** The recipient; the sender is the one Teaming will use (see envelope.ts). */
  to: string;
  /** The zone whose time stamp the body shows. */
  timeZone: string;
}

export interface ProbeOptions {
  /** Budget for the whole probe, DNS to the test message. Default 10000. */
  timeoutMs?: number;
  /** PEM text of a CA to trust besides the built-in ones (the caller reads --ca-file). */
  ca?: string;
  /** Accept exactly this certificate, by SHA-256 fingerprint (any case, colons optional). */
  acceptCertificateSha256?: string;
  lookup?: LookupFunction;
  /** The recipient of the envelope test when no test message is sent; default the sender. */
  testRecipient?: string;
  /** Send a real test message (to its `to`, which is then the envelope's recipient) after the envelope test. */
  testMessage?: TestMessageOptions;
  /** The administrator allowed AUTH on a connection without TLS for this run (--allow-plaintext-auth). */
  allowPlaintextAuth?: boolean;
  /**
   * The name sent with EHLO; default the settings' EHLO name, else this machine's canonical name as
   * Teaming's JavaMail finds it (local-name.ts), else an address literal of our own end, e.g. `[192.0.2.7]`.
   */
  clientName?: string;
  /** How this machine's canonical name is found; tests give their own, so no real DNS is asked. */
  nameResolver?: NameResolver;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10000;
