import type { ConfigPath } from '../problems/source.ts';
import type { Construct } from 'constructs';
import type { ConfigProblem } from '../problems/config-error.ts';
import { identifierProblems } from '../naming/identifiers.ts';
import { Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import { tagsProblems, type Tags } from './declaration-rules.ts';
import type { KeyformApp } from './keyform-app.ts';

export interface WorkspaceProps extends DeclarationProps {
  /** The display name (used in descriptions). @default the identifier */
  readonly name?: string;
  /** Tags of all its tenants (tenant tags win; landing-zone tags lose). @default {} */
  readonly tags?: Tags;
}

const WORKSPACE = Symbol.for('keyform.Workspace');

/**
 * A team or customer: owns projects, and through their tenants, Keystone projects.
 * @example new Workspace(app, 'acme', { name: 'ACME Corp', tags: { cost_center: 'cc-42' } })
 */
export class Workspace extends Declaration {
  static isWorkspace(x: unknown): x is Workspace {
    return typeof x === 'object' && x !== null && WORKSPACE in x;
  }

  /** A lower-case DNS label, unique in the config. */
  readonly identifier: string;
  readonly name: string;
  readonly tags: Tags;

  constructor(scope: KeyformApp, id: string, props: WorkspaceProps = {}) {
    super(scope as Construct, nodeId('workspace', id), props.source);
    this.identifier = id;
    this.name = props.name ?? id;
    this.tags = props.tags ?? {};
  }

  get configPath(): ConfigPath {
    return ['workspace', this.identifier];
  }

  problems(): ConfigProblem[] {
    const what = `workspace ${JSON.stringify(this.identifier)}`;
    const out = identifierProblems(this.identifier).map((p) => this.problem([], `${what}: identifier ${p}`, 'rename the workspace block', 'key'));
    if (this.name.trim() === '') out.push(this.problem(['name'], `${what}: name is empty`, 'give the workspace a display name or remove the line'));
    out.push(...tagsProblems(this.tags, what, (s, m, h, p) => this.problem(s, m, h, p)));
    return out;
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(Workspace.prototype, WORKSPACE, { value: true });
