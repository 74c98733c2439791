import type { ConfigPath } from '../problems/source.ts';
import type { Construct } from 'constructs';
import type { ConfigProblem } from '../problems/config-error.ts';
import { identifierProblems } from '../naming/identifiers.ts';
import { Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import { quotasProblems, roleMappingProblems, tagsProblems, type Quotas, type RoleMapping, type Tags } from './declaration-rules.ts';
import type { KeyformApp } from './keyform-app.ts';
import type { Platform } from './platform.ts';

export interface LandingZoneProps extends DeclarationProps {
  /** The platform (or its identifier) the landing zone is for. */
  readonly platform: Platform | string;
  /** Default quotas of its tenants. @default {} */
  readonly quota?: Quotas;
  /** Tags of its tenants (workspace and tenant tags win). @default {} */
  readonly tags?: Tags;
  /** Overrides (or adds) entries of the platform's role mapping. @default {} */
  readonly roleMapping?: RoleMapping;
}

const LANDING_ZONE = Symbol.for('keyform.LandingZone');

/**
 * Defaults for the tenants that choose it: quotas, tags and role-mapping overrides.
 * @example new LandingZone(app, 'standard', { platform: 'os-prod', quota: { 'compute.cores': 20 } })
 */
export class LandingZone extends Declaration {
  static isLandingZone(x: unknown): x is LandingZone {
    return typeof x === 'object' && x !== null && LANDING_ZONE in x;
  }

  readonly identifier: string;
  /** The props it was declared with (the platform by identifier): what a building block declares its copy from. */
  readonly props: LandingZoneProps;
  /** The platform identifier; `synth()` checks that it exists. */
  readonly platform: string;
  readonly quota: Quotas;
  readonly tags: Tags;
  readonly roleMapping: RoleMapping;

  constructor(scope: KeyformApp, id: string, props: LandingZoneProps) {
    super(scope as Construct, nodeId('landing_zone', id), props.source);
    this.identifier = id;
    this.platform = typeof props.platform === 'string' ? props.platform : props.platform.identifier;
    this.props = { ...props, platform: this.platform };
    this.quota = props.quota ?? {};
    this.tags = props.tags ?? {};
    this.roleMapping = props.roleMapping ?? {};
  }

  get configPath(): ConfigPath {
    return ['landing_zone', this.identifier];
  }

  problems(): ConfigProblem[] {
    const what = `landing zone ${JSON.stringify(this.identifier)}`;
    const report = (s: readonly string[], m: string, h: string, p?: 'key' | 'value') => this.problem(s, m, h, p);
    return [
      ...identifierProblems(this.identifier).map((p) => this.problem([], `${what}: identifier ${p}`, 'rename the landing_zone block', 'key')),
      ...quotasProblems(this.quota, what, report),
      ...tagsProblems(this.tags, what, report),
      ...roleMappingProblems(this.roleMapping, what, report),
    ];
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(LandingZone.prototype, LANDING_ZONE, { value: true });
