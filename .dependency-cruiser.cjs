/** Dependency rules of the ledger, enforced by `npm run lint:deps` (part of `npm test`). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'A domain folder imports nothing from Nest, a database driver or another layer: only other domain code and pure node built-ins (crypto, util). Its specs may read fixture files.',
      severity: 'error',
      from: { path: '(^|/)domain/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['(^|/)domain/', '^node:', '^(crypto|util)$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-frameworks-even-for-types',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { path: 'node_modules/(@nestjs|pg|better-sqlite3|@eventstore|@kurrent|@electric-sql|rxjs|class-validator)' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'read-models-do-not-touch-adapters',
      comment: 'View definitions are pure functions of events; only the projection runner touches a store.',
      severity: 'error',
      from: { path: '^libs/views/(withdrawal|timeliness|disproportionality|predictors|case-digest|domain)/' },
      to: { path: '^libs/event-store/(sqlite|postgres|kurrentdb)/' },
    },
    {
      name: 'dashboard-rules-are-pure',
      comment: 'The worklist rules and distributions are pure functions of case digests and facts: no store, driver or framework.',
      severity: 'error',
      from: { path: '^libs/dashboard/rules/', pathNot: '\\.spec\\.ts$' },
      to: { path: ['^libs/(event-store|projections|access-log)/', 'node_modules/(@nestjs|pg|better-sqlite3|@eventstore|@kurrent|@electric-sql|rxjs)'] },
    },
    {
      name: 'store-adapters-are-independent',
      severity: 'error',
      from: { path: '^libs/event-store/(sqlite|postgres|kurrentdb)/' },
      to: { path: '^libs/event-store/(sqlite|postgres|kurrentdb)/', pathNot: '^libs/event-store/$1/' },
    },
    {
      name: 'no-production-code-imports-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.spec\\.ts$|/contract/' },
      to: { path: '(\\.spec\\.ts$|^test/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
