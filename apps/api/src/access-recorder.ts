// Writes a case-level read to the access log BEFORE the data leaves: if the entry cannot be written,
// the read fails (503).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ACCESS_LOG, type AccessLog } from '../../../libs/access-log/port.js';
import type { ApiConfig } from './config.js';
import type { ApiRequest } from './http-types.js';
import { Metrics } from './observability.js';
import { ProblemError } from './problem.js';
import { API_CONFIG } from './tokens.js';

@Injectable()
export class AccessRecorder {
  private readonly logger = new Logger('access-log');
  constructor(
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: Metrics,
  ) {}

  async record(req: ApiRequest, target: { caseId?: string; filter?: Record<string, string> }): Promise<void> {
    if (this.config.benchNoAuth) return;
    const p = req.principal;
    if (!p || !req.purpose || !req.action) throw new ProblemError(500, 'internal', 'Internal Server Error', 'a logged read without its principal or purpose');
    try {
      await this.log.record({
        sub: p.sub, role: p.role, force: p.force, action: req.action,
        caseId: target.caseId ?? null, filter: target.filter ?? null, purpose: req.purpose,
      });
    } catch (e) {
      this.logger.error(`could not write the access log (${(e as Error)?.name ?? 'error'})`);
      throw new ProblemError(503, 'access_log.unavailable', 'Service Unavailable', 'the read could not be recorded in the access log, so it was not served');
    }
    this.metrics.accessLogged.inc();
  }
}
