import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import type { SchemaCatalog } from '@cdp/events';
import { prepareTouchpoints } from '@cdp/ingestion';
import { CLOCK, SCHEMA_CATALOG, SETTINGS, TOUCHPOINT_LOG, type Clock, type Settings } from '@cdp/platform-runtime';
import { AppendTouchpoints, type AcceptedTouchpoint } from './append-touchpoints.command';
import { InvalidTouchpointsError } from './invalid-touchpoints.error';

@CommandHandler(AppendTouchpoints)
export class AppendTouchpointsHandler implements ICommandHandler<AppendTouchpoints> {
  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    @Inject(SCHEMA_CATALOG) private readonly catalog: SchemaCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ bodies, correlationId }: AppendTouchpoints): Promise<AcceptedTouchpoint[]> {
    const prepared = prepareTouchpoints(bodies, {
      catalog: this.catalog,
      receivedAt: this.clock.now().toISOString(),
      newEventId: randomUUID,
      defaultPhoneRegion: this.settings.defaultPhoneRegion,
    });
    if (!prepared.ok) throw new InvalidTouchpointsError(prepared.errors);

    const results = await this.log.appendMany(
      prepared.touchpoints.map(({ touchpoint, streamId }) => ({
        streamId,
        events: [{ eventId: touchpoint.eventId, type: touchpoint.type, data: touchpoint, metadata: { correlationId } }],
      })),
    );
    return results.map(({ events: [{ eventId, position, duplicate }] }) => ({ eventId, position, duplicate }));
  }
}
