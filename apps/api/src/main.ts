// `npm start` / `ledger serve`: the HTTP API on PORT over the configured store.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApiApp } from './app.js';
import { apiConfigFromEnv } from './config.js';

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = apiConfigFromEnv(env);
  const app = await createApiApp({ config });
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  await app.listen(config.port, config.host);
  const store = config.ledger.databaseUrl ? 'PostgreSQL' : 'embedded store';
  const keys = config.jwksUrl ? 'JWKS' : config.jwtPublicKey ? 'configured public key' : 'local key';
  new Logger('api').log(`listening on ${config.host} port ${config.port} over the ${store}; tokens verified with the ${keys}${config.benchNoAuth ? ' (BENCH MODE: NO AUTHENTICATION)' : ''}`);
}
