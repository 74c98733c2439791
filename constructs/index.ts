export * from './model/index.ts';
export * from './problems/index.ts';
export * from './naming/index.ts';
export * from './l1/index.ts';
export * from './l2/index.ts';
export * from './synth/index.ts';
export * from './loaders/index.ts';
