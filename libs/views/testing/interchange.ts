// Test support: reads the spec's shared files (CI has ../shared beside the repository) and maps
// interchange lines to stored events (position = line number).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredCaseEvent } from '../../case-ledger/domain/vocabulary.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_SPEC = join(REPO_ROOT, '..', 'shared', 'spec');

export function readSpecFile(name: string): string {
  return readFileSync(join(SHARED_SPEC, name), 'utf8');
}

/** NDJSON interchange lines → StoredCaseEvent, positions and stream versions = line numbers (1-based). */
export function storedEventsFromNdjson(text: string): StoredCaseEvent[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((line, k) => {
    const j = JSON.parse(line) as Record<string, any>;
    const metadata: Record<string, unknown> = { eventId: j.eventId, caseId: j.caseId, occurredAt: j.occurredAt, recordedAt: j.recordedAt };
    if (j.actor !== undefined) metadata.actor = j.actor;
    return { type: j.type, data: j.data, metadata, position: k + 1, streamVersion: k + 1 } as unknown as StoredCaseEvent;
  });
}
