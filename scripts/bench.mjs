/**
 * `npm run bench`: how fast the command (bin/teaming-mail-setup.js, loading dist/) answers, asks its first question and
 * checks a mail server, and how much memory `check` and a whole wizard run take, each against a
 * baseline on this machine: `node -e 0`, or for `check` also swaks (Debian's `swaks`, with
 * libnet-ssleay-perl for TLS) doing the same STARTTLS + AUTH session. Every figure runs alternately
 * with its baseline (the order flips each round), so whatever else loads the machine weighs on
 * both alike; the table shows medians.
 *
 * The mail servers are smtp-server on 127.0.0.1, configured to greet at once, as Postfix does:
 * without the reverse DNS lookup of the client (disableReverseLookup; without a network it may
 * wait) and without its fixed 100 ms pause that catches clients talking too early. Both would add
 * the same wait to swaks and to `check` and hide the difference between them.
 *
 * A report, not a test: it exits 0 whatever the figures say, nonzero only when it cannot measure.
 *
 *   node scripts/bench.mjs [--runs N] [--only WORD]
 *
 * --runs (or BENCH_RUNS): rounds per figure, default 20, at least 10. --only: just the figures
 * whose name holds WORD (version, help, question, check, swaks, detection, memory, latency).
 *
 * The WAN rows run `check` and swaks through a loopback proxy that adds 100 ms of round-trip time
 * (scripts/latency-proxy.mjs) in front of the same smtp-server: there the time of a check is its
 * number of round trips.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import pty from 'node-pty';
import selfsigned from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import { startLatencyProxy } from './latency-proxy.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'teaming-mail-setup.js');
const BUNDLE = join(ROOT, 'dist', 'cli.js');
const PEAK_RSS_HOOK = join(ROOT, 'scripts', 'bench-peak-rss.cjs');
const NODE = process.execPath;
const FIRST_QUESTION = 'Where does the mail go?';
const USER = 'bench@example.com';
const PASSWORD = 'bench-secret';
/** Greeting delays of the three ports TLS-mode detection tries, so that waiting on them dominates. */
const DETECT_DELAY_MS = { smtps: 100, submission: 200, smtp: 300 };

const { values: flags } = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' } } });
const wanted = (figure) => flags.only === undefined || figure.toLowerCase().includes(flags.only.toLowerCase());
const RUNS = Number(flags.runs ?? process.env.BENCH_RUNS ?? 20);
if (!Number.isInteger(RUNS) || RUNS < 10) {
  console.error('bench: --runs (or BENCH_RUNS) must be a whole number of at least 10');
  process.exit(2);
}

/** The command under measurement misbehaved: reported in its row, not a crash of the bench. */
class Misbehaved extends Error {}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const stripAnsi = (text) => text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');

const lastLines = (text, count = 4) => text.trim().split('\n').slice(-count).join(' / ');

/** One child process, from spawn to exit. */
function runProcess(command, args, { env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let ms;
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', () => (ms = performance.now() - started));
    child.on('close', (code) => {
      if (code !== 0) reject(new Misbehaved(`exit ${code}: ${lastLines(output)}`));
      else resolve({ ms, output });
    });
  });
}

/** `node ARGS`, from spawn to exit. */
const runNode = (args, options) => runProcess(NODE, args, options);

/**
 * One child on a pseudo-terminal. With `until`, the clock stops when that text first shows and
 * the child is killed; otherwise at exit, which must be 0. `answers` maps questions to the keys
 * typed when the question (Inquirer's "? <message>") appears; each is answered at most once.
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, until?: string, answers?: Record<string, string>, timeoutMs?: number }} options
 */
