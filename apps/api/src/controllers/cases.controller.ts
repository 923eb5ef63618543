import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RecordCaseEvent, type RecordResult } from '../../../../libs/case-ledger/application/record-case-event.js';
import { ExportEvents, GetTimeline } from '../../../../libs/case-ledger/application/queries/ledger-queries.js';
import { CLOCK, type Clock } from '../../../../libs/case-ledger/application/ports.js';
import { VersionConflictError } from '../../../../libs/case-ledger/domain/errors.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { Access } from '../auth/policy.js';
import { AccessRecorder } from '../access-recorder.js';
import type { ApiRequest, HttpResponse } from '../http-types.js';
import { Metrics } from '../observability.js';
import { problemOf } from '../problem.filter.js';
import { ProblemError } from '../problem.js';
import { asOfParam, expectedVersionOf, queryOf } from '../request-params.js';
import { sendLines } from './ndjson.js';

const PURPOSE_HEADER = { name: 'X-Purpose', required: true, description: 'Why the case-level data is read; recorded in the access log.' };
const RETRIES = 3;

export interface AppendSummary { status: 'appended' | 'duplicate'; version: number; events: { eventId: string; position: number; streamVersion: number }[] }

@ApiTags('cases')
@ApiBearerAuth()
@Controller()
export class CasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly policy: AccessPolicy,
    private readonly recorder: AccessRecorder,
    private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Appends one line through the command handler, which commits the lines that arrive together in one
   * transaction (group commit); without an expected version, a lost race is retried (the caller asked
   * for no particular version).
   */
  private async append(line: unknown, expected: number | 'any'): Promise<RecordResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.commands.execute(new RecordCaseEvent(line, this.clock.now(), expected));
        const first = r.events[0];
        if (r.status === 'appended' && first?.type === 'CaseReported') this.policy.reported(first.metadata.caseId, first.data.force);
        this.metrics.appends.inc({ outcome: r.status }, r.status === 'appended' ? r.events.length : 1);
        return r;
      } catch (e) {
        if (!(e instanceof VersionConflictError) || expected !== 'any' || attempt >= RETRIES) {
          this.metrics.appends.inc({ outcome: 'rejected' });
          throw e;
        }
      }
    }
  }

  @Post('cases/:caseId/events')
  @Access('case.append')
  @ApiOperation({ summary: 'Record one case action (an interchange line). Officers, own force.' })
  @ApiParam({ name: 'caseId' })
  @ApiConsumes('application/json')
  @ApiBody({ description: 'One interchange line (events.md); its caseId must be the path\'s.', schema: { type: 'object' } })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The case version the caller last saw, as the ETag "N" (0 for a new case).' })
  @ApiResponse({ status: 201, description: 'Appended; ETag is the new case version.' })
  @ApiResponse({ status: 200, description: 'Duplicate of stored events (idempotent retry); nothing stored.' })
  @ApiResponse({ status: 409, description: 'Version conflict (no If-Match) or eventId conflict.' })
  @ApiResponse({ status: 412, description: 'The case is not at the If-Match version.' })
  @ApiResponse({ status: 422, description: 'Validation or order-rule violation.' })
  async appendOne(@Req() req: ApiRequest, @Res() res: HttpResponse): Promise<void> {
    queryOf(req, []);
    const expected = expectedVersionOf(req);
    const line = req.body;
    if (typeof line === 'object' && line !== null && !Array.isArray(line)) {
      const caseId = (line as { caseId?: unknown }).caseId;
      if (typeof caseId === 'string' && caseId !== req.params.caseId) {
        throw new ProblemError(400, 'request.case_mismatch', 'Bad Request', 'the line\'s caseId is not the case of the path', { field: 'caseId' });
      }
    }
    const r = await this.append(line, expected);
    void res.code(r.status === 'appended' ? 201 : 200).header('ETag', `"${r.version}"`)
      .header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(summary(r)));
  }

  @Post('events/batch')
  @Access('case.batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record many case actions (NDJSON, one interchange line per line, each atomic). Officers, own force.' })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ description: 'Interchange lines, one per line (at most 16 MB).', schema: { type: 'string' } })
  @ApiResponse({ status: 200, description: '{appended, duplicates, rejected, results: [{line, status, ...}]}' })
  async appendBatch(@Req() req: ApiRequest): Promise<unknown> {
    queryOf(req, []);
    const principal = req.principal!;
    const results: Record<string, unknown>[] = [];
    const pending: Promise<void>[] = [];
    // Cases this batch reports (authorised): later lines of the batch may append to them. Lines go to
    // the command handler together, which commits them in arrival order (so each case's lines in order).
    const reportedHere = new Set<string>();
    const rejected = (lineNo: number, e: unknown): Record<string, unknown> => {
      const p = problemOf(e);
      if (p.status >= 500) throw e;
      return { line: lineNo, status: 'rejected', httpStatus: p.status, code: p.code, detail: p.detail, ...(p.field ? { field: p.field } : {}) };
    };
    const lines = (typeof req.body === 'string' ? req.body : '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.replace(/\r$/, '');
      if (text.trim() === '') continue;
      const lineNo = i + 1;
      const slot = results.push({ line: lineNo }) - 1;
      try {
        let line: unknown;
        try {
          line = JSON.parse(text);
        } catch {
          throw new ProblemError(400, 'request.malformed_json', 'Bad Request', 'the line is not valid JSON');
        }
        const l = line as { caseId?: unknown; type?: unknown } | null;
        const caseId = typeof l?.caseId === 'string' ? l.caseId : '';
        if (req.reach !== 'all' && !reportedHere.has(caseId)) await this.policy.authorizeAppend(principal, caseId, line);
        if (l?.type === 'CaseReported' && caseId) reportedHere.add(caseId);
        pending.push(this.append(line, 'any').then(
          (r) => { results[slot] = { line: lineNo, ...summary(r) }; },
          (e) => { results[slot] = rejected(lineNo, e); },
        ));
      } catch (e) {
        results[slot] = rejected(lineNo, e);
      }
    }
    await Promise.all(pending);
    let appended = 0, duplicates = 0, rejectedCount = 0;
    for (const r of results) {
      if (r.status === 'appended') appended++;
      else if (r.status === 'duplicate') duplicates++;
      else rejectedCount++;
    }
    return { appended, duplicates, rejected: rejectedCount, results };
  }

  @Get('cases/:caseId/timeline')
  @Access('case.timeline')
  @ApiOperation({ summary: 'A case\'s events in the order they happened, voided ones marked. Officers and supervisors (own force), inspectors. Access-logged.' })
  @ApiParam({ name: 'caseId' })
  @ApiHeader(PURPOSE_HEADER)
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: the case as known then.' })
  async timeline(@Req() req: ApiRequest): Promise<unknown> {
    const q = queryOf(req, ['asOf']);
    const asOf = asOfParam(q);
    const caseId = req.params.caseId!;
    const entries = await this.queries.execute(new GetTimeline(caseId, asOf));
    await this.recorder.record(req, { caseId, ...(q.asOf !== undefined ? { filter: { asOf: q.asOf } } : {}) });
    return entries;
  }

  @Get('cases/:caseId/events')
  @Access('case.events')
  @ApiOperation({ summary: 'A case\'s stored events as interchange lines, ledger order. Officers and supervisors (own force), inspectors. Access-logged.' })
  @ApiParam({ name: 'caseId' })
  @ApiHeader(PURPOSE_HEADER)
  @ApiQuery({ name: 'asOf', required: false })
  @ApiProduces('application/x-ndjson')
  async events(@Req() req: ApiRequest, @Res() res: HttpResponse): Promise<void> {
    const q = queryOf(req, ['asOf']);
    const asOf = asOfParam(q);
    const caseId = req.params.caseId!;
    const lines = await this.queries.execute(new ExportEvents(caseId, asOf));
    await this.recorder.record(req, { caseId, ...(q.asOf !== undefined ? { filter: { asOf: q.asOf } } : {}) });
    sendLines(res, lines);
  }
}

function summary(r: RecordResult): { status: 'appended' | 'duplicate'; version: number; events: { eventId: string; position: number; streamVersion: number }[] } {
  return {
    status: r.status,
    version: r.version,
    events: r.events.map((e) => ({ eventId: e.metadata.eventId, position: e.position, streamVersion: e.streamVersion })),
  };
}
