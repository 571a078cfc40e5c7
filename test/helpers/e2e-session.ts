/**
 * The set-up of an end-to-end suite: each test gets a fresh folder to run the command in; the
 * terminal runs and servers it starts are ended, and the folder removed, after it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import type { PtyRun } from './pty.ts';

export interface E2eSession {
  /** This test's folder (set before each test). */
  folder: string;
  /** Killed after the test. */
  runs: PtyRun[];
  /** Closed after the test. */
  servers: { close(): Promise<void> }[];
  /** A server this test starts, closed after it. */
  own<T extends { close(): Promise<void> }>(starting: Promise<T>): Promise<T>;
}

export function e2eSession(name: string): E2eSession {
  const session: E2eSession = {
    folder: '',
    runs: [],
    servers: [],
    async own(starting) {
      const started = await starting;
      session.servers.push(started);
      return started;
    },
  };
  beforeEach(async () => {
    session.folder = await mkdtemp(join(tmpdir(), `teaming-mail-${name}-`));
  });
  afterEach(async () => {
    for (const run of session.runs.splice(0)) run.kill();
    await Promise.all(session.servers.splice(0).map((server) => server.close()));
    await rm(session.folder, { recursive: true, force: true });
  });
  return session;
}
