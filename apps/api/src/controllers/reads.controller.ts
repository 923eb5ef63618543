import { Controller, Get, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ExportEvents, VerifyLedger } from '../../../../libs/case-ledger/application/queries/ledger-queries.js';
import { GetView } from '../../../../libs/projections/views.module.js';
import { parseViewParams, viewToCsv, VIEW_NAMES, VIEW_PARAM_NAMES, type ViewName } from '../../../../libs/views/query.js';
import { Access } from '../auth/policy.js';
import { AccessRecorder } from '../access-recorder.js';
import type { ApiRequest, HttpResponse } from '../http-types.js';
import { Pseudonymiser } from '../pseudonymise.js';
import { badParam, ProblemError } from '../problem.js';
import { asOfParam, negotiate, queryOf } from '../request-params.js';
import { sendLines } from './ndjson.js';

@ApiTags('views')
@ApiBearerAuth()
@Controller()
export class ViewsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('views/:name')
  @Access('views.read')
  @ApiOperation({ summary: 'One of the four views (views.md), as JSON or CSV by Accept. Supervisors (own force only: the force filter is forced to theirs), inspectors, analysts.' })
  @ApiParam({ name: 'name', enum: [...VIEW_NAMES] })
  @ApiQuery({ name: 'asOf', required: false }) @ApiQuery({ name: 'reportedFrom', required: false }) @ApiQuery({ name: 'reportedTo', required: false })
  @ApiQuery({ name: 'force', required: false }) @ApiQuery({ name: 'borough', required: false }) @ApiQuery({ name: 'team', required: false })
  @ApiQuery({ name: 'groupBy', required: false })
  @ApiProduces('application/json', 'text/csv')
  async view(@Req() req: ApiRequest, @Res() res: HttpResponse): Promise<void> {
    const name = req.params.name!;
    if (!(VIEW_NAMES as readonly string[]).includes(name)) throw new ProblemError(404, 'view.not_found', 'Not Found', `no view "${name}"; one of ${VIEW_NAMES.join(', ')}`);
    const q = queryOf(req, VIEW_PARAM_NAMES);
    const format = negotiate(req, ['application/json', 'text/csv']);
    const raw: Record<string, string | undefined> = { ...q };
    if (req.reach === 'own-force') raw.force = req.principal!.force!;
    const params = parseViewParams(raw);
    const answer = await this.queries.execute(new GetView(name as ViewName, params));
    void res.code(200).header('Cache-Control', 'no-store');
    if (format === 'text/csv') void res.header('Content-Type', 'text/csv; charset=utf-8').send(viewToCsv(name as ViewName, answer.view));
    else void res.header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(answer.view));
  }
}

@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(private readonly queries: QueryBus, private readonly recorder: AccessRecorder) {}

  @Get('export')
  @Access('export')
  @ApiOperation({ summary: 'The stored events as interchange lines, ledger order. Inspectors; analysts get no free text and keyed hashes instead of identifiers (a new key per export). Access-logged.' })
  @ApiHeader({ name: 'X-Purpose', required: true })
  @ApiQuery({ name: 'caseId', required: false, description: 'Inspectors only.' }) @ApiQuery({ name: 'asOf', required: false })
  @ApiProduces('application/x-ndjson')
  async export(@Req() req: ApiRequest, @Res() res: HttpResponse): Promise<void> {
    const q = queryOf(req, ['caseId', 'asOf']);
    const asOf = asOfParam(q);
    const pseudonymised = req.reach === 'pseudonymised';
    if (pseudonymised && q.caseId !== undefined) throw badParam('caseId', 'a pseudonymised export covers every case; caseId is not available');
    if (q.caseId !== undefined && q.caseId.trim() === '') throw badParam('caseId', 'caseId must not be empty');
    const lines = await this.queries.execute(new ExportEvents(q.caseId, asOf));
    const filter: Record<string, string> = { ...(q.asOf !== undefined ? { asOf: q.asOf } : {}), ...(pseudonymised ? { variant: 'pseudonymised' } : {}) };
    await this.recorder.record(req, { ...(q.caseId !== undefined ? { caseId: q.caseId } : {}), filter });
    if (pseudonymised) {
      const p = new Pseudonymiser();
      sendLines(res, lines, (l) => p.line(l));
    } else sendLines(res, lines);
  }

  @Get('verify')
  @Access('verify')
  @ApiOperation({ summary: 'Checks every event\'s hash and the chain. Inspectors.' })
  async verify(@Req() req: ApiRequest): Promise<unknown> {
    queryOf(req, []);
    return this.queries.execute(new VerifyLedger());
  }
}
