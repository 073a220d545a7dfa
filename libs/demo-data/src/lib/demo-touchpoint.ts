/**
 * Touchpoints exactly as a source posts them to POST /v1/touchpoints (JSON): optional fields are
 * left out rather than null, identifiers are written the way each source writes them (a POS types
 * "0912 123 4567", the call centre logs "+989121234567"), and the platform normalises them.
 */
export type DemoIdentifierType = 'customerId' | 'email' | 'phone' | 'loyaltyCard' | 'socialHandle' | 'deviceId';
export type DemoIdentifiers = Readonly<Partial<Record<DemoIdentifierType, string>>>;
export type DemoConsent = Readonly<Record<string, 'granted' | 'denied'>>;

interface DemoEnvelope<T extends string, P> {
  /** A version 4 UUID drawn from the seed: re-sending the same demo is a no-op. */
  readonly eventId: string;
  readonly type: T;
  readonly source: string;
  /** ISO 8601 with a zone: "Z" from cloud systems, "+03:30" from the branches' tills. */
  readonly occurredAt: string;
  readonly identifiers: DemoIdentifiers;
  readonly traits?: Readonly<Record<string, string>>;
  readonly consent?: DemoConsent;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly payload: P;
}

export interface DemoPurchaseItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPrice: string;
}

export type DemoPurchase = DemoEnvelope<
  'purchase',
  { readonly orderId: string; readonly amount: string; readonly currency: string; readonly items: readonly DemoPurchaseItem[]; readonly channel: string; readonly location?: string }
>;
export type DemoRefund = DemoEnvelope<'refund', { readonly orderId: string; readonly amount: string; readonly currency: string; readonly reason: string }>;
export type DemoCall = DemoEnvelope<
  'call',
  {
    readonly direction: 'inbound' | 'outbound';
    readonly durationSec: number;
    readonly topic: string;
    /** complaint, resolved (a complaint's follow-up), answered, unresolved, callback, sale, reminded */
    readonly outcome: string;
    readonly agentId: string;
    readonly satisfaction?: number;
  }
>;
export type DemoVisit = DemoEnvelope<
  'visit',
  { readonly channel: 'store' | 'branch' | 'web' | 'app' | 'service_centre'; readonly location?: string; readonly durationSec?: number; readonly purpose?: string }
>;
export type DemoSocialMention = DemoEnvelope<
  'social_mention',
  { readonly platform: string; readonly handle: string; readonly url: string; readonly text: string; readonly sentiment: 'positive' | 'neutral' | 'negative'; readonly reach: number }
>;
export type DemoProfileUpdate = DemoEnvelope<
  'profile_update',
  { readonly preferences: Readonly<Record<string, string>>; readonly importantDates: Readonly<Record<string, string>>; readonly consent?: DemoConsent }
>;

export type DemoSurveyResponse = DemoEnvelope<
  'survey_response',
  {
    readonly surveyId: string;
    readonly question: string;
    readonly npsScore?: number;
    readonly csatScore?: number;
    readonly comment?: string;
    readonly channel: 'email' | 'sms' | 'app';
    readonly orderId: string;
  }
>;

export type DemoTouchpoint = DemoPurchase | DemoRefund | DemoCall | DemoVisit | DemoSocialMention | DemoProfileUpdate | DemoSurveyResponse;
export type DemoTouchpointType = DemoTouchpoint['type'];
