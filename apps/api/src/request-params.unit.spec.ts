import type { ApiRequest } from './http-types.js';
import { expectedVersionOf, negotiate, queryOf } from './request-params.js';
import { ttlSeconds } from './auth/local-keys.js';

const req = (headers: Record<string, string | string[]>, query: Record<string, unknown> = {}) => ({ headers, query } as unknown as ApiRequest);

test('If-Match: an ETag, a bare number or * ; anything else is refused', () => {
  expect(expectedVersionOf(req({}))).toBe('any');
  expect(expectedVersionOf(req({ 'if-match': '"12"' }))).toBe(12);
  expect(expectedVersionOf(req({ 'if-match': '0' }))).toBe(0);
  expect(expectedVersionOf(req({ 'if-match': '*' }))).toBe('any');
  expect(() => expectedVersionOf(req({ 'if-match': '"a"' }))).toThrow(/If-Match/);
  expect(() => expectedVersionOf(req({ 'if-match': '"1", "2"' }))).toThrow(/If-Match/);
});

test('negotiation by Accept, q-values honoured', () => {
  const offered = ['application/json', 'text/csv'];
  expect(negotiate(req({}), offered)).toBe('application/json');
  expect(negotiate(req({ accept: 'text/csv' }), offered)).toBe('text/csv');
  expect(negotiate(req({ accept: 'text/*;q=0.9, application/json;q=0.5' }), offered)).toBe('text/csv');
  expect(negotiate(req({ accept: 'text/csv;q=0, */*' }), offered)).toBe('application/json');
  expect(() => negotiate(req({ accept: 'image/png' }), offered)).toThrow(/available as/);
});

test('query: unknown and repeated parameters are refused by name', () => {
  expect(queryOf(req({}, { asOf: 'x' }), ['asOf'])).toEqual({ asOf: 'x' });
  expect(() => queryOf(req({}, { nope: '1' }), ['asOf'])).toThrow(/unknown query parameter "nope"/);
  expect(() => queryOf(req({}, { asOf: ['a', 'b'] }), ['asOf'])).toThrow(/once/);
});

test('token lifetimes', () => {
  expect([ttlSeconds('90s'), ttlSeconds('15m'), ttlSeconds('1h'), ttlSeconds('2d')]).toEqual([90, 900, 3600, 172800]);
  expect(() => ttlSeconds('1y')).toThrow(/--ttl/);
  expect(() => ttlSeconds('31d')).toThrow(/30 days/);
});
