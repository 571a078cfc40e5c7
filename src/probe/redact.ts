/**
 * The password is never looked for in text that cannot hold it: the probe's own lines hold it in
 * no form (session.ts shows `<secret>` for the credentials it sends), and a server can only
 * repeat it after it was sent. So only what the server said from AUTH on (the auth, envelope and
 * message stages, the transcript from the first AUTH line) is checked, and a string that repeats
 * a form of it (as typed, base64 for AUTH LOGIN and AUTH PLAIN) is not shown at all, only its reply
 * code: nothing is replaced inside a text, which would show where the password's text occurs
 * (`220 mail.••••••.test` for the password `example`). Not nodemailer's: its transaction log
 * hides the secrets it sends itself, but not a server that echoes them back in a reply.
 */
import type { ProbeReport, ProbeStage, StageName } from './types.ts';

/** Every form in which a password could travel in an SMTP session: as typed, and base64 (AUTH LOGIN, AUTH PLAIN). */
export function secretForms(username: string, password: string): string[] {
  if (password === '') return [];
  return [password, Buffer.from(password, 'utf8').toString('base64'), Buffer.from(`\u0000${username}\u0000${password}`, 'utf8').toString('base64')];
}

/** The stages whose server text comes after the credentials were sent. */
const AFTER_CREDENTIALS: ReadonlySet<StageName> = new Set(['auth', 'envelope', 'message']);

export const REPEATED_CREDENTIALS = '(not shown: the server repeated the credentials in it)';

/** The text, or only its reply code when it repeats a form of the password. */
function hideRepeated(text: string, secrets: readonly string[]): string {
  if (!secrets.some((secret) => text.includes(secret))) return text;
  const code = /^(?:S: )?\d{3}[ -]/.exec(text)?.[0] ?? '';
  return `${code}${REPEATED_CREDENTIALS}`;
}

function hideDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return hideRepeated(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

/** A stage as it may be shown. */
export function redactStage(stage: ProbeStage, secrets: readonly string[]): ProbeStage {
  return secrets.length > 0 && AFTER_CREDENTIALS.has(stage.name) ? hideDeep(stage, secrets) : stage;
}

/** A report as it may be shown: what the server said after the credentials, checked. */
export function redactReport(report: ProbeReport, secrets: readonly string[]): ProbeReport {
  if (secrets.length === 0) return report;
  const auth = report.transcript.findIndex((line) => /^C: AUTH\b/i.test(line));
  const shown: ProbeReport = {
    ...report,
    stages: report.stages.map((stage) => redactStage(stage, secrets)),
    transcript: auth < 0 ? report.transcript : [...report.transcript.slice(0, auth), ...hideDeep(report.transcript.slice(auth), secrets)],
  };
  if (report.failure && AFTER_CREDENTIALS.has(report.failure.stage)) shown.failure = hideDeep(report.failure, secrets);
  if (report.envelope) shown.envelope = hideDeep(report.envelope, secrets);
  if (report.accepted) shown.accepted = hideDeep(report.accepted, secrets);
  if (report.summary !== undefined) shown.summary = hideRepeated(report.summary, secrets);
  return shown;
}
