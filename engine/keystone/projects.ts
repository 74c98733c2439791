import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { identityCall, identityVoid, seg } from './call.ts';
import { andThenTry, listAll, type Fallbacks, type KeystoneError, type ListQuery } from './list.ts';
import type { Project } from './types.ts';
import { decodeProject } from './decode.ts';

/**
 * Filters of `GET /v3/projects`. `tags` matches projects carrying all the given tags
 * (comma-separated). Beware with `list_limit`: Zed cuts the unfiltered list first and
 * filters by tag after, so a tag query is no narrower and stays truncated.
 */
export interface ProjectQuery {
  readonly domain_id?: string;
  readonly name?: string;
  readonly tags?: string;
  readonly 'tags-any'?: string;
  readonly 'not-tags'?: string;
  readonly enabled?: 'true' | 'false';
}

/**
 * Projects matching `q` (never domains acting as projects). When Keystone truncates the
 * answer, `fallbacks` are tried (each a set of narrower queries covering what the caller
 * needs), then the enabled/disabled halves; a list still cut is a `truncated` error.
 */
export function listProjects(s: OpenStackSession, q: ProjectQuery = {}, fallbacks: Fallbacks = []): ResultAsync<readonly Project[], KeystoneError> {
  const halves: readonly ListQuery[] = q.enabled ? [] : [{ enabled: 'true' }, { enabled: 'false' }];
  const plans = andThenTry(fallbacks, halves.length ? [halves] : []);
  return listAll(s, '/projects', 'projects', decodeProject, { ...q }, plans, 'projects').map((ps) => ps.filter((p) => p.is_domain !== true));
}

export function getProject(s: OpenStackSession, id: string): ResultAsync<Project, OpenStackError> {
  return identityCall<Project>(s, 'GET', `/projects/${seg(id)}`, 'project');
}

export interface ProjectFields {
  readonly name: string;
  readonly domain_id: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly tags: readonly string[];
}

/** Creates a project; 409 Conflict when the name is taken in the domain. */
export function createProject(s: OpenStackSession, p: ProjectFields): ResultAsync<Project, OpenStackError> {
  return identityCall<Project>(s, 'POST', '/projects', 'project', { project: p });
}

/** Changes fields of a project. `tags` replaces all tags. The domain cannot change (Keystone answers 400). */
export function updateProject(s: OpenStackSession, id: string, patch: Partial<Omit<ProjectFields, 'domain_id'>>): ResultAsync<Project, OpenStackError> {
  return identityCall<Project>(s, 'PATCH', `/projects/${seg(id)}`, 'project', { project: patch });
}

/** Deletes a project with its role assignments and limits. */
export function deleteProject(s: OpenStackSession, id: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/projects/${seg(id)}`);
}

/** The project's tags. */
export function listProjectTags(s: OpenStackSession, id: string): ResultAsync<readonly string[], OpenStackError> {
  return identityCall<readonly string[]>(s, 'GET', `/projects/${seg(id)}/tags`, 'tags');
}

/** Replaces every tag of the project (`PUT …/tags`); idempotent, unlike adding one tag, which is 400 when present. */
export function replaceProjectTags(s: OpenStackSession, id: string, tags: readonly string[]): ResultAsync<readonly string[], OpenStackError> {
  return identityCall<readonly string[]>(s, 'PUT', `/projects/${seg(id)}/tags`, 'tags', { tags });
}

/**
 * Adds one tag (`PUT …/tags/TAG`), leaving the others as they are. Keystone answers 400 both
 * when the project has the tag already (an earlier, interrupted write, or a retry of one
 * whose answer was lost: done) and when it has no room for one more (80 tags): the tags are
 * read to tell which. 404 NotFound when the project is gone.
 */
export function addProjectTag(s: OpenStackSession, id: string, tag: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'PUT', `/projects/${seg(id)}/tags/${seg(tag)}`).orElse((e) => {
    if (e.status !== 400) return errAsync(e);
    return listProjectTags(s, id).andThen((tags) => {
      if (tags.includes(tag)) return okAsync(undefined);
      return errAsync<void, OpenStackError>({ ...e, message: `${e.message} The project has ${tags.length} tags; Keystone allows 80. Remove tags keyform does not own.` });
    });
  });
}

/**
 * Removes one tag (`DELETE …/tags/TAG`), leaving the others as they are; a tag already gone
 * counts as removed. Keystone answers 404 both for a missing tag and a missing project: the
 * tags are read to tell which (NotFound when the project is gone).
 */
export function removeProjectTag(s: OpenStackSession, id: string, tag: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/projects/${seg(id)}/tags/${seg(tag)}`).orElse((e) => {
    if (e.kind !== 'not-found') return errAsync(e);
    return listProjectTags(s, id).andThen((tags) => (tags.includes(tag) ? errAsync<void, OpenStackError>(e) : okAsync(undefined)));
  });
}
