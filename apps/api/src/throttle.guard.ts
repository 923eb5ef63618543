// Rate limits per token subject, applied after the AccessGuard has verified the token (so the key is
// the verified `sub`, not something a client can vary). A fixed window per subject.
//
// Not @nestjs/throttler: version 6 is CommonJS and requires the ESM-only @nestjs/common 12, which Node
// 20 loads (require(esm)) but Jest's ESM mode cannot, so no test could run the guard.
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext, type OnModuleDestroy } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiConfig } from './config.js';
import type { ApiRequest, HttpResponse } from './http-types.js';
import { ProblemError } from './problem.js';
import { API_CONFIG } from './tokens.js';

export const NO_RATE_LIMIT = 'ledger:no-rate-limit';
/** Health and metrics: probes and scrapers are not limited. */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);

@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly reflector: Reflector, @Inject(API_CONFIG) private readonly config: ApiConfig) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, config.rateWindowMs)).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(now = Date.now()): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.config.rateWindowMs) this.windows.delete(k);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<ApiRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const key = req.principal ? `sub:${req.principal.sub}` : `ip:${req.ip ?? 'unknown'}`;
    const now = Date.now();
    const { rateLimit: limit, rateWindowMs: windowMs } = this.config;
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const resetS = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
    void res.header('RateLimit-Limit', limit).header('RateLimit-Remaining', Math.max(0, limit - w.count)).header('RateLimit-Reset', resetS);
    if (w.count > limit) {
      void res.header('Retry-After', resetS);
      throw new ProblemError(429, 'request.rate_limited', 'Too Many Requests', `at most ${limit} requests per ${windowMs / 1000} s for one token; retry after ${resetS} s`);
    }
    return true;
  }
}
