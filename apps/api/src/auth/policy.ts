// THE policy table: which role may do what, over which cases. The AccessGuard applies it to every
// route (a route without an @Access action is refused), and the batch append applies the same
// `authorizeAppend` to each of its lines.
import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';

/**
 * How far a role reaches for an action: `own-force` (only cases/views of the token's force), `all`
 * (every force), `pseudonymised` (every force, but no free text and keyed hashes for pseudonyms).
 */
export type Reach = 'own-force' | 'all' | 'pseudonymised';

export type Action =
  | 'case.append' | 'case.batch' | 'case.timeline' | 'case.events'
  | 'views.read' | 'export' | 'verify'
  | 'access-log.read' | 'access-log.verify'
  | 'admin.rebuild' | 'admin.keys'
  | 'dashboard.head' | 'dashboard.scopes' | 'dashboard.distributions' | 'worklists.summary' | 'worklists.read' | 'case.overview'
  | 'public';

export interface Rule {
  roles: Partial<Record<Role, Reach>>;
  /** The route has a :caseId whose force is checked against own-force reach (404 when out of scope). */
  caseScoped?: boolean;
  /** A read of case-level data: an X-Purpose header is required, and the read is written to the access log. */
  logged?: boolean;
}

export const POLICY: Readonly<Record<Action, Rule>> = {
  'case.append': { roles: { officer: 'own-force' }, caseScoped: true },
  'case.batch': { roles: { officer: 'own-force' } },
  'case.timeline': { roles: { officer: 'own-force', supervisor: 'own-force', inspector: 'all' }, caseScoped: true, logged: true },
  'case.events': { roles: { officer: 'own-force', supervisor: 'own-force', inspector: 'all' }, caseScoped: true, logged: true },
  'views.read': { roles: { supervisor: 'own-force', inspector: 'all', analyst: 'all' } },
  export: { roles: { inspector: 'all', analyst: 'pseudonymised' }, logged: true },
  verify: { roles: { inspector: 'all' } },
  'access-log.read': { roles: { inspector: 'all' }, logged: true },
  'access-log.verify': { roles: { inspector: 'all' } },
  'admin.rebuild': { roles: { admin: 'all' } },
  'admin.keys': { roles: { admin: 'all' } },
  // The dashboard (issue 5): the ledger head it polls, the distributions behind two charts (a view's
  // reach), worklist counts (no case ids: not logged), worklist rows (they name cases: logged, force
  // forced for own-force reach) and the case page (timeline, flags, integrity: one logged read).
  'dashboard.head': { roles: { officer: 'all', supervisor: 'all', inspector: 'all', analyst: 'all' } },
  'dashboard.scopes': { roles: { supervisor: 'own-force', inspector: 'all', analyst: 'all' } },
  'dashboard.distributions': { roles: { supervisor: 'own-force', inspector: 'all', analyst: 'all' } },
  'worklists.summary': { roles: { supervisor: 'own-force', inspector: 'all' } },
  'worklists.read': { roles: { supervisor: 'own-force', inspector: 'all' }, logged: true },
  'case.overview': { roles: { officer: 'own-force', supervisor: 'own-force', inspector: 'all' }, caseScoped: true, logged: true },
  public: { roles: { officer: 'all', supervisor: 'all', inspector: 'all', analyst: 'all', admin: 'all' } },
};

export const ACCESS_KEY = 'ledger:access';
/** The action a route performs, looked up in POLICY by the AccessGuard. */
export const Access = (action: Action) => SetMetadata(ACCESS_KEY, action);
