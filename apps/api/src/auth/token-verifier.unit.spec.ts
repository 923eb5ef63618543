// Verified tokens are remembered, but never beyond their expiry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localKeys, signLocalToken } from './local-keys.js';
import { jest } from '@jest/globals';
import { TokenVerifier } from './token-verifier.js';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER, type ApiConfig } from '../config.js';

test('a token verified once is still refused once it has expired', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-verifier-'));
  try {
    // given a token valid for 60 s, accepted once
    const keys = await localKeys(dir);
    const config = { ledger: { dataDir: dir }, issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE } as unknown as ApiConfig;
    const verifier = await TokenVerifier.create(config);
    const start = Date.now();
    const token = await signLocalToken(keys, { role: 'officer', force: 'MPS', sub: 'pc-1', ttl: '60s', issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE }, Math.floor(start / 1000));
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({ sub: 'pc-1', role: 'officer', force: 'MPS' });
    // when the clock passes its expiry (and the 5 s tolerance)
    jest.useFakeTimers({
      now: start + 66_000,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
    try {
      // then it is refused, as if never seen
      await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ status: 401, code: 'auth.invalid_token', message: 'the token has expired' });
    } finally {
      jest.useRealTimers();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
