import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { helmetHeaders } from './security-headers.js';

test('the precomputed security headers are exactly the ones helmet sets on a real response', () => {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  res.setHeader('X-Powered-By', 'something'); // helmet removes it
  helmet()(req, res, () => {});
  const real = Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]).sort();
  const ours = Object.entries(helmetHeaders()).sort();
  expect(ours).toEqual(real);
  expect(ours.map(([k]) => k)).toEqual(expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'x-content-type-options']));
});
