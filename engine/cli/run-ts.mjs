#!/usr/bin/env node
// Runs a TypeScript entry point through tsx's loader: keyform ships its sources, not a build,
// so `npx keyform` works right after `npm ci` with nothing compiled in between.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: run-ts.mjs ENTRY.ts [args...]\n');
  process.exit(1);
}
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
