import { createHash, randomUUID } from 'node:crypto';
import type { CaseEvent } from '../domain/vocabulary.js';
import { instantMs } from '../domain/interchange.js';
import type { IdGenerator } from './ports.js';

export const randomIds: IdGenerator = { newId: () => randomUUID() };

/**
 * The eventId the importer gives a line that has none: derived from the line's content and from how
 * many identical lines came before it in the same file. Re-running the same import (after a crash,
 * say) then finds every such line already stored and counts it as a duplicate, instead of appending
 * it twice; two identical lines in one file remain two events. Shaped as a UUID (version 8, RFC 9562
 * "custom"), so it is a valid interchange eventId.
 */
export function contentEventId(event: CaseEvent, ordinal: number): string {
  const h = createHash('sha256')
    .update(`${event.metadata.caseId}\u0000${event.type}\u0000${instantMs(event.metadata.occurredAt)}\u0000${JSON.stringify(event.data)}\u0000${ordinal}`)
    .digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
