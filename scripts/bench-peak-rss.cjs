// Preloaded by scripts/bench.mjs (`node --require`): at exit, writes this process's peak resident
// set size in kB to $BENCH_PEAK_RSS_FILE. On Linux that is VmHWM from /proc/self/status, the
// high-water mark of this program alone: getrusage's ru_maxrss (process.resourceUsage().maxRSS)
// also keeps the RSS of the forked parent image from before exec, so it would report the bench's
// own size. Elsewhere, ru_maxrss is the best there is.
const { readFileSync, writeFileSync } = require('node:fs');

function peakKb() {
  try {
    const match = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(peakKb())));
