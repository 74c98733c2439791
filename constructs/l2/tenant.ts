import type { ConfigPath } from '../problems/source.ts';
import type { DeletionPolicy } from '../model/resource.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { childPath, Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import { quotasProblems, tagsProblems, type Quotas, type Tags } from './declaration-rules.ts';
import type { LandingZone } from './landing-zone.ts';
import type { Platform } from './platform.ts';
import type { Project } from './project.ts';
import { tenantKey } from '../model/index.ts';

export const DELETION_POLICIES: readonly DeletionPolicy[] = ['delete', 'retain'];

export interface TenantProps extends DeclarationProps {
  /** The landing zone (or its identifier) giving default quotas, tags and role mapping. @default none */
  readonly landingZone?: LandingZone | string;
  /** Overrides the landing zone's quotas key by key. @default {} */
  readonly quota?: Quotas;
  /** Tags of this tenant only (they win over workspace and landing-zone tags). @default {} */
  readonly tags?: Tags;
  /** What removing the tenant does to its project. @default 'retain' */
  readonly deletionPolicy?: DeletionPolicy;
  /** Take over an existing unmanaged project of the same name. @default false */
  readonly adopt?: boolean;
  /** The tenant's number on its platform, for `#{tenantPlatformNumber}`. @default none */
  readonly platformNumber?: number;
}

const TENANT = Symbol.for('keyform.Tenant');

/**
 * A project's presence on one platform: one Keystone project, its groups, role
 * assignments, memberships and quotas.
 * @example new Tenant(webshop, 'os-prod', { landingZone: 'standard', quota: { 'compute.cores': 40 } })
 */
export class Tenant extends Declaration {
  static isTenant(x: unknown): x is Tenant {
    return typeof x === 'object' && x !== null && TENANT in x;
  }

  readonly project: Project;
  /** The platform identifier; `synth()` checks that it exists. */
  readonly platform: string;
  /** The landing zone identifier; `synth()` checks that it exists on `platform`. */
  readonly landingZone: string | undefined;
  readonly quota: Quotas;
  readonly tags: Tags;
  readonly deletionPolicy: DeletionPolicy;
  readonly adopt: boolean;
  readonly platformNumber: number | undefined;

  constructor(scope: Project, platform: Platform | string, props: TenantProps = {}) {
    const id = typeof platform === 'string' ? platform : platform.identifier;
    super(scope, nodeId('tenant', id), props.source);
    this.project = scope;
    this.platform = id;
    this.landingZone = typeof props.landingZone === 'object' ? props.landingZone.identifier : props.landingZone;
    this.quota = props.quota ?? {};
    this.tags = props.tags ?? {};
    this.deletionPolicy = props.deletionPolicy ?? 'retain';
    this.adopt = props.adopt ?? false;
    this.platformNumber = props.platformNumber;
  }

  /** `workspace.project`, as in ownership markers. */
  get tenantName(): string {
    return tenantKey({ workspace: this.project.workspace.identifier, project: this.project.identifier });
  }

  get configPath(): ConfigPath {
    return childPath(this.project, 'tenant', this.platform);
  }

  problems(): ConfigProblem[] {
    const what = `tenant ${this.tenantName} on ${JSON.stringify(this.platform)}`;
    const report = (s: readonly string[], m: string, h: string, p?: 'key' | 'value') => this.problem(s, m, h, p);
    const out = [...quotasProblems(this.quota, what, report), ...tagsProblems(this.tags, what, report)];
    if (!DELETION_POLICIES.includes(this.deletionPolicy)) {
      out.push(this.problem(['deletion_policy'], `${what}: deletion_policy ${JSON.stringify(this.deletionPolicy)} is not a policy`, 'use "retain" (disable and tag the project) or "delete"'));
    }
    const n = this.platformNumber;
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
      out.push(this.problem(['platform_number'], `${what}: platform_number ${n} is not a whole number ≥ 0`, 'write e.g. platform_number = 7'));
    }
    return out;
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(Tenant.prototype, TENANT, { value: true });
