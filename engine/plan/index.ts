export * from './platform-target.ts';
