import { planLine, type PlatformPlan } from '../../plans/index.ts';
import type { DestroyOutputs } from './block-destroy.ts';
import type { BlockBehavior } from './block-inputs.ts';
import type { BlockOutputs } from './block-outputs.ts';
import { ownerChanges } from './owner-changes.ts';
import type { RunMessages, StatusPlan } from './run-status.ts';
import type { TenantScope } from './tenant-scope.ts';
import { tenantKey } from '../../constructs/model/index.ts';

/** The plan as the status carries it. */
export function statusPlan(p: PlatformPlan): StatusPlan {
  return {
    summary: p.summary,
    description: ownerChanges(p),
    changes: p.changes.map((c) => ({ action: c.action, address: c.address, reason: c.reason })),
  };
}

/** `- line` per line, after a heading line. */
const listed = (heading: string, lines: readonly string[]): string => [heading, ...lines.map((l) => `- ${l}`)].join('\n');

/**
 * The plan step's user message: what the run is going to change, in the owner's words.
 * `tenantLive`: whether Keystone holds any of the tenant's objects (its domain aside).
 */
export function planMessage(behavior: BlockBehavior, sp: StatusPlan, tenantLive: boolean, dryRun: boolean): string {
  const s = sp.summary;
  if (sp.changes.length === 0) {
    if (behavior === 'APPLY') return 'Your project already matches the inputs: nothing to change.';
    return tenantLive ? 'Your project was already removed before this run: nothing to change.' : 'Your project is already gone from the cloud: nothing to remove.';
  }
  const what = behavior === 'APPLY' ? `${s.add} to create, ${s.change} to change, ${s.destroy} to remove` : `${s.destroy} to remove, ${s.change} to change`;
  const head = dryRun ? `Dry run, nothing was changed. This run would make these changes (${what}):` : `${what[0]!.toUpperCase()}${what.slice(1)}:`;
  return listed(head, sp.description);
}

/** The messages of a successful apply run: the project is ready, what changed, who is still left out. */
export function appliedMessages(out: BlockOutputs, p: PlatformPlan, sp: StatusPlan): RunMessages {
  const ready = `Project ${tenantKey(out)} is ready on platform ${out.platform} (Keystone project ${out.projectName}).`;
  const changed = sp.changes.length === 0 ? 'Nothing needed to change.' : listed('Changed in this run:', sp.description);
  return {
    userMessage: [ready, changed, ...out.remarks.map((r) => r.message)].join('\n'),
    systemMessage: [`${planLine(p.summary)} Project ${out.projectId} in domain ${out.domainId}.`, ...p.remarks.map((r) => r.message)].join('\n'),
  };
}

/** The messages of a successful destroy run: whether the project is gone or kept, and what this run did. */
export function destroyedMessages(out: DestroyOutputs, p: PlatformPlan, sp: StatusPlan, scope: TenantScope): RunMessages {
  const tenant = `Project ${tenantKey(scope)} on platform ${scope.platform}`;
  const project = out.retained.find((o) => o.kind === 'project');
  const state = project === undefined
    ? sp.changes.length === 0 ? `${tenant} was already gone from the cloud.` : `${tenant} is removed: its Keystone project is deleted, as its deletion policy (delete) says.`
    : `${tenant} is removed: nobody has access to it any more. Its Keystone project ${project.name} is kept, disabled and marked retired, as its deletion policy (retain) says.`;
  const head = sp.changes.length > 0 ? listed('Changed in this run:', sp.description) : 'Nothing needed to change: this run changed nothing.';
  const kept = out.retained.filter((o) => o.kind !== 'project').map((o) => `${o.kind} ${o.name}${o.id ? ` (${o.id})` : ''}`);
  return {
    userMessage: [state, head].join('\n'),
    systemMessage: [`${planLine(p.summary)} Removed ${out.removed.length} objects; retained: ${[...(project ? [`project ${project.id ?? project.name}`] : []), ...kept].join(', ') || 'nothing'}.`].join('\n'),
  };
}
