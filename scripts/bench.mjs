/**
 * `npm run bench`: how fast the built command (dist/cli.js) answers, asks its first question and
 * checks a mail server, and how much memory a whole wizard run takes, each against `node -e 0` on
 * this machine. Every figure runs alternately with its baseline (the order flips each round), so
 * whatever else loads the machine weighs on both alike; the table shows medians.
 *
 * A report, not a test: it exits 0 whatever the figures say, nonzero only when it cannot measure.
 *
 *   node scripts/bench.mjs [--runs N] [--only WORD]
 *
 * --runs (or BENCH_RUNS): rounds per figure, default 20, at least 10. --only: just the figures
 * whose name holds WORD (version, help, question, check, detection, memory).
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

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const PEAK_RSS_HOOK = join(ROOT, 'scripts', 'bench-peak-rss.cjs');
const NODE = process.execPath;
const FIRST_QUESTION = 'Outbound e-mail protocol';
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
function runNode(args, { env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(NODE, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * One child on a pseudo-terminal. With `until`, the clock stops when that text first shows and
 * the child is killed; otherwise at exit, which must be 0. `answers` maps questions to the keys
 * typed when the question (Inquirer's "? <message>") appears; each is answered at most once.
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

function startSmtpServer({ secure, tls, greetingDelayMs = 0 }) {
  const server = new SMTPServer({
    secure,
    key: tls.key,
    cert: tls.cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onConnect: (_session, callback) => setTimeout(callback, greetingDelayMs),
    onAuth: (auth, _session, callback) =>
      auth.username === USER && auth.password === PASSWORD ? callback(null, { user: USER }) : callback(new Error('535 5.7.8 bad credentials')),
    onData: (stream, _session, callback) => stream.resume().on('end', () => callback()),
  });
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

/** `node dist/cli.js ARGS`, failing the row unless its output passes `expected`. */
const cliPrinting = (args, expected, what) => async () => {
  const { ms: time, output } = await runNode([CLI, ...args]);
  if (!expected(output)) throw new Misbehaved(`printed ${JSON.stringify(output.trim().slice(0, 80))}, not ${what}`);
  return time;
};

async function measure(dir, tls, probe) {
  const rows = [];
  const row = async (figure, target, produce) => {
    if (!wanted(figure)) return;
    process.stderr.write(`bench: ${figure}…\n`);
    try {
      const cells = await produce();
      rows.push([figure, cells.median, cells.baseline, cells.ratio, target, cells.pass ? 'pass' : 'FAIL']);
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
    ratioCells(await sideBySide(nodeBaseline, cliPrinting(['--version'], (output) => output.trim() === version, version)), 1.3),
  );
  await row('`--help`', '≤ 1.5 ×', async () =>
    ratioCells(await sideBySide(nodeBaseline, cliPrinting(['--help'], (output) => output.includes('Usage:'), 'the usage')), 1.5),
  );
  await row('first question on a pty', '≤ 2 ×', async () => {
    const nodeOnPty = async () => (await runOnPty(['-e', '0'], { cwd: emptyDir })).ms;
    const firstQuestion = async () => (await runOnPty([CLI], { cwd: emptyDir, until: FIRST_QUESTION })).ms;
    return ratioCells(await sideBySide(nodeOnPty, firstQuestion), 2, 'node -e 0 on a pty');
  });

  const checkFigure = '`check`, STARTTLS + AUTH on 127.0.0.1';
  const detectFigure = `TLS-mode detection, 3 ports (greetings after ${Object.values(DETECT_DELAY_MS).join('/')} ms)`;
  const detectTarget = '≤ 1.5 × slowest port alone';
  if (probe) {
    const server = await startSmtpServer({ secure: false, tls });
    try {
      // The default file in the working folder: the figure does not hinge on how -f is parsed.
      await writeFile(join(dir, 'installer.properties'), propertiesFor(server.port));
      const check = async () => (await runNode([CLI, 'check', '--ca-file', tls.caFile], { cwd: dir })).ms;
      await row(checkFigure, '≤ 4 ×', async () => ratioCells(await sideBySide(nodeBaseline, check), 4));
    } finally {
      await server.close();
    }
    await row(detectFigure, detectTarget, () => measureDetection(tls));
  } else {
    notBuilt(checkFigure, '≤ 4 ×');
    notBuilt(detectFigure, detectTarget);
  }

  await row(`peak memory, whole wizard run (${probe ? 'with' : 'without'} probe)`, '< 100 MB', () =>
    measureWizardMemory(dir, emptyDir, tls, probe),
  );
  return rows;
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
      protocol: 'smtp', host: '127.0.0.1', port: servers.smtp.port, starttls: true, timeZone: 'UTC',
      auth: true, username: USER, password: PASSWORD, allowSendToAllUsers: true, connectionTimeoutMs: 15000,
    };
    const ports = { smtps: servers.smtps.port, submission: servers.submission.port, smtp: servers.smtp.port };
    const timed = async (work) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const result = await sideBySide(
      () => timed(async () => {
        const report = await probeSmtp(slowest, options);
        if (!report.ok) throw new Misbehaved(`single-port probe failed: ${report.failure?.message ?? report.summary}`);
      }),
      () => timed(async () => {
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
      'Mail host': '127.0.0.1\r',
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
    const peaks = await sideBySide(() => peakRss(dir, nodeRun), () => peakRss(dir, wizardRun));
    return {
      median: `${mb(peaks.subject)} (highest ${mb(peaks.highest)})`,
      baseline: `${mb(peaks.baseline)} (node -e 0)`,
      ratio: `${(peaks.subject / peaks.baseline).toFixed(2)} ×`,
      pass: peaks.highest < 100 * 1024,
    };
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
  if (loads[0] > cpus) {
    lines.push(`The machine was busy (load average ${loads[0].toFixed(1)} on ${cpus} CPUs): every time is stretched and noisy; for figures to quote, rerun on a quiet machine or with more --runs.`);
  }
  return lines;
}

if (!existsSync(CLI)) {
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
  const rows = await measure(dir, tls, probeBuilt());
  const header = ['figure', 'median', 'baseline', 'ratio', 'target', 'pass/fail'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => ' --- ').join('|')}|`);
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
  console.log();
  console.log(machine.join('\n\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}
