// docker-compose.yml is a valid Compose file (`docker-compose config -q`, Debian's docker-compose
// package). Skipped, with one line saying why, where the binary is not installed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const composeFile = join(root, 'docker-compose.yml');
const binary = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'docker-compose')).find((p) => existsSync(p));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary!, args, { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

if (!binary) {
  process.stdout.write('compose file check: skipped — docker-compose is not installed (apt-get install docker-compose)\n');
  describe.skip('docker-compose.yml: skipped — docker-compose is not installed', () => {
    test('needs docker-compose', () => {});
  });
} else {
  describe('docker-compose.yml', () => {
    test('passes `docker-compose config -q`', async () => {
      const r = await run(['-f', composeFile, 'config', '-q']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    test('has the cluster, PostgreSQL and the ledger, wired with health conditions and TLS', async () => {
      const r = await run(['-f', composeFile, 'config']);
      expect(r.code).toBe(0);
      const text = r.stdout;
      for (const service of ['certs:', 'node1:', 'node2:', 'node3:', 'postgres:', 'ledger:']) expect(text).toContain(`  ${service}`);
      expect(text).toMatch(/KURRENTDB_CLUSTER_SIZE: '3'/);
      expect(text).toMatch(/condition: service_completed_successfully/);
      expect(text).toMatch(/condition: service_healthy/);
      expect(text).toMatch(/KURRENTDB_URL: esdb:\/\/.*node1:2113,node2:2113,node3:2113\?tls=true&tlsCAFile=/);
      expect(text).toMatch(/DATABASE_URL: postgres:\/\//);
      expect(text).not.toMatch(/KURRENTDB_INSECURE: .true/);
    });
  });
}
