import type { Type } from '@nestjs/common';
import { IngestModule } from '@cdp/ingest-app';

/** Everything the one embedded process serves. */
export const PLATFORM_FEATURES: Type[] = [IngestModule];
