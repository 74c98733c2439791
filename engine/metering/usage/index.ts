export * from './coverage.ts';
export * from './usage-line.ts';
export * from './hourly-usage.ts';
