// `ledger serve` (what `npm start` runs): the HTTP API of apps/api.
import { UsageError } from '../cli-io.js';

/** Same shape as CliCommand in ./index.ts (not imported: index imports this file). */
interface CliCommand {
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

export const serveCommand: CliCommand = {
  options: {},
  async run(_values, positionals) {
    if (positionals.length) throw new UsageError('serve takes no arguments (configure it with PORT, LEDGER_DATA_DIR, DATABASE_URL, LEDGER_JWT_*)');
    const { serve } = await import('../../../api/src/main.js');
    await serve();
    // Keep running until a signal closes the server.
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => setTimeout(resolve, 50));
    });
    return 0;
  },
};
