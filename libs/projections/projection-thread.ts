// The case-digest projection folded on a worker thread (projection-worker.ts), so that folding and
// committing batches of the log never holds up the thread that serves requests. The worker has its
// own connections and writes the read model exactly as the in-process runner does (rows and
// checkpoint in one transaction); this thread only learns, in commit order, which rows changed
// (their facts as stored text) and the new checkpoint.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerConfig } from '../case-ledger/ledger-config.js';
import type { Checkpoint } from './read-model-store.js';
import type { Progress, Projector } from './projection-runner.js';

type Failure = { message: string; name: string };
export type ToWorker =
  | { type: 'catchUp' | 'checkpoint' | 'rebuild' | 'facts' | 'close'; id: number }
  | { type: 'follow' };
export type FromWorker =
  | { type: 'ready' }
  /** One commit: the keys it wrote, their facts as stored, and the checkpoint it moved to. */
  | { type: 'commit'; keys: string[]; facts: string[]; checkpoint: Checkpoint }
  | { type: 'reply'; id: number; checkpoint?: Checkpoint; error?: Failure }
  | { type: 'progress'; id: number; progress: Progress }
  /** Every row's facts and the checkpoint they hold at (only commits after it are reported after it). */
  | { type: 'facts'; id: number; keys: string[]; facts: string[]; checkpoint: Checkpoint }
  | { type: 'error'; error: Failure };

/** The worker's entry: the built JavaScript beside this module (absent when running from TypeScript sources). */
export const PROJECTION_WORKER = new URL('./projection-worker.js', import.meta.url);

/** Whether the worker can be started here (from the built dist/, not from TypeScript sources under a test runner). */
export function projectionThreadAvailable(entry: URL = PROJECTION_WORKER): boolean {
  return entry.protocol === 'file:' && existsSync(fileURLToPath(entry));
}

export interface ProjectionThreadListener {
  /** After each commit of the worker, in commit order: the rows' keys, their facts as stored text, the checkpoint. */
  committed(keys: string[], facts: string[], checkpoint: Checkpoint): void;
  /**
   * The worker stopped unexpectedly (a new one is started): a commit it made may not have been
   * reported, so whatever was built from the reports must be loaded again.
   */
  lost(): void;
}

interface Pending { resolve(v: unknown): void; reject(e: Error): void; onProgress?: ((p: Progress) => void) | undefined }

export class ProjectionThread implements Projector {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private latest: Checkpoint | undefined;
  private onError: ((e: unknown) => void) | undefined;
  private following = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: LedgerConfig,
    private readonly listener: ProjectionThreadListener,
    private readonly entry: URL = PROJECTION_WORKER,
  ) {}

  /** The checkpoint of the worker's last commit (asked for when none was reported yet). */
  async checkpoint(): Promise<Checkpoint> {
    return this.latest ?? (await this.request('checkpoint')) as Checkpoint;
  }

  /** Has the worker apply everything appended before this call; resolves once this thread knows of every commit that took. */
  async catchUp(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return await this.request('catchUp', onProgress) as Checkpoint;
  }

  async rebuild(onProgress?: (p: Progress) => void): Promise<Checkpoint> {
    return await this.request('rebuild', onProgress) as Checkpoint;
  }

  /** Every row's facts (as stored) and the checkpoint they hold at; later commits are reported after it. */
  async allFacts(): Promise<{ keys: string[]; facts: string[]; checkpoint: Checkpoint }> {
    return await this.request('facts') as { keys: string[]; facts: string[]; checkpoint: Checkpoint };
  }

  /** The worker follows the log (catching up, then waiting for appends) until `signal` aborts. */
  async follow(signal: AbortSignal, onError?: (e: unknown) => void): Promise<void> {
    if (signal.aborted) return;
    this.onError = onError;
    this.following = true;
    const worker = this.start();
    worker.postMessage({ type: 'follow' } satisfies ToWorker);
    worker.ref();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await this.close();
  }

  /** Stops following, closes the worker's connections and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      try {
        await this.request('close');
      } catch {
        // it stopped already
      } finally {
        await worker.terminate();
      }
    })();
    return this.closing;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.entry, { workerData: { config: this.config } });
    this.worker = worker;
    // Only following, or a request in flight, keeps the process alive.
    worker.unref();
    worker.on('message', (m: FromWorker) => this.receive(m));
    const fail = (e: Error) => {
      if (this.worker !== worker) return; // reported already ('error' then 'exit')
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.closing) return;
      this.latest = undefined;
      this.listener.lost();
      this.onError?.(e);
      if (this.following) {
        // Follow again with a new worker; it resumes from the durable checkpoint.
        setTimeout(() => {
          if (this.closing || this.worker) return;
          const next = this.start();
          next.postMessage({ type: 'follow' } satisfies ToWorker);
          next.ref();
        }, 250).unref();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the projection thread stopped (exit code ${code})`)));
    return worker;
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'commit':
        this.latest = m.checkpoint;
        this.listener.committed(m.keys, m.facts, m.checkpoint);
        return;
      case 'facts': {
        this.latest = m.checkpoint;
        const p = this.pending.get(m.id);
        p?.resolve({ keys: m.keys, facts: m.facts, checkpoint: m.checkpoint });
        if (p) p.resolve = () => {}; // its 'reply' follows
        return;
      }
      case 'progress':
        this.pending.get(m.id)?.onProgress?.(m.progress);
        return;
      case 'reply': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0 && !this.following) this.worker?.unref();
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
        else {
          if (m.checkpoint) this.latest = m.checkpoint;
          p.resolve(m.checkpoint);
        }
        return;
      }
      case 'error':
        this.onError?.(Object.assign(new Error(m.error.message), { name: m.error.name }));
        return;
      case 'ready':
        return;
    }
  }

  private request(type: 'catchUp' | 'checkpoint' | 'rebuild' | 'facts' | 'close', onProgress?: (p: Progress) => void): Promise<unknown> {
    if (this.closing && type !== 'close') return Promise.reject(new Error('the projection thread is closed'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ type, id } satisfies ToWorker);
    });
  }
}
