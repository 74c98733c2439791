import type { ConfigPath } from '../problems/source.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { euidProblems, roleAliasProblems } from '../naming/identifiers.ts';
import { childPath, Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import type { Project } from './project.ts';

export interface UserBindingProps extends DeclarationProps {
  /** The project roles (aliases of the role mapping, e.g. `admin`); at least one. */
  readonly roles: readonly string[];
}

const USER_BINDING = Symbol.for('keyform.UserBinding');

/**
 * A user's roles on a project, on every platform the project has a tenant on. The user is
 * named by the external id the identity provider stores in Keystone `User.name`; keyform
 * never creates users.
 * @example new UserBinding(webshop, 'alice@acme.example', { roles: ['admin'] })
 */
export class UserBinding extends Declaration {
  static isUserBinding(x: unknown): x is UserBinding {
    return typeof x === 'object' && x !== null && USER_BINDING in x;
  }

  readonly euid: string;
  readonly roles: readonly string[];
  readonly project: Project;

  constructor(scope: Project, euid: string, props: UserBindingProps) {
    super(scope, nodeId('user', euid), props.source);
    this.euid = euid;
    this.roles = props.roles;
    this.project = scope;
  }

  get configPath(): ConfigPath {
    return childPath(this.project, 'user', this.euid);
  }

  problems(): ConfigProblem[] {
    // The subject is made only for a message: 10,000 tenants are 30,000 bindings, nearly all valid.
    const what = () => `user ${JSON.stringify(this.euid)}`;
    const out = euidProblems(this.euid).map((p) => this.problem([], `${what()}: external id ${p}`, "write the user's external id as the identity provider stores it", 'key'));
    const twin = this.earlierCaseTwin();
    if (twin) {
      out.push(this.problem([], `${what()} is also bound as ${JSON.stringify(twin.euid)} in this project; Keystone compares user names without case, so both name one user`, 'bind the user once, spelled as the identity provider stores it', 'key'));
    }
    if (this.roles.length === 0) out.push(this.problem(['roles'], `${what()} has no roles`, 'give at least one role, e.g. roles = ["user"], or remove the binding'));
    // forEach, not a loop over indices: roles of the wrong type (a program's string) must fail here, as a TypeError synth reports.
    this.roles.forEach((role, i) => {
      for (const p of roleAliasProblems(role)) out.push(this.problem(['roles', String(i)], `${what()}: role ${JSON.stringify(role)} ${p}`, 'use a role alias of the role mapping, e.g. "admin"'));
      // A binding lists a role or three: a scan of the earlier ones is cheaper than a set.
      if (this.roles.indexOf(role) < i) out.push(this.problem(['roles', String(i)], `${what()}: role ${JSON.stringify(role)} is listed twice`, 'remove the repeated role'));
    });
    return out;
  }

  /** An earlier binding of the same project whose external id differs from this one in case only. */
  private earlierCaseTwin(): UserBinding | undefined {
    const lower = this.euid.toLowerCase();
    for (const c of this.project.node.children) {
      if (c === this) return undefined;
      if (UserBinding.isUserBinding(c) && c.euid !== this.euid && c.euid.toLowerCase() === lower) return c;
    }
    return undefined;
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(UserBinding.prototype, USER_BINDING, { value: true });
