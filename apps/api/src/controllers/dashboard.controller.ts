// The dashboard's endpoints (issue 5; docs/worklists.md): the page and its assets, the ledger head it
// polls for live refresh, the two distributions behind charts the views only summarise, the
// supervisors' worklists, and the case page (timeline, flags, integrity: one audited read).
import { applyDecorators, Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetLedgerHead, GetTimeline } from '../../../../libs/case-ledger/application/queries/ledger-queries.js';
import { CLOCK, type Clock } from '../../../../libs/case-ledger/application/ports.js';
import type {
  CaseOverviewAnswer, DistributionsAnswer, HeadAnswer, ScopesAnswer, WorklistAnswer, WorklistSummaryAnswer,
} from '../../../../libs/dashboard/dashboard-api.js';
import { DashboardIndex } from '../../../../libs/dashboard/dashboard-index.js';
import { WORKLISTS, WORKLIST_INFO, type WorklistName, type WorklistScope } from '../../../../libs/dashboard/rules/worklist-rules.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/port.js';
import { verifyCase } from '../../../../libs/event-store/integrity/verify-case.js';
import { parseViewParams, type ViewParams } from '../../../../libs/views/query.js';
import { Access } from '../auth/policy.js';
import { AccessRecorder } from '../access-recorder.js';
import type { ApiRequest, HttpResponse } from '../http-types.js';
import { ProblemError } from '../problem.js';
import { intParam, queryOf } from '../request-params.js';
import { NoRateLimit } from '../throttle.guard.js';

const PURPOSE_HEADER = { name: 'X-Purpose', required: true, description: 'Why the case-level data is read; recorded in the access log.' };
const SCOPE_PARAMS = ['force', 'borough', 'team'] as const;

