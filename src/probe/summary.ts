/**
 * The report of a probe: the stages run and those not reached, and the one-line summary of a
 * success (`TLS 1.3 via STARTTLS, AUTH PLAIN accepted, 84 ms`).
 */
import { tlsVersionWords } from './certificate.ts';
import { duration } from './failures.ts';
import type { ProbeSession } from './stages/session.ts';
import type { ProbeFailure, ProbeReport, ProbeStage, StageName } from './types.ts';

/** The stages of a session in the order they run (for SMTPS, TLS right after connect). */
export function stageOrder(protocol: ProbeReport['protocol']): StageName[] {
  return protocol === 'smtps'
    ? ['dns', 'connect', 'tls', 'greeting', 'ehlo', 'auth', 'envelope', 'message']
    : ['dns', 'connect', 'greeting', 'ehlo', 'tls', 'auth', 'envelope', 'message'];
}

export function buildReport(session: ProbeSession, stages: ProbeStage[], failure: ProbeFailure | undefined, totalMs: number): ProbeReport {
  const { settings } = session;
  const done = new Set(stages.map((stage) => stage.name));
  const notReached = stageOrder(settings.protocol)
    .filter((name) => !done.has(name))
    .map((name): ProbeStage => ({ name, outcome: 'skipped', ms: 0, detail: 'not reached' }));
  const ok = failure === undefined;
  return {
    ok,
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
    address: session.address,
    stages: [...stages, ...notReached],
    totalMs,
    summary: ok ? summary(session, totalMs) : undefined,
    failure,
    banner: session.banner,
    capabilities: session.capabilities,
    certificate: session.certificate,
    passwordUnencrypted: session.passwordUnencrypted,
    envelope: session.envelope,
    accepted: session.accepted,
    transcript: session.transcript,
  };
}

function summary(session: ProbeSession, totalMs: number): string {
  const parts: string[] = [];
  if (session.tlsSocket) parts.push(`${tlsVersionWords(session.tlsSocket)} ${session.settings.protocol === 'smtps' ? '(SMTPS)' : 'via STARTTLS'}`);
  else parts.push('plain SMTP, no TLS');
  parts.push(
    session.authMechanism
      ? `AUTH ${session.authMechanism} accepted${session.passwordUnencrypted ? ' (the password crossed the network unencrypted)' : ''}`
      : 'no authentication',
  );
  if (session.accepted) parts.push(session.accepted.queueId ? `test message queued as ${session.accepted.queueId}` : 'test message accepted');
  else if (session.envelope) parts.push(`envelope accepted for ${session.envelope.to}`);
  parts.push(duration(totalMs));
  return parts.join(', ');
}
