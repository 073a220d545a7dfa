import 'reflect-metadata';
import { readSettings, runUntilSignalled, startHttpProcess } from '@cdp/platform-runtime';
import { ProjectorModule } from './projector.module';

/** The projector alone, for servers mode: more processes share the log's partitions. */
runUntilSignalled(() => startHttpProcess(readSettings({ CDP_MODE: 'servers', ...process.env }), [ProjectorModule]), 'projector');
