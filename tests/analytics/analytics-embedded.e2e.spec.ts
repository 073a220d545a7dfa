import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { describeAnalyticsJourneys } from './analytics-journeys';

describeAnalyticsJourneys('embedded: chDB', () => startPlatformUnderTest('embedded', PLATFORM_FEATURES));
