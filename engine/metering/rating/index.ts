export * from './price-list.ts';
export * from './meter-report.ts';
export * from './money.ts';
export * from './report-builder.ts';
