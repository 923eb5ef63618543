// Selecting the KurrentDB store from configuration (no server needed: these fail before connecting).
import { openEventStore } from '../open-event-store.js';

describe('openEventStore with kurrentdbUrl', () => {
  test('needs DATABASE_URL (PostgreSQL, for the read models) as well', async () => {
    await expect(openEventStore({ kurrentdbUrl: 'esdb://node1:2113?tls=false' })).rejects.toThrow(/DATABASE_URL/);
    await expect(openEventStore({ kurrentdbUrl: 'esdb://node1:2113?tls=false', databaseUrl: 'mysql://x/y' })).rejects.toThrow(/DATABASE_URL/);
  });

  test('refuses a URL that is not a KurrentDB connection string', async () => {
    await expect(openEventStore({ kurrentdbUrl: 'http://node1:2113', databaseUrl: 'postgres://p@h/db' })).rejects.toThrow(/esdb:\/\//);
  });

  test('reports an unreadable TLS CA file clearly', async () => {
    await expect(
      openEventStore({ kurrentdbUrl: 'esdb://node1:2113,node2:2113,node3:2113?tls=true&tlsCAFile=/nonexistent/ca.crt', databaseUrl: 'postgres://p@h/db' }),
    ).rejects.toThrow(/certificate/i);
  });
});
