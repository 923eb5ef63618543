// The analysts' export: no free text, and every identifier or pseudonym replaced by a keyed hash
// (HMAC-SHA-256 under a random key made for this one export and then forgotten): the same value gives
// the same hash within one export (so cases and requests still join up) and different, unlinkable
// hashes across exports.
import { createHmac, randomBytes } from 'node:crypto';

/** Free-text fields, dropped: data field names by event type. */
const FREE_TEXT: Record<string, readonly string[]> = {
  DeviceRequested: ['lineOfEnquiry', 'alternativesConsidered'],
  ThirdPartyMaterialRequested: ['lineOfEnquiry'],
  CaseClosed: ['rationale'],
  CaseReopened: ['reason'],
  EntryVoided: ['reason'],
};

/** Identifier fields of `data`, hashed (pseudonyms, people, references, ids that may carry text). */
const HASHED_DATA = new Set(['crimeReference', 'officerId', 'suspectPseudonym', 'interviewId', 'requestId', 'eventId']);

export class Pseudonymiser {
  private readonly key = randomBytes(32);

  hash(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }

  /** One exported interchange line (JSON text) → its pseudonymised form (JSON text). */
  line(text: string): string {
    const e = JSON.parse(text) as Record<string, unknown> & { type: string; data: Record<string, unknown>; actor?: { id: string; role: string } };
    const data: Record<string, unknown> = {};
    const drop = FREE_TEXT[e.type] ?? [];
    for (const [k, v] of Object.entries(e.data)) {
      if (drop.includes(k)) continue;
      if (HASHED_DATA.has(k) && typeof v === 'string') data[k] = this.hash(k === 'eventId' ? v.toLowerCase() : v);
      else if (k === 'victim' && v && typeof v === 'object') {
        const victim = { ...(v as Record<string, unknown>) };
        if (typeof victim.pseudonym === 'string') victim.pseudonym = this.hash(victim.pseudonym);
        data[k] = victim;
      } else data[k] = v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) {
      if (k === 'eventId' && typeof v === 'string') out[k] = this.hash(v.toLowerCase());
      else if (k === 'caseId' && typeof v === 'string') out[k] = this.hash(v);
      else if (k === 'actor' && e.actor) out[k] = { id: this.hash(e.actor.id), role: e.actor.role };
      else if (k === 'data') out[k] = data;
      else out[k] = v;
    }
    return JSON.stringify(out);
  }
}
