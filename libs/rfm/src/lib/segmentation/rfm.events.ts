import type { RfmWindowDays } from './rfm-parameters';
import type { RfmScore } from './rfm-segment-grid';

/**
 * An RFM run put the customer in another segment than the run before. `previousSegment` is null
 * when the customer entered the population; `segment` and the scores are null when it left it
 * (no purchase at or before asOf any more, for instance after being merged into another customer).
 */
export interface CustomerSegmentChanged {
  readonly type: 'CustomerSegmentChanged';
  readonly data: {
    readonly customerId: string;
    readonly previousSegment: string | null;
    readonly segment: string | null;
    readonly r: RfmScore | null;
    readonly f: RfmScore | null;
    readonly m: RfmScore | null;
    /** The run's canonical UTC instant. */
    readonly asOf: string;
    readonly windowDays: RfmWindowDays;
    readonly runId: string;
  };
}

export type RfmEvent = CustomerSegmentChanged;

export const RFM_EVENT_TYPES: readonly RfmEvent['type'][] = ['CustomerSegmentChanged'];

export function customerSegmentChanged(data: CustomerSegmentChanged['data']): CustomerSegmentChanged {
  return { type: 'CustomerSegmentChanged', data };
}
