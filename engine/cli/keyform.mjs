#!/usr/bin/env node
// The `keyform` command: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const { installLastResort } = await import('./last-resort.ts');
const { processIO } = await import('./io.ts');
installLastResort(processIO());
process.exitCode = await main(process.argv.slice(2));
