import type { DesiredState, Resource } from '../constructs/model/index.ts';
import { canonicalJson } from '../constructs/model/index.ts';
import type { Plan } from './plan.ts';

/**
 * The projects a saved plan adopts (`adopt = true` in its desired state) that the
 * configuration does not adopt exactly so (same address, name, domain and every other
 * attribute), sorted by address; empty when every adoption is the configuration's own.
 *
 * Adoption is the one change that touches an object keyform did not create: it marks an
 * unmanaged project as keyform's. Apply re-derives every change from the plan's desired state,
 * so a plan file whose desired state was edited to adopt some other project (checksum
 * recomputed) would pass that check; the configuration apply reads anyway (for the clouds)
 * must ask for the same adoption. `KEYFORM_PLAN_KEY` signing covers the rest of the file.
 * @example unconfiguredAdoptions(plan, synth.platforms) // ['keyform_project.tenant["os-prod/acme/legacy"]']
 */
export function unconfiguredAdoptions(plan: Plan, configured: readonly DesiredState[]): readonly string[] {
  const out: string[] = [];
  for (const p of plan.platforms) {
    const mine = configured.find((d) => d.platform === p.platform)?.resources ?? [];
    const adopted = p.desired.resources.filter((r) => r.kind === 'project' && r.adopt === true);
    if (adopted.length === 0) continue;
    const byAddress = new Map<string, Resource>(mine.map((r) => [r.address, r]));
    for (const r of adopted) {
      const c = byAddress.get(r.address);
      if (c === undefined || canonicalJson(c) !== canonicalJson(r)) out.push(r.address);
    }
  }
  return out.sort();
}
