import { PLATFORM_FEATURES } from '../../apps/platform/src/platform-features';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { describeUnifiedProfileJourneys } from './unified-profile-journeys';

describeUnifiedProfileJourneys('embedded: PGlite', () => startPlatformUnderTest('embedded', PLATFORM_FEATURES));
