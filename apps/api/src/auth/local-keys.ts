// The embedded mode's signing key: an ES256 (P-256) key pair created on first use in the data folder,
// private key file mode 0600. `ledger token` signs with it; the server trusts it unless configured otherwise.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import { ROLES, FORCE_ROLES, type Role } from './roles.js';

export const LOCAL_KEY_FILE = 'api-signing-key.pem';

export interface LocalKeys { privateKey: KeyObject; publicKey: KeyObject; kid: string; file: string }

export async function localKeys(dataDir: string): Promise<LocalKeys> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCAL_KEY_FILE);
  let pem: string;
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' }); // never overwrites an existing key
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
    pem = readFileSync(file, 'utf8');
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${file} is not a P-256 (ES256) private key`);
  }
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, publicKey, kid, file };
}

export async function publicJwk(keys: LocalKeys): Promise<JWK> {
  return { ...(await exportJWK(keys.publicKey)), kid: keys.kid, alg: 'ES256', use: 'sig' };
}

export interface TokenRequest { role: string; force?: string; sub?: string; ttl?: string; issuer: string; audience: string }

const TTL = /^([1-9][0-9]{0,5})([smhd])$/;
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** A `--ttl` as seconds: `90s`, `15m`, `1h`, `2d`; at most 30 days. */
export function ttlSeconds(ttl: string): number {
  const m = TTL.exec(ttl);
  if (!m) throw new Error(`--ttl must look like 90s, 15m, 1h or 2d (got "${ttl}")`);
  const s = Number(m[1]) * UNIT_S[m[2]!]!;
  if (s > 30 * 86400) throw new Error('--ttl must be at most 30 days');
  return s;
}

export async function signLocalToken(keys: LocalKeys, req: TokenRequest, nowS = Math.floor(Date.now() / 1000)): Promise<string> {
  if (!(ROLES as readonly string[]).includes(req.role)) throw new Error(`--role must be one of ${ROLES.join(', ')} (got "${req.role}")`);
  const role = req.role as Role;
  const force = req.force?.trim();
  if (FORCE_ROLES.includes(role) && !force) throw new Error(`--force is required for the ${role} role`);
  const sub = req.sub?.trim() || `local-${role}`;
  const claims: Record<string, string> = { role };
  if (force) claims.force = force;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setIssuedAt(nowS)
    .setNotBefore(nowS)
    .setExpirationTime(nowS + ttlSeconds(req.ttl ?? '1h'))
    .sign(keys.privateKey);
}
