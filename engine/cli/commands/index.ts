import type { RegisterCommand } from '../main.ts';
import { registerDoctor } from './doctor.ts';
import { registerValidate } from './validate.ts';
import { registerSynth } from './synth.ts';
import { registerMeter } from './meter.ts';
import { registerExport } from './export.ts';
import { registerSnapshot } from './snapshot.ts';
import { registerPlan } from './plan.ts';
import { registerShow } from './show.ts';
import { registerApply } from './apply.ts';
import { registerForceUnlock } from './force-unlock.ts';
import { registerBlock } from './block.ts';

/** Every CLI command, in the order `keyform --help` lists them. One line per command module. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerDoctor,
  registerValidate,
  registerSynth,
  registerMeter,
  registerExport,
  registerSnapshot,
  registerPlan,
  registerShow,
  registerApply,
  registerForceUnlock,
  registerBlock,
];
