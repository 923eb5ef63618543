// Authentication: every bad token is refused with 401 and leaves the ledger unchanged; external keys
// (PEM public key, JWKS URL) and the `ledger token` command work end to end.
import { generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SignJWT, exportJWK } from 'jose';
import { cliEnv, runCli } from '../support/cli.js';
import { badTokens, bearer, contactLine, reportedLine, startApi, type Api } from './harness.js';

describe('bad tokens', () => {
  let api: Api;
  let bad: Record<string, string>;
  beforeAll(async () => {
    api = await startApi();
    const officer = await api.token('officer', 'MPS');
    await request(api.server).post('/cases/MPS-A-1/events').set(bearer(officer)).set('Content-Type', 'application/json').send(reportedLine('MPS-A-1', 'MPS'));
    bad = await badTokens(api);
  });
  afterAll(async () => { await api.close(); });

  const NAMES = ['expired', 'not yet valid', 'wrongly signed (other EC key)', 'wrongly signed (RSA key not trusted)', 'wrong audience', 'wrong issuer',
    'no expiry', 'alg none', 'HS256 with the public key as secret', 'unknown role', 'officer without force'];

  test.each(NAMES)('%s: 401 on a read and on an append, ledger unchanged', async (name) => {
    const token = bad[name]!;
    const before = await api.snapshot();
    const read = await request(api.server).get('/cases/MPS-A-1/timeline').set(bearer(token)).set('X-Purpose', 'x');
    expect(read.status).toBe(401);
    expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(read.headers['www-authenticate']).toBe('Bearer');
    expect(read.body.code).toBe('auth.invalid_token');
    const append = await request(api.server).post('/cases/MPS-A-1/events').set(bearer(token)).set('Content-Type', 'application/json').send(contactLine('MPS-A-1'));
    expect(append.status).toBe(401);
    expect(await api.snapshot()).toEqual(before);
  });

  test('a missing or non-bearer Authorization header is 401', async () => {
    expect((await request(api.server).get('/verify')).body.code).toBe('auth.missing_token');
    const basic = await request(api.server).get('/verify').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect([basic.status, basic.body.code]).toEqual([401, 'auth.invalid_token']);
  });

  test('no access log entry is written for refused tokens', async () => {
    const inspector = await api.token('inspector');
    const log = await request(api.server).get('/access-log').set(bearer(inspector)).set('X-Purpose', 'audit');
    // Only this read of the log itself is there.
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(['access-log.read']);
  });
});

describe('external keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (key: typeof rsa.privateKey, alg: string, kid?: string) =>
    new SignJWT({ role: 'inspector' }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setSubject('idp-user').setIssuer('https://idp.example')
      .setAudience('ledger-prod').setIssuedAt(now()).setExpirationTime(now() + 300).sign(key);

  test('LEDGER_JWT_PUBLIC_KEY (RS256): its tokens pass, the local key\'s do not', async () => {
    const api = await startApi({
      LEDGER_JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      LEDGER_JWT_ISSUER: 'https://idp.example', LEDGER_JWT_AUDIENCE: 'ledger-prod',
    });
    try {
      expect((await request(api.server).get('/verify').set(bearer(await sign(rsa.privateKey, 'RS256')))).status).toBe(200);
      expect((await request(api.server).get('/verify').set(bearer(await api.token('inspector')))).status).toBe(401);
      const hs = await new SignJWT({ role: 'inspector' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('https://idp.example')
        .setAudience('ledger-prod').setIssuedAt(now()).setExpirationTime(now() + 300)
        .sign(new TextEncoder().encode(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string));
      expect((await request(api.server).get('/verify').set(bearer(hs))).status).toBe(401);
    } finally {
      await api.close();
    }
  });

  test('LEDGER_JWKS_URL (ES256): a token whose kid is in the set passes, another key\'s does not', async () => {
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const jwks: Server = createServer((_req, res) => { res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify({ keys: [jwk] })); });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const api = await startApi({ LEDGER_JWKS_URL: url, LEDGER_JWT_ISSUER: 'https://idp.example', LEDGER_JWT_AUDIENCE: 'ledger-prod' });
    try {
      expect((await request(api.server).get('/verify').set(bearer(await sign(ec.privateKey, 'ES256', 'k1')))).status).toBe(200);
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      expect((await request(api.server).get('/verify').set(bearer(await sign(other, 'ES256', 'k1')))).status).toBe(401);
    } finally {
      await api.close();
      jwks.close();
    }
  });

  test('external keys without issuer and audience are refused at start-up', async () => {
    await expect(startApi({ LEDGER_JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string })).rejects.toThrow(/LEDGER_JWT_ISSUER/);
  });

  test('the benchmark switch is refused in production', async () => {
    await expect(startApi({ LEDGER_BENCH_NO_AUTH: '1', NODE_ENV: 'production' })).rejects.toThrow(/production/);
  });
});

describe('ledger token (command line)', () => {
  test('creates a 0600 ES256 key on first use and prints a token the server accepts', async () => {
    const api = await startApi();
    try {
      const env = cliEnv({ dataDir: api.dataDir });
      const r = runCli(['token', '--role', 'officer', '--force', 'MPS', '--sub', 'pc-1', '--ttl', '15m'], env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(statSync(join(api.dataDir, 'api-signing-key.pem')).mode & 0o777).toBe(0o600);
      const token = r.stdout.trim();
      const ok = await request(api.server).post('/cases/MPS-T-1/events').set(bearer(token)).set('Content-Type', 'application/json').send(reportedLine('MPS-T-1', 'MPS'));
      expect(ok.status).toBe(201);
      const bad = runCli(['token', '--role', 'officer'], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--force is required/);
    } finally {
      await api.close();
    }
  });
});