/** The repository root (holds package.json), from src/ or dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the dashboard controller');
    dir = up;
  }
  return dir;
}

const PAGE_CSP = "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';" +
  "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'";

/** The page's files: an allow-list (no path from the request ever reaches the file system). */
const ASSETS: Record<string, { file: string; type: string }> = {
  'app.js': { file: 'apps/dashboard/app.js', type: 'text/javascript; charset=utf-8' },
  'charts.js': { file: 'apps/dashboard/charts.js', type: 'text/javascript; charset=utf-8' },
  'csv.js': { file: 'apps/dashboard/csv.js', type: 'text/javascript; charset=utf-8' },
  'style.css': { file: 'apps/dashboard/style.css', type: 'text/css; charset=utf-8' },
  'chart.umd.min.js': { file: 'node_modules/chart.js/dist/chart.umd.min.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * The query's view parameters (validated as the views validate them: an empty filter is refused,
 * naming it); a supervisor's force is forced to theirs, as on /views.
 */
function viewParamsOf(req: ApiRequest, q: Record<string, string | undefined>, nowMs: number): ViewParams {
  const raw: Record<string, string | undefined> = { ...q };
  if (req.reach === 'own-force') raw.force = req.principal!.force!;
  return parseViewParams(raw, nowMs);
}

function scopeOf(req: ApiRequest, q: Record<string, string>, nowMs: number): WorklistScope {
  const { force, borough, team } = viewParamsOf(req, { force: q.force, borough: q.borough, team: q.team }, nowMs);
  return { force, borough, team };
}

/** The force, borough and team filters in the OpenAPI document. */
const ScopeQueries = () => applyDecorators(
  ApiQuery({ name: 'force', required: false }), ApiQuery({ name: 'borough', required: false }), ApiQuery({ name: 'team', required: false }),
);

const listName = (raw: string | undefined): WorklistName => {
  if (!(WORKLISTS as readonly string[]).includes(raw ?? '')) {
    throw new ProblemError(404, 'worklist.not_found', 'Not Found', `no worklist "${raw}"; one of ${WORKLISTS.join(', ')}`);
  }
  return raw as WorklistName;
};

@ApiTags('dashboard')
@Controller()
export class DashboardPageController {
  private readonly root = repoRoot();

  @Get()
  @Access('public')
  @NoRateLimit()
  @ApiExcludeEndpoint()
  async page(@Res() res: HttpResponse): Promise<void> {
    await this.send(res, 'apps/dashboard/index.html', 'text/html; charset=utf-8');
  }

  @Get('dashboard/assets/:file')
  @Access('public')
  @NoRateLimit()
  @ApiExcludeEndpoint()
  async asset(@Req() req: ApiRequest, @Res() res: HttpResponse): Promise<void> {
    const asset = Object.hasOwn(ASSETS, req.params.file ?? '') ? ASSETS[req.params.file!] : undefined;
    if (asset === undefined) throw new ProblemError(404, 'asset.not_found', 'Not Found', `no dashboard asset "${req.params.file}"`);
    await this.send(res, asset.file, asset.type);
  }

  private async send(res: HttpResponse, file: string, type: string): Promise<void> {
    const body = await readFile(join(this.root, file));
    // Helmet's policy without upgrade-insecure-requests: every resource of the page is same-origin,
    // so the upgrade adds nothing over HTTPS, and over plain HTTP on a LAN it would break the page.
    // (This header replaces the reply's CSP that security-headers.ts added.)
    void res.code(200).header('Content-Type', type).header('Cache-Control', 'no-cache').header('Content-Security-Policy', PAGE_CSP).send(body);
  }
}

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller()
export class DashboardController {
  constructor(
    private readonly queries: QueryBus,
    private readonly index: DashboardIndex,
    private readonly recorder: AccessRecorder,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('dashboard/head')
  @Access('dashboard.head')
  @NoRateLimit()
  @ApiOperation({ summary: 'The ledger head {position, hash}: the dashboard polls it and refreshes when it moves.' })
  async head(@Req() req: ApiRequest): Promise<HeadAnswer> {
    queryOf(req, []);
    return this.queries.execute(new GetLedgerHead());
  }

  @Get('dashboard/scopes')
  @Access('dashboard.scopes')
  @ApiOperation({ summary: 'The (force, borough, team) combinations cases are reported under: the filters\' choices. Supervisors (own force only), inspectors, analysts.' })
  async scopes(@Req() req: ApiRequest): Promise<ScopesAnswer> {
    queryOf(req, []);
    const units = await this.index.scopes();
    return { units: req.reach === 'own-force' ? units.filter((u) => u.force === req.principal!.force) : units };
  }

  @Get('dashboard/distributions')
  @Access('dashboard.distributions')
  @ApiOperation({ summary: 'Days from report to withdrawal (cumulative per day) and victim-device retention (bins), now, over a cohort. Supervisors (own force), inspectors, analysts.' })
  @ApiQuery({ name: 'reportedFrom', required: false }) @ApiQuery({ name: 'reportedTo', required: false }) @ScopeQueries()
  async distributions(@Req() req: ApiRequest): Promise<DistributionsAnswer> {
    const q = queryOf(req, ['reportedFrom', 'reportedTo', ...SCOPE_PARAMS]);
    return this.index.distributions(viewParamsOf(req, q, this.clock.now()));
  }

  @Get('worklists')
  @Access('worklists.summary')
  @ApiOperation({ summary: 'How many rows each worklist has now (no case ids). Supervisors (own force: the force filter is forced), inspectors.' })
  @ScopeQueries()
  async summary(@Req() req: ApiRequest): Promise<WorklistSummaryAnswer> {
    const q = queryOf(req, [...SCOPE_PARAMS]);
    const now = this.clock.now();
    const scope = scopeOf(req, q, now);
    const counts = await this.index.counts(scope, now);
    return {
      asOf: new Date(now).toISOString(), scope,
      lists: WORKLISTS.map((name) => ({ name, ...WORKLIST_INFO[name], count: counts[name] })),
    };
  }

  @Get('worklists/:name')
  @Access('worklists.read')
  @ApiOperation({ summary: 'One worklist\'s rows now, oldest first, each naming its case. Supervisors (own force), inspectors. Access-logged.' })
  @ApiParam({ name: 'name', enum: [...WORKLISTS] })
  @ApiHeader(PURPOSE_HEADER)
  @ScopeQueries()
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 200' }) @ApiQuery({ name: 'offset', required: false })
  async worklist(@Req() req: ApiRequest): Promise<WorklistAnswer> {
    const name = listName(req.params.name);
    const q = queryOf(req, [...SCOPE_PARAMS, 'limit', 'offset']);
    const now = this.clock.now();
    const scope = scopeOf(req, q, now);
    const limit = intParam(q, 'limit', 200, 1, 1000);
    const offset = intParam(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const rows = await this.index.worklist(name, scope, now);
    const filter: Record<string, string> = { worklist: name };
    for (const k of SCOPE_PARAMS) if (scope[k] !== null) filter[k] = scope[k]!;
    await this.recorder.record(req, { filter });
    return { name, ...WORKLIST_INFO[name], asOf: new Date(now).toISOString(), scope, total: rows.length, offset, rows: rows.slice(offset, offset + limit) };
  }

  @Get('cases/:caseId/overview')
  @Access('case.overview')
  @ApiOperation({ summary: 'The case page: timeline (voided entries marked), the flags and worklists that apply now, and the case\'s integrity check. Officers and supervisors (own force), inspectors. Access-logged.' })
  @ApiParam({ name: 'caseId' })
  @ApiHeader(PURPOSE_HEADER)
  async caseOverview(@Req() req: ApiRequest): Promise<CaseOverviewAnswer> {
    queryOf(req, []);
    const caseId = req.params.caseId!;
    const now = this.clock.now();
    const [timeline, summary, integrity] = await Promise.all([
      this.queries.execute(new GetTimeline(caseId)),
      this.index.caseSummary(caseId, now),
      verifyCase(this.store, caseId),
    ]);
    await this.recorder.record(req, { caseId });
    return { caseId, asOf: new Date(now).toISOString(), timeline, summary, integrity };
  }
}
