import { quotaKeyInfo, type DesiredState, type PlatformSettings, type QuotaService } from '../../constructs/index.ts';

/** One platform to check, from the synthesized config. */
export interface DoctorTarget {
  readonly settings: PlatformSettings;
  readonly desired: DesiredState;
  /** The config has a `metering` block for this platform. */
  readonly meteringBlock: boolean;
}

/** What the checks need to know about a target's desired state, each list sorted and unique. */
export interface TargetNeeds {
  /** Every euid a user binding names. */
  readonly euids: readonly string[];
  /** Every quota key some tenant sets, e.g. `compute.cores`. */
  readonly quotaKeys: readonly string[];
  /** The services whose quota APIs those keys are written to (service-apis backend). */
  readonly quotaServices: readonly QuotaService[];
  /** Every Keystone role the role mappings name (platform and landing zones). */
  readonly keystoneRoles: readonly string[];
}

const sorted = <T extends string>(xs: Iterable<T>): readonly T[] => [...new Set(xs)].sort();

/**
 * The euids, quota keys and roles `target` uses. Pure.
 * @example targetNeeds(target).keystoneRoles // ['member', 'reader']
 */
export function targetNeeds(target: DoctorTarget): TargetNeeds {
  const euids: string[] = [];
  const quotaKeys: string[] = [];
  const roles: string[] = Object.values(target.settings.roleMapping);
  for (const r of target.desired.resources) {
    if (r.kind === 'membership') euids.push(r.key.euid);
    else if (r.kind === 'quota') quotaKeys.push(r.key.quotaKey);
    else if (r.kind === 'assignment') roles.push(r.attrs.keystoneRole);
  }
  const keys = sorted(quotaKeys);
  const services = keys.flatMap((k) => {
    const info = quotaKeyInfo(k);
    return info ? [info.serviceApi.service] : [];
  });
  return { euids: sorted(euids), quotaKeys: keys, quotaServices: sorted(services), keystoneRoles: sorted(roles) };
}
