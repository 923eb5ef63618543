// Verifies bearer tokens: RS256 or ES256 only, against a JWKS URL, a PEM public key or the local key;
// issuer, audience, expiry and not-before checked. `alg: none` and HMAC tokens are refused by the
// algorithm list, and a public key can never act as an HMAC secret (jose wants a secret KeyObject for HS*).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { ApiConfig } from '../config.js';
import { localKeys } from './local-keys.js';
import { FORCE_ROLES, ROLES, type Principal, type Role } from './roles.js';
import { ProblemError } from '../problem.js';

type KeySource = KeyObject | ReturnType<typeof createRemoteJWKSet>;
const ALGORITHMS = ['RS256', 'ES256'];

const unauthorized = (detail: string) => new ProblemError(401, 'auth.invalid_token', 'Unauthorized', detail);

export class TokenVerifier {
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
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1]!, this.key as KeyObject, {
        algorithms: ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
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
    return { sub, role: role as Role, force: (force as string | undefined) ?? null };
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