function runOnPty(args, { cwd, env = process.env, until, answers = {}, timeoutMs = 30000 }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = pty.spawn(NODE, args, { cwd, env: { ...env, TERM: 'xterm-256color' }, cols: 120, rows: 40 });
    let ms;
    let failure;
    let screen = '';
    let unanswered = '';
    const pending = new Map(Object.entries(answers));
    const timer = setTimeout(() => {
      failure = new Misbehaved(`no progress in ${timeoutMs / 1000} s; screen ends: ${lastLines(screen)}`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.onData((data) => {
      if (ms !== undefined) return;
      const text = stripAnsi(data);
      screen += text;
      unanswered += text;
      if (until !== undefined && screen.includes(until)) {
        ms = performance.now() - started;
        child.kill('SIGKILL');
        return;
      }
      for (const [question, keys] of pending) {
        if (!unanswered.includes(`? ${question}`)) continue;
        child.write(keys);
        unanswered = '';
        pending.delete(question);
        break;
      }
    });
    child.onExit(({ exitCode }) => {
      ms ??= performance.now() - started;
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (until === undefined && exitCode !== 0) reject(new Misbehaved(`exit ${exitCode}: ${lastLines(screen)}`));
      else resolve({ ms, screen });
    });
  });
}

/**
 * A warm-up run of each (not counted), then `RUNS` rounds alternating which goes first.
 * Each function measures one run and returns its figure; the result holds the medians.
 */
async function sideBySide(baseline, subject) {
  await baseline();
  await subject();
  const figures = { baseline: [], subject: [] };
  for (let round = 0; round < RUNS; round++) {
    const order = round % 2 === 0 ? ['baseline', 'subject'] : ['subject', 'baseline'];
    for (const which of order) figures[which].push(await (which === 'baseline' ? baseline : subject)());
  }
  return { baseline: median(figures.baseline), subject: median(figures.subject), highest: Math.max(...figures.subject) };
}

/** The peak resident set size (kB) of one run, reported by the child itself at exit (scripts/bench-peak-rss.cjs). */
async function peakRss(dir, run) {
  const file = join(dir, 'peak-rss');
  await rm(file, { force: true });
  await run({ ...process.env, BENCH_PEAK_RSS_FILE: file });
  return Number(await readFile(file, 'utf8'));
}

/**
 * smtp-server waits 100 ms before every greeting to catch clients that talk first (a fixed timer in
 * SMTPConnection.init, no option turns it off). Each connection is started the way init starts it,
 * less that timer; should smtp-server's internals change, the server keeps its pause and the bench
 * says so.
 */
let earlyTalkerPauseKept = false;
function withoutEarlyTalkerPause(server) {
  server.connections.add = function add(connection) {
    if (typeof connection._setListeners === 'function' && typeof connection.connectionReady === 'function') {
      connection.init = () => connection._setListeners(() => connection.connectionReady());
    } else {
      earlyTalkerPauseKept = true;
    }
    return Set.prototype.add.call(this, connection);
  };
  return server;
}

function startSmtpServer({ secure, tls, greetingDelayMs = 0 }) {
  const server = withoutEarlyTalkerPause(
    new SMTPServer({
      secure,
      key: tls.key,
      cert: tls.cert,
      logger: false,
      disableReverseLookup: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onConnect: (_session, callback) => setTimeout(callback, greetingDelayMs),
      onAuth: (auth, _session, callback) =>
        auth.username === USER && auth.password === PASSWORD ? callback(null, { user: USER }) : callback(new Error('535 5.7.8 bad credentials')),
      onData: (stream, _session, callback) => stream.resume().on('end', () => callback()),
    }),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ port: server.server.address().port, close: () => new Promise((done) => server.close(done)) }));
  });
}

function propertiesFor(port) {
  return [
    'mail.transport.protocol=smtp',
    'mail.smtp.host=127.0.0.1',
    `mail.smtp.port=${port}`,
    'mail.smtp.auth=true',
    `mail.smtp.user=${USER}`,
    `mail.smtp.password=${PASSWORD}`,
    'mail.smtp.sendpartial=true',
    'mail.smtp.connectiontimeout=15000',
    'mail.smtp.starttls.enable=true',
    'notify.timezone=UTC',
    'mail.allowSendToAllUsers=true',
    '',
  ].join('\n');
}

