import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ACCESS_LOG, type AccessLog } from '../../../../libs/access-log/port.js';
import { Access } from '../auth/policy.js';
import { AccessRecorder } from '../access-recorder.js';
import type { ApiRequest } from '../http-types.js';
import { intParam, queryOf } from '../request-params.js';

@ApiTags('access log')
@ApiBearerAuth()
@Controller('access-log')
export class AccessLogController {
  constructor(@Inject(ACCESS_LOG) private readonly log: AccessLog, private readonly recorder: AccessRecorder) {}

  @Get()
  @Access('access-log.read')
  @ApiOperation({ summary: 'Entries of the access log from a position. Inspectors. (Reading it is itself recorded.)' })
  @ApiHeader({ name: 'X-Purpose', required: true })
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'limit', required: false })
  async list(@Req() req: ApiRequest): Promise<unknown> {
    const q = queryOf(req, ['from', 'limit']);
    const from = intParam(q, 'from', 1, 1, Number.MAX_SAFE_INTEGER);
    const limit = intParam(q, 'limit', 1000, 1, 10_000);
    await this.recorder.record(req, { filter: { from: String(from), limit: String(limit) } });
    return { entries: await this.log.list(from, limit) };
  }

  @Get('verify')
  @Access('access-log.verify')
  @ApiOperation({ summary: 'Re-checks every access-log entry\'s hash and the chain. Inspectors.' })
  async verify(@Req() req: ApiRequest): Promise<unknown> {
    queryOf(req, []);
    return this.log.verify();
  }
}
