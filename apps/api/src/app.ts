// Builds the HTTP application (not listening): used by `ledger serve`, the e2e tests and the benchmark.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { LogLevel } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { ApiConfig } from './config.js';
import { Metrics, RequestLog, RequestObserver } from './observability.js';
import { installSecurityHeaders } from './security-headers.js';
import type { RawRequest } from './http-types.js';

export interface CreateApiOptions extends Omit<ApiModuleOptions, 'verifier'> {
  config: ApiConfig;
  logger?: false | LogLevel[];
}

export type ApiApp = NestFastifyApplication;

export async function createApiApp(options: CreateApiOptions): Promise<ApiApp> {
  const verifier = await TokenVerifier.create(options.config);
  const logLevels: LogLevel[] = options.logger === false ? [] : (options.logger ?? ['log', 'warn', 'error']);
  // Fastify, not Express: about a third of Express's CPU per request here (BENCHMARKS.md, API section).
  // Its query-string parser makes no nested objects from a[b]=c; it logs nothing itself.
  const adapter = new FastifyAdapter({ logger: false, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot({ ...options, verifier }), adapter, {
    bodyParser: false,
    logger: options.logger === false ? false : logLevels,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies are read by the routes' middlewares (body.ts: limits, media types, malformed JSON); the one
  // parser left hands over what they read and reads nothing itself, so a body sent to a route that
  // takes none is never parsed.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (req, _payload, done) => done(null, (req.raw as RawRequest).ledgerBody));
  new RequestObserver(app.get(Metrics), logLevels.includes('log') ? new RequestLog() : undefined).install(fastify);
  installSecurityHeaders(fastify);
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Case audit ledger API')
    .setDescription('Record case actions, read timelines and views. Errors are RFC 9457 Problem Details with a stable `code`. Reads of case-level data require X-Purpose and are recorded in the access log.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build());
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  await fastify.ready();
  return app;
}
