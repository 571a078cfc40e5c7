/**
 * Whatever ended a stage, as a classified failure: a diagnosis a stage made itself (StageFailure),
 * a bound the server broke, a close or reset, or a wait that outlived the deadline.
 */
import { ChannelError } from './bounded-socket.ts';
import { DeadlineError } from './deadline.ts';
import { channelFailure, fail, duration, StageFailure } from './failures.ts';
import type { ProbeSession } from './stages/session.ts';
import type { ProbeFailure, StageName } from './types.ts';

/** The one guard for what a session's step may throw besides a diagnosis: the connection's failure. */
export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}

export function classify(session: ProbeSession, name: StageName, error: unknown, waitedMs: number): ProbeFailure {
  if (error instanceof StageFailure) return error.failure;
  const { settings, channel } = session;
  if (channel?.violation) return channelFailure(name, channel.violation, settings, waitedMs).failure;
  if (isChannelError(error)) return channelFailure(name, error, settings, waitedMs).failure;
  if (error instanceof DeadlineError) {
    if (channel) return channelFailure(name, channel.timedOut(), settings, waitedMs).failure;
    return fail(
      name,
      'timeout',
      `no answer during ${name} in ${duration(waitedMs)}`,
      `the server or the network is too slow; a firewall may hold port ${settings.port}; try again, or try port 587 or 465`,
      { question: 'port' },
    ).failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  return fail(name, 'closed-early', `${name} failed: ${message}`, 'check the host and port, and the mail server log').failure;
}
