export { PLATFORM_FEATURES } from './platform-features';
