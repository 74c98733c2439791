export * from './collect-once.ts';
export * from './collect-loop.ts';
export * from './list-all.ts';
export * from './resource-collectors.ts';
export * from './visibility.ts';
