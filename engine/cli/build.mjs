#!/usr/bin/env node
// Builds the CLI into one JavaScript file, dist/keyform.js (`npm run build`; `npm ci` runs it
// as `prepare`), which engine/cli/keyform.mjs runs. One bundle, not a file per module: Node
// spent ~0.15 s more CPU loading the ~220 modules `tsc` writes than this one file. Packages stay
// external (resolved from node_modules at run time, so hcl2json finds its WebAssembly and
// better-sqlite3 its native binding), except the three plain-JavaScript ones every command
// loads (BUNDLED): Node spent ~50 ms of CPU resolving and loading them from node_modules at
// each start (`keyform --version` 134 -> 80 ms, `node -e 0` 62 ms). A keyform.config.ts still
// gets constructs from node_modules: keyform tells constructs apart by Symbol.for brands, as the
// constructs library does itself, so two copies work together.
// No type check here: that is `npm run typecheck`.
// Beside it, keyform.inputs.json lists the sources it was built from, for keyform.mjs to
// tell a build older than the sources. An optional argument names another output file (the
// build test writes a private one).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/keyform.js`;
const BUNDLED = ['commander', 'constructs', 'neverthrow'];
const { dependencies, devDependencies } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const external = Object.keys({ ...dependencies, ...devDependencies }).filter((p) => !BUNDLED.includes(p)).flatMap((p) => [p, `${p}/*`]);

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ['engine/cli/main.ts'],
  outfile,
  bundle: true,
  external,
  // The bundled packages are CommonJS and require Node's own modules, which an ES module has no `require` for.
  banner: { js: "import { createRequire as keyformCreateRequire } from 'node:module'; const require = keyformCreateRequire(import.meta.url);" },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});
// Sources only: the bundled packages change with node_modules, and `npm ci` rebuilds then.
const sources = Object.keys(metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
writeFileSync(outfile.replace(/\.js$/, '.inputs.json'), `${JSON.stringify(sources.sort(), null, 1)}\n`);
