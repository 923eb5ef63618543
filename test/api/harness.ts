// Boots the real API (real modules, real store: embedded in a temp folder, or PostgreSQL) for supertest.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { SignJWT } from 'jose';
import { createApiApp } from '../../apps/api/src/app.js';
import { apiConfigFromEnv, type ApiConfig } from '../../apps/api/src/config.js';
import { localKeys, signLocalToken, type LocalKeys } from '../../apps/api/src/auth/local-keys.js';
import { ExportEvents, GetLedgerHead } from '../../libs/case-ledger/application/queries/ledger-queries.js';
import { SPEC, tempDir } from '../support/cli.js';
import type { AccessLog } from '../../libs/access-log/port.js';
import type { Clock } from '../../libs/case-ledger/application/ports.js';

export const EXAMPLE_LINES = readFileSync(join(SPEC, 'example-case.ndjson'), 'utf8').trim().split('\n');
export const EXAMPLE_CASE = 'MPS-2021-004217';

export interface Api {
  app: INestApplication;
  server: import('node:http').Server;
  config: ApiConfig;
  keys: LocalKeys;
  dataDir: string;
  token(role: string, force?: string, sub?: string): Promise<string>;
  /** Every exported line and the head: what a refused request must leave unchanged. */
  snapshot(): Promise<{ lines: string[]; head: unknown }>;
  close(): Promise<void>;
}

export async function startApi(env: NodeJS.ProcessEnv = {}, overrides: { accessLog?: AccessLog; clock?: Clock } = {}): Promise<Api> {
  const dataDir = tempDir('ledger-api-');
  const config = apiConfigFromEnv({ LEDGER_DATA_DIR: dataDir, LEDGER_RATE_LIMIT: '100000', ...env });
  const app = await createApiApp({ config, logger: false, followProjections: false, ...overrides });
  const keys = await localKeys(dataDir);
  const queries = app.get(QueryBus);
  return {
    app, server: app.getHttpServer(), config, keys, dataDir,
    token: (role, force, sub) => signLocalToken(keys, {
      role, ...(force ? { force } : {}), ...(sub ? { sub } : {}), issuer: config.issuer, audience: config.audience,
    }),
    async snapshot() {
      const lines: string[] = [];
      for await (const l of await queries.execute(new ExportEvents())) lines.push(l);
      return { lines, head: await queries.execute(new GetLedgerHead()) };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tokens that must all be refused, made against the API's own configuration. */
export async function badTokens(api: Api): Promise<Record<string, string>> {
  const { issuer, audience } = api.config;
  const now = Math.floor(Date.now() / 1000);
  const claims = { role: 'inspector' };
  const sign = (key: Parameters<SignJWT['sign']>[0], alg: string, f: (j: SignJWT) => SignJWT) =>
    f(new SignJWT(claims).setProtectedHeader({ alg }).setSubject('attacker')).sign(key);
  const good = (j: SignJWT) => j.setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600);
  const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { ...claims, sub: 'attacker', iss: issuer, aud: audience, iat: now, exp: now + 600 };
  const publicPem = api.keys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return {
    expired: await sign(api.keys.privateKey, 'ES256', (j) => j.setIssuer(issuer).setAudience(audience).setIssuedAt(now - 7200).setExpirationTime(now - 3600)),
    'not yet valid': await sign(api.keys.privateKey, 'ES256', (j) => good(j).setNotBefore(now + 3600)),
    'wrongly signed (other EC key)': await sign(otherEc, 'ES256', good),
    'wrongly signed (RSA key not trusted)': await sign(otherRsa, 'RS256', good),
    'wrong audience': await sign(api.keys.privateKey, 'ES256', (j) => good(j).setAudience('someone-else')),
    'wrong issuer': await sign(api.keys.privateKey, 'ES256', (j) => good(j).setIssuer('https://evil.example')),
    'no expiry': await sign(api.keys.privateKey, 'ES256', (j) => j.setIssuer(issuer).setAudience(audience).setIssuedAt(now)),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
    'HS256 with the public key as secret': await sign(new TextEncoder().encode(publicPem), 'HS256', good),
    'unknown role': await new SignJWT({ role: 'superuser' }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600).sign(api.keys.privateKey),
    'officer without force': await new SignJWT({ role: 'officer' }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600).sign(api.keys.privateKey),
  };
}

const REPORT = JSON.parse(EXAMPLE_LINES[0]!) as Record<string, unknown> & { data: Record<string, unknown> & { victim: Record<string, unknown> } };

/** A CaseReported line for a new case of `force` (no eventId: the ledger makes one). */
export function reportedLine(caseId: string, force: string, pseudonym = 'V-TEST'): string {
  const { eventId: _drop, ...rest } = REPORT;
  return JSON.stringify({ ...rest, caseId, data: { ...REPORT.data, force, victim: { ...REPORT.data.victim, pseudonym } } });
}

let minute = 0;
/** A VictimContactMade line for the case, each call a little later than the last. */
export function contactLine(caseId: string): string {
  minute++;
  const at = new Date(Date.parse('2021-03-05T00:00:00Z') + minute * 60_000).toISOString();
  return JSON.stringify({ caseId, type: 'VictimContactMade', occurredAt: at, data: { direction: 'to_victim', channel: 'phone', purpose: 'update' } });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