/** swaks with TLS (Net::SSLeay), or why not: the `check` row against it is left out then. */
function swaksMissing() {
  const support = spawnSync('swaks', ['--support'], { encoding: 'utf8' });
  if (support.error || support.status !== 0) return 'swaks is not installed (Debian: apt-get install swaks libnet-ssleay-perl)';
  if (!/^=== TLS supported/m.test(`${support.stdout}${support.stderr}`)) return 'swaks cannot do TLS here (Debian: apt-get install libnet-ssleay-perl)';
  return undefined;
}

/** The probe is someone else's work in progress: measure it only once it exists and `check` runs. */
function probeBuilt() {
  return existsSync(join(ROOT, 'src', 'probe')) && spawnSync(NODE, [CLI, 'check', '--help'], { stdio: 'ignore' }).status === 0;
}

/** src/probe as one module the bench can call (dependencies stay in node_modules). */
async function loadProbe() {
  const outfile = join(ROOT, '.bench', 'probe.mjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'probe', 'index.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.17',
    logLevel: 'silent',
  });
  return import(pathToFileURL(outfile).href);
}

const ms = (value) => `${value.toFixed(1)} ms`;
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;

/** The cells of a time measured side by side with its baseline, against a ratio limit. */
function ratioCells({ subject, baseline }, limit, baselineLabel = 'node -e 0') {
  const ratio = subject / baseline;
  return { median: ms(subject), baseline: `${ms(baseline)} (${baselineLabel})`, ratio: `${ratio.toFixed(2)} ×`, pass: ratio <= limit };
}

/** The cells of a peak memory measured side by side with `node -e 0`. */
function memoryCells(peaks, pass) {
  return {
    median: `${mb(peaks.subject)} (highest ${mb(peaks.highest)})`,
    baseline: `${mb(peaks.baseline)} (node -e 0)`,
    ratio: `${(peaks.subject / peaks.baseline).toFixed(2)} ×`,
    pass,
  };
}

/** `node bin/teaming-mail-setup.js ARGS`, failing the row unless its output passes `expected`. */
const cliPrinting = (args, expected, what) => async () => {
  const { ms: time, output } = await runNode([CLI, ...args]);
  if (!expected(output)) throw new Misbehaved(`printed ${JSON.stringify(output.trim().slice(0, 80))}, not ${what}`);
  return time;
};

