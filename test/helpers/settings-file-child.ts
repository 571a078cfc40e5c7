/**
 * A separate process for the settings file tests: one with another umask, another user, or one
 * to kill mid-write. Bundled by the test into a plain .mjs so it starts fast.
 *
 *   write PATH CONTENT_FILE EXPECTED_FILE|- [UMASK]   one write; prints {"backup","access"} or {"error","message"}
 *   load PATH                                        prints {"hasOutbound"} or {"error","message"}
 *   loop PATH A_FILE B_FILE                          "loaded", waits for a line on stdin, then writes A and
 *                                                    B in turn for ever; "ready" after the first write
 *   race PATH NAME                                   "loaded"; then for each line on stdin: reads the file, writes
 *                                                    it with "NAME <line>" appended, prints {"read","wrote"} or
 *                                                    {"read","error","message"}
 */
import { readFileSync } from 'node:fs';
import { loadSettingsFile, writeSettingsFile } from '../../src/settings/settings-file.ts';

const [command, path, ...rest] = process.argv.slice(2);

function report(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function failure(error: unknown): { error: string; message: string } {
  return { error: (error as Error).name, message: (error as Error).message };
}

if (command === 'write') {
  const [contentFile, expectedFile, umask] = rest;
  if (umask !== undefined) process.umask(Number.parseInt(umask, 8));
  const expected = expectedFile === '-' ? undefined : readFileSync(expectedFile!);
  await writeSettingsFile(path!, readFileSync(contentFile!), expected).then(
    ({ backup, access }) => report({ backup: backup ?? null, access }),
    (error: unknown) => report(failure(error)),
  );
} else if (command === 'load') {
  await loadSettingsFile(path!).then(
    (loaded) => report({ hasOutbound: loaded.stored.hasOutbound }),
    (error: unknown) => report(failure(error)),
  );
} else if (command === 'loop') {
  const [a, b] = [readFileSync(rest[0]!), readFileSync(rest[1]!)];
  process.stdout.write('loaded\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let count = 0; ; count++) {
    const current = readFileSync(path!);
    await writeSettingsFile(path!, current.equals(a) ? b : a, current);
    if (count === 0) process.stdout.write('ready\n');
  }
} else if (command === 'race') {
  const name = rest[0]!;
  process.stdout.write('loaded\n');
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    const current = readFileSync(path!);
    const next = Buffer.concat([current, Buffer.from(`${name} ${line}\n`)]);
    await writeSettingsFile(path!, next, current).then(
      () => report({ read: current.toString('latin1'), wrote: next.toString('latin1') }),
      (error: unknown) => report({ read: current.toString('latin1'), ...failure(error) }),
    );
  }
} else {
  throw new Error(`unknown command ${command}`);
}
