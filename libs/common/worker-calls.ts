// Calls to a worker thread that answers each message with one reply carrying the same id: the
// bookkeeping the embedded store's writer and the access log's writer share.
import type { Worker } from 'node:worker_threads';

/** What a worker sends back for a call: its id, and an error if the call failed there. */
export interface WorkerReply {
  id: number;
  error?: { message: string; code?: string };
}

/**
 * Sends calls to `worker` and resolves each with its reply (rejects with its error). The worker keeps
 * the process alive only while a call waits. If the worker fails or stops, every waiting call and
 * every later one is rejected with that failure.
 */
export class WorkerCalls<R extends WorkerReply> {
  private readonly waiting = new Map<number, { resolve(reply: R): void; reject(e: Error): void }>();
  private nextId = 1;
  private failed: Error | undefined;

  /** `name` says which thread stopped, in the error ("the ledger's writer thread"). */
  constructor(private readonly worker: Worker, name: string) {
    worker.unref();
    worker.on('message', (m: R) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error) w.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else w.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${name} stopped (exit code ${code})`)));
  }

  call(message: object): Promise<R> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  /** Sends the worker its closing call, then ends the thread (nothing to do if it already stopped). */
  async close(message: object): Promise<void> {
    if (this.failed) return;
    try {
      await this.call(message);
    } finally {
      await this.worker.terminate();
    }
  }
}