async function measure(dir, tls, probe, notes) {
  const rows = [];
  const row = async (figure, target, produce) => {
    if (!wanted(figure)) return;
    process.stderr.write(`bench: ${figure}…\n`);
    try {
      const cells = await produce();
      rows.push([figure, cells.median, cells.baseline, cells.ratio, target, cells.pass === undefined ? '—' : cells.pass ? 'pass' : 'FAIL']);
    } catch (error) {
      if (!(error instanceof Misbehaved)) throw error;
      rows.push([figure, '—', '—', '—', target, `FAIL (${error.message.replace(/\|/g, '/')})`]);
    }
  };
  const notBuilt = (figure, target) => wanted(figure) && rows.push([figure, 'n/a', 'n/a', 'n/a', target, 'n/a (probe not built yet)']);
  const nodeBaseline = async () => (await runNode(['-e', '0'])).ms;
  const emptyDir = join(dir, 'empty');
  await mkdir(emptyDir);

  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  await row('`--version`', '≤ 1.3 ×', async () =>
    ratioCells(
      await sideBySide(
        nodeBaseline,
        cliPrinting(['--version'], (output) => output.trim() === version, version),
      ),
      1.3,
    ),
  );
  await row('`--help`', '≤ 1.5 ×', async () =>
    ratioCells(
      await sideBySide(
        nodeBaseline,
        cliPrinting(['--help'], (output) => output.includes('Usage:'), 'the usage'),
      ),
      1.5,
    ),
  );
  await row('first question on a pty', '≤ 2 ×', async () => {
    const nodeOnPty = async () => (await runOnPty(['-e', '0'], { cwd: emptyDir })).ms;
    const firstQuestion = async () => (await runOnPty([CLI], { cwd: emptyDir, until: FIRST_QUESTION })).ms;
    return ratioCells(await sideBySide(nodeOnPty, firstQuestion), 2, 'node -e 0 on a pty');
  });

  const checkFigure = '`check -f F --ca-file CA`, STARTTLS + AUTH on 127.0.0.1';
  const swaksFigure = '`check` vs swaks, same session (--tls --auth-user … --quit-after AUTH)';
  const checkMemoryFigure = 'peak memory, `check`';
  const detectFigure = `TLS-mode detection, 3 ports (greetings after ${Object.values(DETECT_DELAY_MS).join('/')} ms)`;
  const detectTarget = '≤ 1.5 × slowest port alone';
  if (probe) {
    const server = await startSmtpServer({ secure: false, tls });
    try {
      const file = join(dir, 'installer.properties');
      await writeFile(file, propertiesFor(server.port));
      const checkArgs = [CLI, 'check', '-f', file, '--ca-file', tls.caFile];
      const check = async () => {
        const { ms: time, output } = await runNode(checkArgs, { cwd: dir });
        if (!output.includes('Mail server OK')) throw new Misbehaved(`check did not pass: ${lastLines(output)}`);
        return time;
      };
      const swaksArgs = ['--server', `127.0.0.1:${server.port}`, '--tls', '--auth-user', USER, '--auth-password', PASSWORD, '--quit-after', 'AUTH'];
      const swaks = async () => {
        const { ms: time, output } = await runProcess('swaks', swaksArgs, { cwd: dir });
        if (!/^<~ +235 /m.test(output)) throw new Misbehaved(`swaks was not authenticated: ${lastLines(output)}`);
        return time;
      };
      const missing = wanted(swaksFigure) ? swaksMissing() : undefined;
      if (missing) notes.push(`${swaksFigure}: not measured: ${missing}.`);
      else await row(swaksFigure, '≤ 1.5 × swaks', async () => ratioCells(await sideBySide(swaks, check), 1.5, 'swaks'));
      await row(checkFigure, '≤ 2.2 ×', async () => ratioCells(await sideBySide(nodeBaseline, check), 2.2));
      await row(checkMemoryFigure, '≤ 45 MB', async () => {
        const nodeRun = (env) => runNode(['--require', PEAK_RSS_HOOK, '-e', '0'], { env });
        const checkRun = (env) => runNode(['--require', PEAK_RSS_HOOK, ...checkArgs], { cwd: dir, env });
        const peaks = await sideBySide(
          () => peakRss(dir, nodeRun),
          () => peakRss(dir, checkRun),
        );
        return memoryCells(peaks, peaks.subject <= 45 * 1024);
      });
    } finally {
      await server.close();
    }
    await row(detectFigure, detectTarget, () => measureDetection(tls));
    await latencyRows(dir, tls, row, nodeBaseline, notes);
  } else {
    notBuilt(swaksFigure, '≤ 1.5 × swaks');
    notBuilt(checkFigure, '≤ 2.2 ×');
    notBuilt(checkMemoryFigure, '≤ 45 MB');
    notBuilt(detectFigure, detectTarget);
  }

  await row(`peak memory, whole wizard run (${probe ? 'with' : 'without'} probe)`, '< 100 MB', () => measureWizardMemory(dir, emptyDir, tls, probe));
  return rows;
}

/** Round-trip time the WAN rows add through the latency proxy. */
const RTT_MS = 100;

