import { Command } from '@nestjs/cqrs';

export interface AcceptedTouchpoint {
  readonly eventId: string;
  readonly position: string;
  /** True when the platform had already accepted this event id: nothing new was appended. */
  readonly duplicate: boolean;
}

/** Append touchpoints as posted: all of them, or none when any is invalid. */
export class AppendTouchpoints extends Command<AcceptedTouchpoint[]> {
  constructor(
    readonly bodies: readonly unknown[],
    readonly correlationId: string,
  ) {
    super();
  }
}
