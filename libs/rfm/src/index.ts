export * from './lib/segmentation/rfm.errors';
export * from './lib/segmentation/rfm-parameters';
export * from './lib/segmentation/rfm-measures';
export * from './lib/segmentation/rfm-segment-grid';
export * from './lib/segmentation/rfm-score';
export * from './lib/segmentation/rfm.events';
export * from './lib/segmentation/rfm.stream';
export * from './lib/segmentation/segment-changes.decider';
