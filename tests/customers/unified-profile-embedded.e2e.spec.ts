import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { describeUnifiedProfileJourneys } from './unified-profile-journeys';

describeUnifiedProfileJourneys('embedded: PGlite', () => startPlatformUnderTest('embedded', PLATFORM_FEATURES));
