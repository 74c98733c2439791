export * from './check-row.ts';
export * from './doctor-target.ts';
export * from './run-doctor.ts';
export * from './render-doctor.ts';
