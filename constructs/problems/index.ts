export * from './config-error.ts';
export * from './source.ts';
export * from './problem-at.ts';
export * from './printable.ts';
export * from './unknown-platform.ts';
export * from './lone-surrogate.ts';
