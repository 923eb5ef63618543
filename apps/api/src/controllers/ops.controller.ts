import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { NoRateLimit } from '../throttle.guard.js';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RebuildProjections } from '../../../../libs/projections/views.module.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/port.js';
import { ACCESS_LOG, type AccessLog } from '../../../../libs/access-log/port.js';
import { localKeys, publicJwk } from '../auth/local-keys.js';
import { Access } from '../auth/policy.js';
import type { ApiConfig } from '../config.js';
import type { ApiRequest, HttpResponse } from '../http-types.js';
import { Metrics } from '../observability.js';
import { queryOf } from '../request-params.js';
import { API_CONFIG } from '../tokens.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminController {
  constructor(private readonly commands: CommandBus, @Inject(API_CONFIG) private readonly config: ApiConfig) {}

  @Post('rebuild')
  @HttpCode(200)
  @Access('admin.rebuild')
  @ApiOperation({ summary: 'Recomputes the views\' read models from the ledger. Admins.' })
  async rebuild(@Req() req: ApiRequest): Promise<unknown> {
    queryOf(req, []);
    const started = Date.now();
    const cp = await this.commands.execute(new RebuildProjections());
    return { rebuilt: true, position: cp.position, seconds: (Date.now() - started) / 1000 };
  }

  @Get('keys')
  @Access('admin.keys')
  @ApiOperation({ summary: 'Where token verification keys come from, and the local public key when it is the one trusted. Admins.' })
  async keys(@Req() req: ApiRequest): Promise<unknown> {
    queryOf(req, []);
    const c = this.config;
    const mode = c.jwksUrl ? 'jwks' : c.jwtPublicKey ? 'public-key' : 'local';
    return {
      mode, issuer: c.issuer, audience: c.audience, algorithms: ['RS256', 'ES256'],
      ...(c.jwksUrl ? { jwksUrl: c.jwksUrl } : {}),
      ...(mode === 'local' ? { keys: [await publicJwk(await localKeys(c.ledger.dataDir))] } : {}),
    };
  }
}

@ApiTags('operations')
@NoRateLimit()
@Controller()
export class OpsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  @Access('public')
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  live(): unknown {
    return { status: 'ok' };
  }

  @Get('health')
  @Access('public')
  @ApiOperation({ summary: 'Readiness: the event store and the access log answer (503 otherwise).' })
  async ready(@Res() res: HttpResponse): Promise<void> {
    const check = async (f: () => Promise<unknown>) => {
      try {
        await Promise.race([f(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
        return 'up';
      } catch {
        return 'down';
      }
    };
    const [eventStore, accessLog] = await Promise.all([check(() => this.store.head()), check(() => this.accessLog.ping())]);
    const ok = eventStore === 'up' && accessLog === 'up';
    void res.code(ok ? 200 : 503).header('Content-Type', 'application/json; charset=utf-8').header('Cache-Control', 'no-store')
      .send(JSON.stringify({ status: ok ? 'ok' : 'unavailable', checks: { eventStore, accessLog } }));
  }

  @Get('metrics')
  @Access('public')
  @ApiExcludeEndpoint()
  async scrape(@Res() res: HttpResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    void res.code(200).header('Content-Type', this.metrics.registry.contentType).send(text);
  }
}
