// Preloaded by scripts/bench.mjs (`node --require`): at exit, writes this process's peak resident
// set size in kB (getrusage ru_maxrss, the kernel's high-water mark) to $BENCH_PEAK_RSS_FILE.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
