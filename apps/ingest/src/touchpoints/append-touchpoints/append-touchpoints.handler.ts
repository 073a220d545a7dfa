import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import type { SchemaCatalog } from '@cdp/events';
import { prepareTouchpoints } from '@cdp/ingestion';
import { assertDataFolderHasRoom, CLOCK, METRICS, SCHEMA_CATALOG, SETTINGS, TOUCHPOINT_LOG, type Clock, type Settings } from '@cdp/platform-runtime';
import { Counter, type Registry } from 'prom-client';
import { AppendTouchpoints, type AcceptedTouchpoint } from './append-touchpoints.command';
import { InvalidTouchpointsError } from './invalid-touchpoints.error';

@CommandHandler(AppendTouchpoints)
export class AppendTouchpointsHandler implements ICommandHandler<AppendTouchpoints> {
  private readonly duplicates: Counter;

  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    @Inject(SCHEMA_CATALOG) private readonly catalog: SchemaCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(METRICS) registry: Registry,
  ) {
    // An operator's only sign of a source that reuses event ids: its later touchpoints are answered as duplicates and dropped.
    this.duplicates = new Counter({
      name: 'cdp_ingest_duplicates_total',
      help: 'Touchpoints POST /v1/touchpoints answered as duplicates: the log already held their event id',
      registers: [registry],
    });
  }

  async execute({ bodies, correlationId }: AppendTouchpoints): Promise<AcceptedTouchpoint[]> {
    const prepared = prepareTouchpoints(bodies, {
      catalog: this.catalog,
      receivedAt: this.clock.now().toISOString(),
      newEventId: randomUUID,
      defaultPhoneRegion: this.settings.defaultPhoneRegion,
    });
    if (!prepared.ok) throw new InvalidTouchpointsError(prepared.errors);
    if (this.settings.mode === 'embedded') assertDataFolderHasRoom(this.settings.dataDir);

    const results = await this.log.appendMany(
      prepared.touchpoints.map(({ touchpoint, streamId }) => ({
        streamId,
        events: [{ eventId: touchpoint.eventId, type: touchpoint.type, data: touchpoint, metadata: { correlationId } }],
      })),
    );
    const accepted = results.map(({ events: [{ eventId, position, duplicate }] }) => ({ eventId, position, duplicate }));
    const duplicates = accepted.filter((touchpoint) => touchpoint.duplicate).length;
    if (duplicates > 0) this.duplicates.inc(duplicates);
    return accepted;
  }
}
