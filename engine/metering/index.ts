export * from './errors.ts';
export * from './sample.ts';
export * from './meter-target.ts';
export * from './store/index.ts';
export * from './usage/index.ts';
export * from './rating/index.ts';
export * from './report/index.ts';
export * from './collect/index.ts';
