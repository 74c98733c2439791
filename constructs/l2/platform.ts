import type { ConfigPath } from '../problems/source.ts';
import type { Construct } from 'constructs';
import type { Result } from 'neverthrow';
import type { QuotaBackendName } from '../model/resource.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { identifierProblems } from '../naming/identifiers.ts';
import { parseNamePattern, type NamePattern, type Placeholder } from '../naming/name-pattern.ts';
import { tagProblems } from '../model/constraints.ts';
import { Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import { roleMappingProblems, type RoleMapping } from './declaration-rules.ts';
import type { KeyformApp } from './keyform-app.ts';

/** The seed product maps every project role to Keystone's `member`. */
export const DEFAULT_ROLE_MAPPING: RoleMapping = { admin: 'member', reader: 'member', user: 'member' };
export const DEFAULT_DOMAIN_NAME_PATTERN = '#{workspaceIdentifier}';
export const DEFAULT_PROJECT_NAME_PATTERN = '#{workspaceIdentifier}.#{projectIdentifier}';
export const DEFAULT_GROUP_NAME_PATTERN = '#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}';
export const QUOTA_BACKENDS: readonly QuotaBackendName[] = ['service-apis', 'unified-limits'];

/** Which placeholders each pattern may use. */
export const PATTERN_PLACEHOLDERS = {
  domain_name_pattern: ['workspaceIdentifier'],
  project_name_pattern: ['workspaceIdentifier', 'projectIdentifier', 'tenantPlatformNumber'],
  group_name_pattern: ['workspaceIdentifier', 'projectIdentifier', 'platformGroupAlias', 'tenantPlatformNumber'],
} as const satisfies Record<string, readonly Placeholder[]>;
export type PatternField = keyof typeof PATTERN_PLACEHOLDERS;

export interface PlatformProps extends DeclarationProps {
  /**
   * The clouds.yaml entry of the replicator account.
   * @default OS_CLOUD (or `--os-cloud`), else the OS_* variables, else the only cloud of clouds.yaml
   */
  readonly cloud?: string;
  /** The clouds.yaml entry of the read-only metering account. @default none */
  readonly meteringCloud?: string;
  /**
   * A clouds.yaml entry used only for unified limits (`/v3/limits`), signed in with system
   * scope: needed when `cloud` can't be system-scoped (an application credential).
   * @default none: the replicator account itself, system-scoped
   */
  readonly limitsCloud?: string;
  readonly region: string;
  /** Where the identity provider's users live. @default 'default' */
  readonly userDomain?: string;
  /** The shared domain of all tenants (unless `domainPerWorkspace`). @default 'default' */
  readonly domain?: string;
  /** One Keystone domain per workspace, named by `domainNamePattern`. @default false */
  readonly domainPerWorkspace?: boolean;
  /** @default '#{workspaceIdentifier}' */
  readonly domainNamePattern?: string;
  /** @default '#{workspaceIdentifier}.#{projectIdentifier}' */
  readonly projectNamePattern?: string;
  /** Must use `#{platformGroupAlias}`. @default '#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}' */
  readonly groupNamePattern?: string;
  /** Project role alias → Keystone role. @default { admin: 'member', user: 'member', reader: 'member' } */
  readonly roleMapping?: RoleMapping;
  /** The namespace of user tags keyform owns on projects. @default 'kf_' */
  readonly tagPrefix?: string;
  /** @default 'unified-limits' */
  readonly quotaBackend?: QuotaBackendName;
}

const PLATFORM = Symbol.for('keyform.Platform');

/**
 * An OpenStack platform (a Keystone endpoint and region) that tenants are replicated to.
 * @example new Platform(app, 'os-prod', { cloud: 'prod', region: 'RegionOne', domainPerWorkspace: true })
 */
export class Platform extends Declaration {
  static isPlatform(x: unknown): x is Platform {
    return typeof x === 'object' && x !== null && PLATFORM in x;
  }

  readonly identifier: string;
  /** The props it was declared with: what a building block declares its copy of the platform from. */
  readonly props: PlatformProps;
  readonly cloud: string | undefined;
  readonly meteringCloud: string | undefined;
  readonly limitsCloud: string | undefined;
  readonly region: string;
  readonly userDomain: string;
  readonly domain: string;
  readonly domainPerWorkspace: boolean;
  readonly roleMapping: RoleMapping;
  readonly tagPrefix: string;
  readonly quotaBackend: QuotaBackendName;
  /** The patterns as written, by config field. */
  readonly patternTexts: Readonly<Record<PatternField, string>>;
  /** The parsed patterns, or the reasons they don't parse. */
  readonly patterns: Readonly<Record<PatternField, Result<NamePattern, string[]>>>;

  constructor(scope: KeyformApp, id: string, props: PlatformProps) {
    super(scope as Construct, nodeId('platform', id), props.source);
    this.identifier = id;
    this.props = props;
    this.cloud = props.cloud;
    this.meteringCloud = props.meteringCloud;
    this.limitsCloud = props.limitsCloud;
    this.region = props.region;
    this.userDomain = props.userDomain ?? 'default';
    this.domain = props.domain ?? 'default';
    this.domainPerWorkspace = props.domainPerWorkspace ?? false;
    this.roleMapping = props.roleMapping ?? DEFAULT_ROLE_MAPPING;
    this.tagPrefix = props.tagPrefix ?? 'kf_';
    this.quotaBackend = props.quotaBackend ?? 'unified-limits';
    this.patternTexts = {
      domain_name_pattern: props.domainNamePattern ?? DEFAULT_DOMAIN_NAME_PATTERN,
      project_name_pattern: props.projectNamePattern ?? DEFAULT_PROJECT_NAME_PATTERN,
      group_name_pattern: props.groupNamePattern ?? DEFAULT_GROUP_NAME_PATTERN,
    };
    const parse = (f: PatternField) => parseNamePattern(this.patternTexts[f], PATTERN_PLACEHOLDERS[f]);
    this.patterns = {
      domain_name_pattern: parse('domain_name_pattern'),
      project_name_pattern: parse('project_name_pattern'),
      group_name_pattern: parse('group_name_pattern'),
    };
  }

  get configPath(): ConfigPath {
    return ['platform', this.identifier];
  }

  problems(): ConfigProblem[] {
    const what = `platform ${JSON.stringify(this.identifier)}`;
    const out: ConfigProblem[] = [];
    for (const p of identifierProblems(this.identifier)) out.push(this.problem([], `${what}: identifier ${p}`, 'rename the platform block', 'key'));
    // A TypeScript program can pass a number (`as any`, plain JavaScript): never coerce it into a cloud or region name.
    const textField = (field: string, value: unknown, emptyHint: string): void => {
      if (typeof value !== 'string') out.push(this.problem([field], `${what}: ${field} must be a string, not ${typeof value}`, `set ${field} to a string`));
      else if (value.trim() === '') out.push(this.problem([field], `${what}: ${field} is empty`, emptyHint));
    };
    const required = { region: this.region, user_domain: this.userDomain, domain: this.domain };
    for (const [field, value] of Object.entries(required)) textField(field, value, `set ${field} to a non-empty value`);
    const optionalClouds = { cloud: this.cloud, metering_cloud: this.meteringCloud, limits_cloud: this.limitsCloud };
    for (const [field, value] of Object.entries(optionalClouds)) {
      if (value !== undefined && value !== null) textField(field, value, 'name a clouds.yaml entry or remove the line');
    }
    out.push(...this.patternProblems(what));
    out.push(...roleMappingProblems(this.roleMapping, what, (s, m, h, p) => this.problem(s, m, h, p)));
    if (Object.keys(this.roleMapping).length === 0) out.push(this.problem(['role_mapping'], `${what}: role_mapping is empty`, 'map at least one project role, e.g. { admin = "member" }'));
    out.push(...this.tagPrefixProblems(what));
    if (!QUOTA_BACKENDS.includes(this.quotaBackend)) {
      out.push(this.problem(['quota_backend'], `${what}: quota_backend ${JSON.stringify(this.quotaBackend)} is not a backend`, `use one of ${QUOTA_BACKENDS.join(', ')}`));
    }
    return out;
  }

  private patternProblems(what: string): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const field of Object.keys(this.patterns) as PatternField[]) {
      const parsed = this.patterns[field];
      if (parsed.isErr()) {
        for (const p of parsed.error) out.push(this.problem([field], `${what}: ${field} ${p}`, 'placeholders look like #{projectIdentifier} or #{projectIdentifier:%.7s}'));
      }
    }
    const group = this.patterns.group_name_pattern;
    if (group.isOk() && !group.value.placeholders.includes('platformGroupAlias')) {
      out.push(this.problem(['group_name_pattern'], `${what}: group_name_pattern does not use #{platformGroupAlias}, so every role of a project would get the same group name`, 'add #{platformGroupAlias}, e.g. "#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}"'));
    }
    return out;
  }

  private tagPrefixProblems(what: string): ConfigProblem[] {
    const hint = 'use a short prefix such as "kf_"';
    if (this.tagPrefix === '') return [this.problem(['tag_prefix'], `${what}: tag_prefix is empty, so keyform would own every tag on its projects`, hint)];
    const out = tagProblems(this.tagPrefix).map((p) => this.problem(['tag_prefix'], `${what}: tag_prefix ${p}`, hint));
    if (this.tagPrefix.includes('=')) out.push(this.problem(['tag_prefix'], `${what}: tag_prefix contains "=", which separates tag keys and values`, hint));
    if (this.tagPrefix.startsWith('keyform.')) out.push(this.problem(['tag_prefix'], `${what}: tag_prefix starts with "keyform.", which keyform reserves for its ownership markers`, hint));
    // A prefix of "keyform." would claim the quota record tags (`keyform.quota=KEY`), which project updates must carry along as found.
    else if ('keyform.'.startsWith(this.tagPrefix)) out.push(this.problem(['tag_prefix'], `${what}: tag_prefix ${JSON.stringify(this.tagPrefix)} would cover the "keyform." tags keyform reserves for its ownership markers`, hint));
    return out;
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(Platform.prototype, PLATFORM, { value: true });
