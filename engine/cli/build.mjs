#!/usr/bin/env node
// Builds the CLI into one JavaScript file, dist/keyform.js (`npm run build`; `npm ci` runs it
// as `prepare`), which engine/cli/keyform.mjs runs. One bundle, not a file per module: Node
// spent ~0.15 s more CPU loading the ~220 modules `tsc` writes than this one file. Packages stay
// external (resolved from node_modules at run time, so hcl2json finds its WebAssembly and
// better-sqlite3 its native binding). No type check here: that is `npm run typecheck`.
// Beside it, keyform.inputs.json lists the sources it was built from, for keyform.mjs to
// tell a build older than the sources. An optional argument names another output file (the
// build test writes a private one).
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/keyform.js`;

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ['engine/cli/main.ts'],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});
writeFileSync(outfile.replace(/\.js$/, '.inputs.json'), `${JSON.stringify(Object.keys(metafile.inputs).sort(), null, 1)}\n`);
