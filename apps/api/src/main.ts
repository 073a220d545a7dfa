import 'reflect-metadata';
import { readSettings, runUntilSignalled, startHttpProcess } from '@cdp/platform-runtime';
import { ApiModule } from './api.module';

/** The query API alone, for servers mode. */
runUntilSignalled(() => startHttpProcess(readSettings({ CDP_MODE: 'servers', ...process.env }), [ApiModule]), 'api');