/**
 * `check` at 100 ms RTT, STARTTLS + AUTH: its time beyond `node -e 0` in round trips (the protocol
 * needs 6.5: half for the greeting, EHLO, STARTTLS, the TLS 1.3 handshake, EHLO, AUTH PLAIN with
 * its initial response, MAIL FROM + RCPT TO pipelined), and against swaks doing the same work.
 */
async function latencyRows(dir, tls, row, nodeBaseline, notes) {
  const rttFigure = `\`check\` − \`node -e 0\` at ${RTT_MS} ms RTT (latency proxy), STARTTLS + AUTH + envelope`;
  const swaksFigure = `\`check\` vs swaks at ${RTT_MS} ms RTT (latency proxy; --tls --auth PLAIN --quit-after RCPT)`;
  if (!wanted(rttFigure) && !wanted(swaksFigure)) return;
  const server = await startSmtpServer({ secure: false, tls });
  const proxy = await startLatencyProxy({ port: server.port, rttMs: RTT_MS });
  try {
    const file = join(dir, 'wan.properties');
    await writeFile(file, propertiesFor(proxy.port));
    const check = async () => {
      const { ms: time, output } = await runNode([CLI, 'check', '-f', file, '--ca-file', tls.caFile], { cwd: dir });
      if (!output.includes('Mail server OK')) throw new Misbehaved(`check did not pass: ${lastLines(output)}`);
      return time;
    };
    await row(rttFigure, '≤ 7.5 RTT', async () => {
      const { subject, baseline } = await sideBySide(nodeBaseline, check);
      const trips = (subject - baseline) / RTT_MS;
      return { median: `${ms(subject)} = ${trips.toFixed(2)} RTT beyond node`, baseline: `${ms(baseline)} (node -e 0)`, ratio: '—', pass: trips <= 7.5 };
    });
    const missing = wanted(swaksFigure) ? swaksMissing() : undefined;
    if (missing) {
      notes.push(`${swaksFigure}: not measured: ${missing}.`);
      return;
    }
    const swaksArgs = [
      '--server',
      `127.0.0.1:${proxy.port}`,
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      USER,
      '--auth-password',
      PASSWORD,
      '--quit-after',
      'RCPT',
      '--from',
      USER,
      '--to',
      USER,
    ];
    const swaks = async () => {
      const { ms: time, output } = await runProcess('swaks', swaksArgs, { cwd: dir });
      if (!/~> RCPT TO:[^\n]*\n *<~ +250 /.test(output)) throw new Misbehaved(`swaks did not get RCPT TO accepted: ${lastLines(output)}`);
      return time;
    };
    await row(swaksFigure, '≤ 0.85 × swaks', async () => ratioCells(await sideBySide(swaks, check), 0.85, 'swaks'));
  } finally {
    await proxy.close();
    await server.close();
  }
}

/** Detection probes three ports at once: it should take about as long as the slowest one alone. */
async function measureDetection(tls) {
  const { probeSmtp, detectSettings } = await loadProbe();
  const servers = {
    smtps: await startSmtpServer({ secure: true, tls, greetingDelayMs: DETECT_DELAY_MS.smtps }),
    submission: await startSmtpServer({ secure: false, tls, greetingDelayMs: DETECT_DELAY_MS.submission }),
    smtp: await startSmtpServer({ secure: false, tls, greetingDelayMs: DETECT_DELAY_MS.smtp }),
  };
  try {
    const options = { timeoutMs: 10000, ca: tls.cert };
    const slowest = {
      protocol: 'smtp',
      host: '127.0.0.1',
      port: servers.smtp.port,
      starttls: true,
      timeZone: 'UTC',
      auth: true,
      username: USER,
      password: PASSWORD,
      allowSendToAllUsers: true,
      connectionTimeoutMs: 15000,
    };
    const ports = { smtps: servers.smtps.port, submission: servers.submission.port, smtp: servers.smtp.port };
    const timed = async (work) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const result = await sideBySide(
      () =>
        timed(async () => {
          const report = await probeSmtp(slowest, options);
          if (!report.ok) throw new Misbehaved(`single-port probe failed: ${report.failure?.message ?? report.summary}`);
        }),
      () =>
        timed(async () => {
          const detected = await detectSettings('127.0.0.1', { ...options, ports, username: USER, password: PASSWORD });
          if (!detected.recommended) throw new Misbehaved('detection recommended nothing');
        }),
    );
    return ratioCells(result, 1.5, 'slowest port alone');
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.close()));
  }
}

