import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointConflictError, checkedPart, splitParts, type Checkpoint, type ReadModelRow, type ReadModelStore, type StoredState } from './read-model-store.js';

const PAGE = 5000;

/** A row's state and its parts (those below its count) in index order, joined by line feeds (NULL: none): one statement per state. */
const STATE = `state, (SELECT group_concat(p.text, char(10) ORDER BY p.idx) FROM read_model_part p
  WHERE p.projection = r.projection AND p.key = r.key AND p.idx < r.parts) AS parts`;
interface StateRow { key: string; state: string; parts: string | null }
const stored = (r: StateRow): StoredState => ({ state: r.state, parts: splitParts(r.parts) });

/** Read models in the embedded store's own database file (ledger.sqlite), beside the events. */
export class SqliteReadModelStore implements ReadModelStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'ledger.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // This connection only writes read models: NORMAL (no fsync per commit; WAL mode keeps each commit
    // atomic and a kill -9 loses nothing). A power cut can take the read model back to an earlier
    // checkpoint, from which it catches up; the event store's own connection stays FULL.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS read_model_checkpoint (
        projection TEXT PRIMARY KEY, position INTEGER NOT NULL, max_recorded_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS read_model_row (
        projection TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, facts TEXT NOT NULL,
        parts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (projection, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS read_model_part (
        projection TEXT NOT NULL, key TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (projection, key, idx)) WITHOUT ROWID;
    `);
    // A file from before parts: the row's part count (0 for its rows).
    const columns = this.db.prepare("SELECT name FROM pragma_table_info('read_model_row')").all() as { name: string }[];
    if (!columns.some((c) => c.name === 'parts')) this.db.exec('ALTER TABLE read_model_row ADD COLUMN parts INTEGER NOT NULL DEFAULT 0');
    this.stmts = {
      checkpoint: this.db.prepare('SELECT position, max_recorded_at AS maxRecordedAt FROM read_model_checkpoint WHERE projection = ?'),
      load: this.db.prepare(`SELECT key, ${STATE} FROM read_model_row r WHERE projection = ? AND key = ?`),
      upsert: this.db.prepare(
        'INSERT INTO read_model_row (projection, key, state, facts, parts) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (projection, key) DO UPDATE SET state = excluded.state, facts = excluded.facts, parts = excluded.parts',
      ),
      upsertPart: this.db.prepare(
        'INSERT INTO read_model_part (projection, key, idx, text) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (projection, key, idx) DO UPDATE SET text = excluded.text',
      ),
      setCheckpoint: this.db.prepare(
        'INSERT INTO read_model_checkpoint (projection, position, max_recorded_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (projection) DO UPDATE SET position = excluded.position, max_recorded_at = excluded.max_recorded_at',
      ),
      scanFacts: this.db.prepare('SELECT key, facts FROM read_model_row WHERE projection = ? AND key > ? ORDER BY key LIMIT ?'),
      scanStates: this.db.prepare(`SELECT key, ${STATE} FROM read_model_row r WHERE projection = ? AND key > ? ORDER BY key LIMIT ?`),
      deleteRows: this.db.prepare('DELETE FROM read_model_row WHERE projection = ?'),
      deleteParts: this.db.prepare('DELETE FROM read_model_part WHERE projection = ?'),
      deleteCheckpoint: this.db.prepare('DELETE FROM read_model_checkpoint WHERE projection = ?'),
    };
  }

  async checkpoint(projection: string): Promise<Checkpoint> {
    return (this.stmts.checkpoint.get(projection) as Checkpoint | undefined) ?? { position: 0, maxRecordedAt: 0 };
  }

  async load(projection: string, keys: string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    for (const key of keys) {
      const row = this.stmts.load.get(projection, key) as StateRow | undefined;
      if (row) out.set(row.key, stored(row));
    }
    return out;
  }

  /** Pages of rows in key order (keyset pagination: no OFFSET). */
  private scan<R extends { key: string }>(stmt: Database.Statement, projection: string, onPage: (rows: R[]) => void): void {
    for (let after = ''; ; ) {
      const rows = stmt.all(projection, after, PAGE) as R[];
      if (rows.length) onPage(rows);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  async scanFacts(projection: string, onPage: (rows: { key: string; facts: string }[]) => void): Promise<void> {
    this.scan(this.stmts.scanFacts, projection, onPage);
  }

  async scanStates(projection: string, onPage: (rows: ({ key: string } & StoredState)[]) => void): Promise<void> {
    this.scan<StateRow>(this.stmts.scanStates, projection, (rows) =>
      onPage(rows.map((r) => ({ key: r.key, ...stored(r) }))));
  }

  async commit(projection: string, rows: ReadModelRow[], checkpoint: Checkpoint, expectedFrom: number): Promise<void> {
    this.db.transaction(() => {
      const current = (this.stmts.checkpoint.get(projection) as Checkpoint | undefined)?.position ?? 0;
      if (current !== expectedFrom) throw new CheckpointConflictError(projection, expectedFrom, current);
      for (const r of rows) {
        const parts = r.parts;
        this.stmts.upsert.run(projection, r.key, r.state, r.facts, parts ? parts.from + parts.texts.length : 0);
        if (parts) for (let k = 0; k < parts.texts.length; k++) this.stmts.upsertPart.run(projection, r.key, parts.from + k, checkedPart(projection, r.key, parts.texts[k]!));
      }
      this.stmts.setCheckpoint.run(projection, checkpoint.position, checkpoint.maxRecordedAt);
    }).immediate();
  }

  async reset(projection: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.deleteRows.run(projection);
      this.stmts.deleteParts.run(projection);
      this.stmts.deleteCheckpoint.run(projection);
    }).immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
