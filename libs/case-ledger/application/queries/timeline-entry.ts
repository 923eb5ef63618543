// One entry of a case's timeline (GetTimeline): type-only, free of Nest, so the dashboard page can
// read the same shape the API sends.
import type { InterchangeLine } from '../../domain/interchange.js';

export interface TimelineEntry {
  position: number;
  streamVersion: number;
  event: InterchangeLine;
  voided?: { byEventId: string; reason: string };
}
