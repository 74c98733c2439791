/**
 * Plan and apply through keyform's engine, as `keyform plan` / `keyform apply` do, for the
 * quota tests and benchmark: a config folder in, the plan and the apply report out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from 'neverthrow';
import { synthConfig, type DesiredState, type PlatformSettings } from '../../../constructs/index.ts';
import { applyPlan, type ApplyReport } from '../../../engine/apply/index.ts';
import { closeTargets, openTargets, planTargets, type PlatformTarget } from '../../../engine/plan/index.ts';
import type { Plan } from '../../../plans/index.ts';

/** The value of a Result, or a thrown error naming the step (tests and benchmarks only). */
export async function must<T, E extends { message: string }>(what: string, r: PromiseLike<Result<T, E>> | Result<T, E>): Promise<T> {
  const x = await r;
  if (x.isErr()) throw new Error(`${what}: ${x.error.message}`);
  return x.value;
}

/** A config folder holding `files` (name → text). */
export function configDir(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-quota-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A synthesized config and the sessions of its platforms. */
export interface Loaded {
  readonly desired: readonly DesiredState[];
  readonly settings: readonly PlatformSettings[];
  readonly targets: readonly PlatformTarget[];
  close(): void;
}

/** Synthesizes `dir` and opens its platforms' sessions with the stack's clouds.yaml. */
export async function load(dir: string, cloudsYaml: string): Promise<Loaded> {
  const { output } = await must('synth', synthConfig(dir));
  const settings = Object.values(output.settings);
  const targets = await must('open sessions', openTargets(settings, { env: { OS_CLIENT_CONFIG_FILE: cloudsYaml } }));
  return { desired: output.platforms, settings, targets, close: () => closeTargets(targets) };
}

/** A plan of the loaded config against the cloud now. */
export async function plan(l: Loaded): Promise<Plan> {
  return (await must('plan', planTargets(l.targets, l.desired, '0.0.0-test', new Date(0).toISOString()))).plan;
}

/** Applies `p`; fails when anything was not applied. */
export async function apply(l: Loaded, p: Plan): Promise<ApplyReport> {
  const report = await must('apply', applyPlan(p, l.targets, { lockWaitMs: 60_000 }));
  if (!report.succeeded) throw new Error(`apply did not succeed: ${JSON.stringify(report.platforms.flatMap((x) => x.changes.filter((c) => c.status !== 'done')))}`);
  return report;
}
