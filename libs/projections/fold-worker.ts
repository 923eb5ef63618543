// Worker thread of the runner's parallel catch-up: opens the log (its own connection), imports the
// projection, and folds one partition of each range it is asked for (a LocalFolder). States it
// does not hold are asked of the main thread, which reads them from the read model.
import { parentPort, workerData } from 'node:worker_threads';
import { openPostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import type { KeyedProjection } from './keyed-projection.js';
import { LocalFolder } from './partition-fold.js';
import type { StoredState } from './read-model-store.js';
import type { FoldWorkerData, FromWorker, ToWorker } from './fold-workers.js';

const port = parentPort!;
const data = workerData as FoldWorkerData;
const post = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  if (data.source.kind !== 'postgres') throw new Error(`no partitioned reader for a ${String(data.source.kind)} store`);
  const { connectionString, schema } = data.source;
  const store = await openPostgresEventStore(connectionString, schema !== undefined ? { schema } : {});
  const mod = (await import(data.projection.url)) as Record<string, KeyedProjection<unknown, unknown>>;
  const projection = mod[data.projection.name];
  if (!projection) throw new Error(`${data.projection.url} exports no ${data.projection.name}`);
  let nextLoad = 0;
  const loads = new Map<number, (rows: Map<string, StoredState>) => void>();
  const folder = new LocalFolder(store, projection, data.partition, data.partitions, (keys) => new Promise((resolve) => {
    const id = nextLoad++;
    loads.set(id, resolve);
    post({ type: 'load', id, keys });
  }), data.cacheSize);
  // The folder folds in the order asked (reading ahead); `committed` comes after the fold it is about.
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'fold':
        folder.fold(m.from, m.to).then(
          (result) => post({ type: 'folded', id: m.id, result }),
          (e: unknown) => post({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) }),
        );
        break;
      case 'loaded':
        loads.get(m.id)?.(new Map(m.rows));
        loads.delete(m.id);
        break;
      case 'committed':
        folder.committed();
        break;
      case 'close':
        void folder.close().then(() => store.close()).finally(() => port.close());
        break;
    }
  });
  post({ type: 'ready' });
}

main().catch((e: unknown) => post({ type: 'failed', id: -1, message: e instanceof Error ? e.message : String(e) }));
