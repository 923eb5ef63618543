// Request log and metrics: method, route template, status and duration only. Never bodies, pseudonyms
// or case ids (the route template has `:caseId`, not the id).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_STORE, type EventStore } from '../../../libs/event-store/port.js';
import { READ_MODEL_STORE, type ReadModelStore } from '../../../libs/projections/read-model-store.js';
import { caseDigestProjection } from '../../../libs/projections/case-digest-projection.js';

@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'ledger_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'ledger_http_request_duration_seconds', help: 'HTTP request latency by method and route template', labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [this.registry],
  });
  readonly appends = new Counter({ name: 'ledger_appends_total', help: 'Case events appended over HTTP by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly accessLogged = new Counter({ name: 'ledger_access_log_entries_total', help: 'Entries written to the access log', registers: [this.registry] });

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
  ) {}

  onModuleInit(): void {
    const { store, readModels } = this;
    new Gauge({
      name: 'ledger_projection_lag_events', help: 'Events in the ledger not yet applied to the views projection', registers: [this.registry],
      async collect() {
        const [head, cp] = await Promise.all([store.head(), readModels.checkpoint(caseDigestProjection.name)]);
        this.set(Math.max(0, head.position - cp.position));
      },
    });
    new Gauge({
      name: 'ledger_head_position', help: 'Position of the last event in the ledger', registers: [this.registry],
      async collect() { this.set((await store.head()).position); },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}

/**
 * The request log: method, route template, status and duration, one line per request, gathered and
 * written at most every 200 ms (or per 64 KB) instead of one write to stdout per request, which cost
 * about 3% of the request thread's CPU under load. On a crash the last 200 ms of lines can be lost:
 * this is an operations log; the access log is the audit record.
 */
export class RequestLog {
  private buf = '';
  private timer: NodeJS.Timeout | undefined;
  private second = -1;
  private stamp = '';

  constructor(private readonly out: { write(text: string): unknown } = process.stdout, private readonly delayMs = 200) {}

  line(text: string): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.stamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    }
    this.buf += `${this.stamp} LOG [http] ${text}\n`;
    if (this.buf.length >= 64 * 1024) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buf === '') return;
    const text = this.buf;
    this.buf = '';
    this.out.write(text);
  }
}

/** Installs the request log (if any) and the request metrics on the Fastify instance (`onRequest` hook). */
export class RequestObserver {
  constructor(private readonly metrics: Metrics, private readonly log: RequestLog | undefined) {}

  install(fastify: FastifyInstance): void {
    const { metrics, log } = this;
    fastify.addHook('onRequest', (req, reply, done) => {
      const started = process.hrtime.bigint();
      // Node's 'finish': also for replies written as streams, and for errors answered before routing.
      reply.raw.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = req.routeOptions.url ?? 'unmatched';
        const method = req.method;
        const status = reply.raw.statusCode;
        metrics.requests.inc({ method, route, status: String(status) });
        metrics.latency.observe({ method, route }, seconds);
        log?.line(`${method} ${route} ${status} ${(seconds * 1000).toFixed(1)}ms`);
      });
      done();
    });
    if (log) fastify.addHook('onClose', (_instance, done) => { log.flush(); done(); });
  }
}
