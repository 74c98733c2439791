export * from './load-config.ts';
export * from './build-app.ts';
export * from './construct-props.ts';
export * from './hcl-loader.ts';
export * from './yaml-loader.ts';
export * from './ts-loader.ts';
export * from './config-schema.ts';
