// How fast this machine's CPU is right now: the CPU time (ms, user + system) of one fixed
// single-threaded workload (SHA-256 of 200 MiB, an integer loop, 300,000 JSON round trips). Lower is
// faster. On this project's 2-core machines the same workload has taken from about 860 ms (a quiet
// host) to about 2,000 ms (the same VM an hour later, nothing else running in it): the host's other
// tenants change what a CPU-second buys. `npm run bench` prints it before and after each section, so
// that tables taken on different days can be read against each other. `node scripts/cpu-probe.mjs`
import { createHash } from 'node:crypto';

const start = process.cpuUsage();
const buf = Buffer.alloc(1 << 20, 7);
for (let i = 0; i < 200; i++) createHash('sha256').update(buf).digest();
let x = 0;
for (let i = 0; i < 3e7; i++) x = (x * 31 + i) | 0;
let n = 0;
for (let i = 0; i < 3e5; i++) n += JSON.parse(JSON.stringify({ a: i, b: `x${i}`, c: [i, i + 1] })).c.length;
const used = process.cpuUsage(start);
if (x === 1 && n === 0) process.exitCode = 1; // keeps the results live
console.log(Math.round((used.user + used.system) / 1000));
