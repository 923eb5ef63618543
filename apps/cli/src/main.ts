// `npm run --silent ledger -- <command> [options]`: the command line of ../shared/spec/cli.md.
import 'reflect-metadata';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomainError } from '../../../libs/case-ledger/domain/errors.js';
import { UsageError } from './cli-io.js';
import { COMMANDS } from './commands/index.js';

const USAGE = `usage: npm run --silent ledger -- <command> [options]
commands:
  import <file.ndjson | ->          append interchange lines (each line atomic; duplicates counted)
  export [--case ID] [--as-of T]     print stored events as interchange lines, in ledger order
  verify [--head JSON|FILE]          check every event's hash and the chain (and a head exported earlier)
  head                               print the ledger's head {position, hash}, to check it later
  timeline <caseId> [--as-of T]      a case's events in order, voided ones marked
  generate --cases N --seed S        synthetic, calibrated case histories (NDJSON on stdout)
environment: LEDGER_DATA_DIR (default ./data), DATABASE_URL (PostgreSQL instead of the embedded store),
  KURRENTDB_URL (a KurrentDB cluster as the event store, read models in DATABASE_URL: docs/kurrentdb.md)`;

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(USAGE + '\n');
      return;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"; run with --help for the list`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true } as ParseArgsConfig);
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
    process.exitCode = await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (e) {
    process.exitCode = report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof UsageError || e instanceof DomainError) {
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (process.env.LEDGER_DEBUG) process.stderr.write(`${err?.stack ?? String(e)}\n`);
  else process.stderr.write(`error: ${err?.message ?? String(e)}${err?.code ? ` (${err.code})` : ''}\n`);
  return 3;
}
