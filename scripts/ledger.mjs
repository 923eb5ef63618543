// `npm run ledger -- ...`: brings dist/ up to date with the sources (a no-op when nothing changed),
// then runs the command line. `--bench` runs the benchmarks instead.
import { build } from './build.mjs';

await build();
if (process.argv[2] === '--bench') {
  const { main } = await import('../dist/bench/main.js');
  await main(process.argv.slice(3));
} else {
  const { main } = await import('../dist/apps/cli/src/main.js');
  await main(process.argv.slice(2));
}
