// `ledger token --role ROLE --force FORCE [--sub ID] [--ttl 1h]`: a bearer token for the embedded mode,
// signed with the local ES256 key (created on first use in LEDGER_DATA_DIR, mode 0600).
import { UsageError } from '../cli-io.js';

/** Same shape as CliCommand in ./index.ts (not imported: index imports this file). */
interface CliCommand {
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}
import { apiConfigFromEnv } from '../../../api/src/config.js';
import { localKeys, signLocalToken } from '../../../api/src/auth/local-keys.js';

const str = (v: Record<string, string | boolean | undefined>, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

export const tokenCommand: CliCommand = {
  options: { role: { type: 'string' }, force: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError('token takes no positional arguments');
    const role = str(values, 'role');
    if (role === undefined) throw new UsageError('--role is required (officer, supervisor, inspector, analyst or admin)');
    let config;
    try {
      config = apiConfigFromEnv();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (config.jwksUrl || config.jwtPublicKey) {
      process.stderr.write('warning: the server is configured with an external key (LEDGER_JWKS_URL / LEDGER_JWT_PUBLIC_KEY) and will not accept this local token\n');
    }
    const keys = await localKeys(config.ledger.dataDir);
    let token: string;
    try {
      token = await signLocalToken(keys, {
        role,
        ...(str(values, 'force') !== undefined ? { force: str(values, 'force')! } : {}),
        ...(str(values, 'sub') !== undefined ? { sub: str(values, 'sub')! } : {}),
        ...(str(values, 'ttl') !== undefined ? { ttl: str(values, 'ttl')! } : {}),
        issuer: config.issuer,
        audience: config.audience,
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    process.stdout.write(token + '\n');
    return 0;
  },
};
