export * from './build-report.ts';
export * from './render-csv.ts';
export * from './render-json.ts';
export * from './render-html.ts';
export * from './cost-chart.ts';
export * from './html-text.ts';
export * from './render-focus.ts';
export * from './csv-text.ts';
