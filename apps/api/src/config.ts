// The API's configuration, from the environment (see apps/api/README.md).
import { ledgerConfigFromEnv, type LedgerConfig } from '../../../libs/case-ledger/ledger-config.js';

export interface ApiConfig {
  ledger: LedgerConfig;
  port: number;
  /** The address to listen on (HOST; default every IPv4 interface, 0.0.0.0). */
  host: string;
  /** Where the verification keys come from: a JWKS URL, a PEM public key, or the local key pair in the data folder. */
  jwksUrl?: string;
  jwtPublicKey?: string;
  issuer: string;
  audience: string;
  /** Requests per token subject per window. */
  rateLimit: number;
  rateWindowMs: number;
  /** Benchmarks only: no authentication, no roles, no access log. Refused when NODE_ENV is production. */
  benchNoAuth: boolean;
}

export const LOCAL_ISSUER = 'case-ledger-local';
export const DEFAULT_AUDIENCE = 'case-ledger-api';

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return n;
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const jwksUrl = env.LEDGER_JWKS_URL?.trim() || undefined;
  const jwtPublicKey = env.LEDGER_JWT_PUBLIC_KEY?.trim() || undefined;
  const external = jwksUrl !== undefined || jwtPublicKey !== undefined;
  const issuer = env.LEDGER_JWT_ISSUER?.trim() || undefined;
  const audience = env.LEDGER_JWT_AUDIENCE?.trim() || undefined;
  if (jwksUrl && jwtPublicKey) throw new Error('set LEDGER_JWKS_URL or LEDGER_JWT_PUBLIC_KEY, not both');
  if (external && (!issuer || !audience)) {
    throw new Error('with LEDGER_JWKS_URL or LEDGER_JWT_PUBLIC_KEY, LEDGER_JWT_ISSUER and LEDGER_JWT_AUDIENCE are required');
  }
  if (jwksUrl) {
    const u = new URL(jwksUrl);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))) {
      throw new Error('LEDGER_JWKS_URL must be https (http only for localhost)');
    }
  }
  const benchNoAuth = env.LEDGER_BENCH_NO_AUTH === '1';
  if (benchNoAuth && env.NODE_ENV === 'production') throw new Error('LEDGER_BENCH_NO_AUTH is refused when NODE_ENV=production');
  const portRaw = env.PORT?.trim();
  const port = portRaw ? Number(portRaw) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer from 0 to 65535 (got "${portRaw}")`);
  return {
    ledger: ledgerConfigFromEnv(env),
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(jwtPublicKey ? { jwtPublicKey: jwtPublicKey.replace(/\\n/g, '\n') } : {}),
    issuer: issuer ?? LOCAL_ISSUER,
    audience: audience ?? DEFAULT_AUDIENCE,
    rateLimit: positiveInt(env, 'LEDGER_RATE_LIMIT', 1200),
    rateWindowMs: positiveInt(env, 'LEDGER_RATE_WINDOW_MS', 10_000),
    benchNoAuth,
  };
}
