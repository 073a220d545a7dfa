// Generated from schemas/ by `npm run schemas:generate`. Do not edit: change the .avsc files.

export interface Envelope {
  /** Idempotency key: a second touchpoint with the same id is a no-op. */
  readonly eventId: string;
  /** The touchpoint type, e.g. purchase; names the folder under schemas/touchpoints. */
  readonly type: string;
  /** The system that reported it, e.g. pos-store-12. */
  readonly source: string;
  /** When it happened, a UTC instant. */
  readonly occurredAt: string;
  /** When the platform accepted it, a UTC instant. */
  readonly receivedAt: string;
  /** Who it was, as the source knows them; at least one is set. Emails are lower-cased, phones are E.164 (an extension after ";ext="). */
  readonly identifiers: Identifiers;
  /** Facts about the person (firstName, city, ...); the latest by occurredAt wins. */
  readonly traits: null | Readonly<Record<string, string>>;
  /** Marketing permission per channel (email, sms, phone, push, ...). */
  readonly consent: null | Readonly<Record<string, ConsentStatus>>;
  /** Free-form source attributes, kept as they came. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Identifiers {
  readonly customerId: null | string;
  readonly email: null | string;
  readonly phone: null | string;
  readonly loyaltyCard: null | string;
  readonly socialHandle: null | string;
  readonly deviceId: null | string;
}

export type ConsentStatus = 'granted' | 'denied';

export interface CallPayload {
  readonly direction: CallDirection;
  readonly durationSec: number;
  readonly topic: null | string;
  /** resolved, unresolved, complaint, sale, ... */
  readonly outcome: string;
  readonly agentId: null | string;
  /** Satisfaction score given at the end of the call, if asked. */
  readonly satisfaction: null | number;
}

export type CallDirection = 'inbound' | 'outbound';

export interface ProfileUpdatePayload {
  /** Keyed notes, e.g. sauce: no spicy sauce; null withdraws the key. */
  readonly preferences: Readonly<Record<string, null | string>>;
  /** Dates that matter to the customer: birthday, anniversary, passportExpiry, ...; null withdraws the date. */
  readonly importantDates: Readonly<Record<string, null | string>>;
  /** Marketing permission per channel; the same meaning as the envelope's consent. */
  readonly consent: null | Readonly<Record<string, ConsentStatus>>;
}

export interface PurchasePayload {
  readonly orderId: string;
  /** Order total, a decimal string in `currency`. */
  readonly amount: string;
  /** ISO 4217 code. */
  readonly currency: string;
  readonly items: readonly PurchaseItem[];
  /** store, web, app, phone, ... */
  readonly channel: null | string;
  readonly location: null | string;
}

export interface PurchaseItem {
  readonly sku: string;
  readonly name: null | string;
  readonly category: null | string;
  readonly quantity: number;
  /** A decimal string in the order's currency. */
  readonly unitPrice: string;
}

export interface RefundPayload {
  /** The order refunded. */
  readonly orderId: string;
  /** Amount refunded, a decimal string in `currency`. */
  readonly amount: string;
  /** ISO 4217 code. */
  readonly currency: string;
  readonly reason: null | string;
}

export interface SocialMentionPayload {
  /** instagram, x, telegram, ... */
  readonly platform: string;
  /** The author's handle on that platform. */
  readonly handle: string;
  readonly url: null | string;
  readonly text: string;
  readonly sentiment: null | Sentiment;
  /** Audience size of the post, if known. */
  readonly reach: null | number;
}

export type Sentiment = 'positive' | 'neutral' | 'negative';

export interface VisitPayload {
  readonly channel: VisitChannel;
  readonly location: null | string;
  readonly durationSec: null | number;
  readonly purpose: null | string;
}

export type VisitChannel = 'store' | 'branch' | 'web' | 'app' | 'service_centre';

export interface Call extends Envelope {
  readonly type: 'call';
  readonly payload: CallPayload;
}

export interface ProfileUpdate extends Envelope {
  readonly type: 'profile_update';
  readonly payload: ProfileUpdatePayload;
}

export interface Purchase extends Envelope {
  readonly type: 'purchase';
  readonly payload: PurchasePayload;
}

export interface Refund extends Envelope {
  readonly type: 'refund';
  readonly payload: RefundPayload;
}

export interface SocialMention extends Envelope {
  readonly type: 'social_mention';
  readonly payload: SocialMentionPayload;
}

export interface Visit extends Envelope {
  readonly type: 'visit';
  readonly payload: VisitPayload;
}

/** Every touchpoint type the code reads by name; a registered type may be any other. */
export type KnownTouchpoint = Call | ProfileUpdate | Purchase | Refund | SocialMention | Visit;

export type KnownTouchpointType = KnownTouchpoint['type'];

