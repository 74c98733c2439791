#!/usr/bin/env node
// The `keyform` command. It runs the build, dist/keyform.js, that `npm ci` makes (the
// `prepare` script; `npm run build` remakes it): ~0.2 s to start, where loading the
// TypeScript sources through tsx takes ~1.3 s. It runs the sources instead when there is no
// build, or with KEYFORM_FROM_SOURCE=1: the tests set it, so that they check the code as
// written, never a build older than the sources.
import { existsSync } from 'node:fs';

const built = new URL('../../dist/keyform.js', import.meta.url);
const fromSource = process.env.KEYFORM_FROM_SOURCE === '1' || !existsSync(built);
if (fromSource) (await import('tsx/esm/api')).register();
const { main } = await import(fromSource ? './main.ts' : built.href);
process.exitCode = await main(process.argv.slice(2));
