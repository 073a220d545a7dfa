import 'reflect-metadata';
import { readSettings, runUntilSignalled, startHttpProcess } from '@cdp/platform-runtime';
import { PLATFORM_FEATURES } from './platform-features';

/** `npm start`: the whole platform in one process, embedded by default (CDP_MODE). */
runUntilSignalled(() => startHttpProcess(readSettings(), PLATFORM_FEATURES), 'platform');
