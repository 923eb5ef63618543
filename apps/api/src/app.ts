// Builds the HTTP application (not listening): used by `ledger serve`, the e2e tests and the benchmark.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { ApiLogger } from './api-logger.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { ApiConfig } from './config.js';
import { Metrics, RequestObserver } from './observability.js';
import type { ApiRequest, HttpResponse } from './http-types.js';

export interface CreateApiOptions extends Omit<ApiModuleOptions, 'verifier'> {
  config: ApiConfig;
  logger?: false | LogLevel[];
}

export async function createApiApp(options: CreateApiOptions): Promise<INestApplication> {
  const verifier = await TokenVerifier.create(options.config);
  const app = await NestFactory.create(ApiModule.forRoot({ ...options, verifier }), {
    bodyParser: false,
    logger: options.logger === false ? false : new ApiLogger({ logLevels: options.logger ?? ['log', 'warn', 'error'] }),
    abortOnError: false,
  });
  const express = app.getHttpAdapter().getInstance() as { disable(name: string): void; set(name: string, value: unknown): void };
  express.disable('x-powered-by');
  express.set('query parser', 'simple'); // no nested objects from a[b]=c
  app.use(helmet());
  const observer = new RequestObserver(app.get(Metrics));
  app.use((req: ApiRequest, res: HttpResponse, next: () => void) => observer.use(req, res, next));
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Case audit ledger API')
    .setDescription('Record case actions, read timelines and views. Errors are RFC 9457 Problem Details with a stable `code`. Reads of case-level data require X-Purpose and are recorded in the access log.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build());
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  return app;
}
