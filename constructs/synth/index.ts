export * from './synth.ts';
export * from './synth-output.ts';
export * from './canonical-json.ts';
