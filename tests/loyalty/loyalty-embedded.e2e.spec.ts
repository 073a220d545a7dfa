import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { CLUB_PROGRAM_ENV, describeLoyaltyJourneys } from './loyalty-journeys';

describeLoyaltyJourneys('embedded: PGlite', (clock) => startPlatformUnderTest('embedded', PLATFORM_FEATURES, CLUB_PROGRAM_ENV, clock));
