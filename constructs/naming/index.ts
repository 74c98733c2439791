export * from './printf.ts';
export * from './name-pattern.ts';
export * from './identifiers.ts';
