export { touchpointSamples } from './touchpoint-samples';
