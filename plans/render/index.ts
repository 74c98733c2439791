export * from './format.ts';
export * from './text.ts';
export * from './markdown.ts';
export * from './terraform/plan-json.ts';