/** Every question answered through the pty, then the file written; the child reports its peak RSS. */
async function measureWizardMemory(dir, emptyDir, tls, probe) {
  const server = probe ? await startSmtpServer({ secure: false, tls }) : undefined;
  try {
    const answers = {
      [FIRST_QUESTION]: '\r',
      'Outbound e-mail protocol': '\r',
      // The certificate's name: an IP address with TLS would bring the wizard's name question.
      'Mail host': 'localhost\r',
      Port: `${server?.port ?? 2525}\r`,
      'Use STARTTLS?': 'y\r',
      'Time zone for notifications': '\r',
      'Does the mail server require authentication?': 'y\r',
      'User name or e-mail address': `${USER}\r`,
      Password: `${PASSWORD}\r`,
      'Allow users to send e-mail to the All Users group?': '\r',
      'Write installer.properties?': '\r',
      'Send a test message to': '\r',
    };
    const args = ['--require', PEAK_RSS_HOOK, CLI, ...(probe ? ['--ca-file', tls.caFile] : ['--no-probe'])];
    const wizardRun = async (env) => {
      await rm(join(emptyDir, 'installer.properties'), { force: true });
      return runOnPty(args, { cwd: emptyDir, env, answers });
    };
    const nodeRun = (env) => runNode(['--require', PEAK_RSS_HOOK, '-e', '0'], { env });
    const peaks = await sideBySide(
      () => peakRss(dir, nodeRun),
      () => peakRss(dir, wizardRun),
    );
    return memoryCells(peaks, peaks.highest < 100 * 1024);
  } finally {
    await server?.close();
  }
}

/** The machine, and a warning when other work competed for it (the ratios hold up better than the times). */
function machineLines() {
  const cpus = os.availableParallelism();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`;
  const loads = os.loadavg();
  const lines = [
    `Machine: ${cpus} CPUs (nproc), ${cpu}, ${memory}, ${os.type()} ${os.release()}, Node ${process.version}; load average ${loads.map((value) => value.toFixed(2)).join(' ')} at the start; ${RUNS} runs per figure, alternating with the baseline; ${new Date().toISOString()}.`,
  ];
  const [lastMinute = 0] = loads;
  if (lastMinute > cpus) {
    lines.push(
      `The machine was busy (load average ${lastMinute.toFixed(1)} on ${cpus} CPUs): every time is stretched and noisy; for figures to quote, rerun on a quiet machine or with more --runs.`,
    );
  }
  return lines;
}

if (!existsSync(BUNDLE)) {
  console.error('bench: dist/cli.js is missing: run `npm run bench` (it builds first) or `npm run build`');
  process.exit(1);
}
const machine = machineLines();
const dir = await mkdtemp(join(os.tmpdir(), 'teaming-mail-bench-'));
try {
  const caFile = join(dir, 'ca.pem');
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
  await writeFile(caFile, pems.cert);
  const tls = { key: pems.private, cert: pems.cert, caFile };
  const notes = [];
  const rows = await measure(dir, tls, probeBuilt(), notes);
  const header = ['figure', 'median', 'baseline', 'ratio', 'target', 'pass/fail'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => ' --- ').join('|')}|`);
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
  console.log();
  if (earlyTalkerPauseKept)
    notes.push("smtp-server's internals changed: its 100 ms pause before each greeting was not skipped, and weighs on every `check` figure.");
  for (const note of notes) console.log(`${note}\n`);
  console.log(machine.join('\n\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}
