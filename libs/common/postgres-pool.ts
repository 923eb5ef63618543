import type pg from 'pg';

/**
 * A pool configuration whose connections run without JIT compilation. The ledger's statements are
 * short look-ups and writes, and the planner estimates them from statistics taken while a table was
 * much smaller (or none, on a fresh table an import is filling), which can put their cost above
 * jit_above_cost: the importer's look-up of a chunk's cases was then compiled for ~170 ms each time,
 * to read a few index pages (regression: issue 2). Set on each new connection before the pool hands
 * it out (a failure is ignored: a server without the setting); the config's own `onConnect` runs after.
 */
export function withoutJit(config: pg.PoolConfig): pg.PoolConfig {
  const given = config.onConnect;
  return {
    ...config,
    onConnect: async (client) => {
      await client.query('SET jit = off').catch(() => {});
      await given?.(client);
    },
  };
}
