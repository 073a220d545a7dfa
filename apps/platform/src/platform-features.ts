import type { Type } from '@nestjs/common';
import { ApiModule } from '@cdp/api-app';
import { IngestModule } from '@cdp/ingest-app';
import { ProjectorModule } from '@cdp/projector-app';

/** Everything the one embedded process serves. */
export const PLATFORM_FEATURES: Type[] = [IngestModule, ProjectorModule, ApiModule];
