import pg from 'pg';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from './open-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';
import { PostgresEventStore, quoteIdent } from './postgres/postgres-event-store.js';

const URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

describe('openEventStore', () => {
  test('the embedded store in dataDir (created on first use) when no databaseUrl is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-open-'));
    try {
      const store = await openEventStore({ dataDir: join(dir, 'a', 'b') });
      expect(store).toBeInstanceOf(SqliteEventStore);
      expect(existsSync(join(dir, 'a', 'b', 'ledger.sqlite'))).toBe(true);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL for a postgres:// or postgresql:// URL, in the schema of its search_path', async () => {
    const schema = `open_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: URL });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      for (const scheme of ['postgres:', 'postgresql:']) {
        const url = new globalThis.URL(URL);
        url.protocol = scheme;
        url.searchParams.set('options', `-c search_path=${schema}`);
        const store = await openEventStore({ databaseUrl: url.toString(), dataDir: '' });
        expect(store).toBeInstanceOf(PostgresEventStore);
        expect((store as PostgresEventStore).schema).toBe(schema);
        expect(await store.head()).toEqual({ position: 0, hash: '0'.repeat(64) });
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await admin.end();
    }
  });

  test('refuses a databaseUrl that is not PostgreSQL rather than silently using the embedded store', async () => {
    await expect(openEventStore({ databaseUrl: 'mysql://localhost/x', dataDir: '/nonexistent' })).rejects.toThrow(/postgres:\/\//);
  });
});
