#!/usr/bin/env node
// The `keyform` command. It runs the build, dist/keyform.js, that `npm ci` makes (the
// `prepare` script; `npm run build` remakes it): ~0.2 s of CPU to start, where the
// TypeScript sources through tsx take ~1.2 s. It runs the sources instead when there is no
// build, when a source it was built from changed since (never code older than what is
// written), or with KEYFORM_FROM_SOURCE=1: the tests set it, so that they check the sources.
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const built = new URL('dist/keyform.js', root);

/** Whether the build is as new as each source it was built from (one stat per source, ~2 ms). */
function buildIsCurrent() {
  try {
    const builtAt = statSync(built).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL('dist/keyform.inputs.json', root), 'utf8'));
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

const fromSource = process.env.KEYFORM_FROM_SOURCE === '1' || !buildIsCurrent();
if (fromSource && process.env.KEYFORM_FROM_SOURCE !== '1' && existsSync(built)) {
  process.stderr.write('keyform: dist/keyform.js is older than the sources, so the sources run (slower); `npm run build` updates it.\n');
}
if (fromSource) (await import('tsx/esm/api')).register();
// The last-resort handler comes from the same module as main: the hooks commands register live there.
const { main, installLastResort, processIO } = await import(fromSource ? './main.ts' : built.href);
installLastResort(processIO());
process.exitCode = await main(process.argv.slice(2));
