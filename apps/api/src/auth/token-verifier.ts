// Verifies bearer tokens: RS256 or ES256 only, against a JWKS URL, a PEM public key or the local key;
// issuer, audience, expiry and not-before checked. `alg: none` and HMAC tokens are refused by the
// algorithm list, and a public key can never act as an HMAC secret (jose wants a secret KeyObject for HS*).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { ApiConfig } from '../config.js';
import { localKeys } from './local-keys.js';
import { FORCE_ROLES, ROLES, type Principal, type Role } from './roles.js';
import { ProblemError } from '../problem.js';
import { LruMap } from '../../../../libs/common/lru-map.js';

type KeySource = KeyObject | ReturnType<typeof createRemoteJWKSet>;
const ALGORITHMS = ['RS256', 'ES256'];

const unauthorized = (detail: string) => new ProblemError(401, 'auth.invalid_token', 'Unauthorized', detail);

/** A token whose signature and claims verified, and until when that stands. */
interface Verified { principal: Principal; until: number; from: number }
/** Verified tokens kept (an ES256 check costs about as much as the rest of an append request). */
const CACHE_SIZE = 10000;
/** A verified token is checked again after at most this long, so a key withdrawn from the JWKS stops working soon. */
const RECHECK_MS = 60_000;
const CLOCK_TOLERANCE_S = 5;

export class TokenVerifier {
  private readonly verified = new LruMap<string, Verified>(CACHE_SIZE);
  private constructor(private readonly key: KeySource, private readonly config: Pick<ApiConfig, 'issuer' | 'audience'>) {}

  static async create(config: ApiConfig): Promise<TokenVerifier> {
    let key: KeySource;
    if (config.jwksUrl) key = createRemoteJWKSet(new URL(config.jwksUrl));
    else if (config.jwtPublicKey) {
      const k = createPublicKey(config.jwtPublicKey);
      if (k.asymmetricKeyType !== 'rsa' && k.asymmetricKeyType !== 'ec') throw new Error('LEDGER_JWT_PUBLIC_KEY must be an RSA or EC (P-256) public key');
      key = k;
    } else key = (await localKeys(config.ledger.dataDir)).publicKey;
    return new TokenVerifier(key, config);
  }

  /** The principal of an `Authorization` header value, or a 401 ProblemError. */
  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new ProblemError(401, 'auth.missing_token', 'Unauthorized', 'an Authorization: Bearer <token> header is required');
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
    if (!m) throw unauthorized('the Authorization header must be "Bearer <JWT>"');
    const token = m[1]!;
    // The very same token verified a moment ago: its signature cannot have changed; only time can end it.
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && now < hit.until && now >= hit.from) return hit.principal;
    return this.check(token);
  }

  private async check(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as KeyObject, {
        algorithms: ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (e) {
      throw unauthorized(reason(e));
    }
    const role = payload.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthorized(`the token's role claim must be one of ${ROLES.join(', ')}`);
    const force = payload.force;
    if (force !== undefined && (typeof force !== 'string' || force.trim() === '' || force.length > 128)) throw unauthorized('the token\'s force claim must be a non-empty string');
    if (FORCE_ROLES.includes(role as Role) && force === undefined) throw unauthorized(`a ${role} token must carry a force claim`);
    const sub = payload.sub!;
    if (sub.trim() === '' || sub.length > 256) throw unauthorized('the token\'s sub claim must be a non-empty string');
    const principal: Principal = { sub, role: role as Role, force: (force as string | undefined) ?? null };
    // Valid (as jwtVerify judged it, with its tolerance) until exp, and from nbf; re-verified after RECHECK_MS anyway.
    const checkedAt = Date.now();
    const until = Math.min((payload.exp! + CLOCK_TOLERANCE_S) * 1000, checkedAt + RECHECK_MS);
    const from = typeof payload.nbf === 'number' ? (payload.nbf - CLOCK_TOLERANCE_S) * 1000 : Number.NEGATIVE_INFINITY;
    this.verified.remember(token, { principal, until, from });
    return principal;
  }
}

function reason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `the token's ${e.claim} claim is not accepted`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the token\'s algorithm is not accepted (RS256 or ES256 only)';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the token\'s signature does not verify';
  if (e instanceof errors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token';
  return 'the token is not valid';
}
