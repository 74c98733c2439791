export * from './synth.ts';
export * from './synth-output.ts';
