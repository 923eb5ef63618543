// Request bodies are read here, not by a generic body parser: a size limit per route (413), one
// accepted content type per route (415), malformed JSON as 400. Only the two append routes take a body.
// These run as Nest middlewares on Node's request, before Fastify routes it; what they read is handed to
// Fastify as the request's body by the one content-type parser app.ts installs (which reads nothing).
import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { RawRequest } from './http-types.js';
import { ProblemError } from './problem.js';

export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

const tooLarge = (limit: number) =>
  new ProblemError(413, 'request.too_large', 'Content Too Large', `the body must be at most ${limit} bytes`, { limit });

function mediaType(req: RawRequest): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function readBody(req: RawRequest, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true }); // whole bodies only (no streaming), so one serves every request

function utf8(buf: Buffer): string {
  try {
    return decoder.decode(buf);
  } catch {
    throw new ProblemError(400, 'request.invalid_encoding', 'Bad Request', 'the body must be UTF-8');
  }
}

/** One event: `application/json`, at most 64 KB, parsed (the request's body). */
@Injectable()
export class JsonEventBody implements NestMiddleware {
  async use(req: RawRequest, _res: ServerResponse, next: (e?: unknown) => void): Promise<void> {
    if (mediaType(req) !== 'application/json') {
      throw new ProblemError(415, 'request.unsupported_media_type', 'Unsupported Media Type', 'the body must be application/json (one interchange line)', { header: 'Content-Type' });
    }
    const text = utf8(await readBody(req, MAX_EVENT_BYTES));
    try {
      req.ledgerBody = JSON.parse(text);
    } catch {
      throw new ProblemError(400, 'request.malformed_json', 'Bad Request', 'the body is not valid JSON');
    }
    next();
  }
}

/** A batch: `application/x-ndjson`, at most 16 MB, kept as text (the request's body). */
@Injectable()
export class NdjsonBatchBody implements NestMiddleware {
  async use(req: RawRequest, _res: ServerResponse, next: (e?: unknown) => void): Promise<void> {
    if (mediaType(req) !== 'application/x-ndjson') {
      throw new ProblemError(415, 'request.unsupported_media_type', 'Unsupported Media Type', 'the body must be application/x-ndjson (one interchange line per line)', { header: 'Content-Type' });
    }
    req.ledgerBody = utf8(await readBody(req, MAX_BATCH_BYTES));
    next();
  }
}
