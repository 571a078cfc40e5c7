/**
 * The report as lines on the terminal: one per stage, then the summary or the problem and its fix.
 * Presentation only; nothing of SMTP here.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { PLAINTEXT_WARNING } from '../settings/settings.ts';
import { duration } from './failures.ts';
import type { ProbeReport, ProbeStage, StageName } from './types.ts';

export interface FormatOptions {
  color: boolean;
}

export const STAGE_LABELS: Record<StageName, string> = {
  dns: 'DNS',
  connect: 'Connect',
  greeting: 'Greeting',
  ehlo: 'EHLO',
  tls: 'TLS',
  auth: 'AUTH',
  envelope: 'Envelope',
  message: 'Message',
};

const LABEL_WIDTH = Math.max(...Object.values(STAGE_LABELS).map((label) => label.length));

function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** `✔ TLS       12 ms  TLSv1.3 TLS_AES_256_GCM_SHA384 via STARTTLS; certificate …` */
export function formatStageLine(stage: ProbeStage, options: FormatOptions = { color: false }): string {
  const c = palette(options.color);
  const mark = stage.outcome === 'ok' ? c.green('✔') : stage.outcome === 'failed' ? c.red('✖') : c.dim('–');
  const time = stage.outcome === 'skipped' ? ''.padStart(7) : duration(stage.ms).padStart(7);
  const detail = stage.outcome === 'skipped' ? c.dim(stage.detail) : stage.outcome === 'failed' ? c.red(stage.detail) : stage.detail;
  return `${mark} ${STAGE_LABELS[stage.name].padEnd(LABEL_WIDTH)} ${time}  ${detail}`;
}

/** The whole report: one line per stage, then the summary, or the failure with its fix. */
export function formatProbeReport(report: ProbeReport, options: FormatOptions = { color: false }): string[] {
  const c = palette(options.color);
  const lines = report.stages.map((stage) => formatStageLine(stage, options));
  if (report.ok) {
    lines.push(c.green(`Mail server OK: ${report.summary ?? duration(report.totalMs)}`));
    if (report.passwordUnencrypted) lines.push(c.yellow.bold(`Warning: ${PLAINTEXT_WARNING}`));
    return lines;
  }
  const failure = report.failure;
  if (!failure) return lines;
  lines.push(c.red.bold(`Problem (${STAGE_LABELS[failure.stage]}): ${failure.message}`));
  if (failure.serverReply !== undefined && !failure.message.includes(failure.serverReply)) lines.push(`Server said: ${failure.serverReply}`);
  lines.push(c.yellow(`Fix: ${failure.advice}`));
  if (failure.detail) lines.push(c.dim(`Detail: ${failure.detail}`));
  if (failure.certificateSha256) lines.push(`Certificate SHA-256: ${failure.certificateSha256}`);
  return lines;
}
