import 'reflect-metadata';
import { readSettings, runUntilSignalled, startHttpProcess } from '@cdp/platform-runtime';
import { IngestModule } from './ingest.module';

/** The ingest service alone, for servers mode where each app scales on its own. */
runUntilSignalled(() => startHttpProcess(readSettings({ CDP_MODE: 'servers', ...process.env }), [IngestModule]), 'ingest');
