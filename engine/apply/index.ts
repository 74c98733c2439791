export * from './apply-error.ts';
export * from './apply-plan.ts';
export * from './apply-progress.ts';
export * from './apply-report.ts';
export * from './id-book.ts';
export * from './run-changes.ts';
export * from './run-operation.ts';
export * from './write-context.ts';
