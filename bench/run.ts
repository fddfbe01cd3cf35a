/**
 * `npm run bench [-- --only matcher|dedupe]`: every benchmark, each reporting its figures as
 * ratios against a baseline measured in the same run, as markdown on stdout and JSON under
 * bench/results/.
 */
import { runMatcherBench } from './matcher.js';
import { runDedupeMemoryBench } from './dedupe-memory.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const benches: Record<string, () => void | Promise<void>> = { matcher: runMatcherBench, dedupe: runDedupeMemoryBench };
if (only !== undefined && !(only in benches)) {
  process.stderr.write(`bench: unknown benchmark "${only}"; use one of ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (only !== undefined && name !== only) continue;
  process.stdout.write(`\n## ${name}\n\n`);
  await run();
}
