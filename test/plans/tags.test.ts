import { describe, it, expect } from 'vitest';
import { isKeyformTag, mergeTags, retiredTags } from '../../plans/index.ts';

describe('tags', () => {
  it.each([
    ['a tag under the prefix', 'kf_env=dev', true],
    ['an ownership marker', 'keyform.managed=os-prod', true],
    ['the deletion policy marker', 'keyform.deletion_policy=delete', true],
    ['a foreign tag', 'owner=ops', false],
  ])('knows %s is %s keyform\'s', (_name, tag, expected) => {
    // GIVEN / WHEN / THEN
    expect(isKeyformTag(tag, 'kf_')).toBe(expected);
  });

  it('keeps foreign tags and drops keyform tags the configuration no longer has', () => {
    // GIVEN desired tags and live tags with a stale prefix tag and a foreign one
    // WHEN merged THEN the result is the desired tags plus the foreign one, sorted
    expect(mergeTags(['kf_env=prod', 'keyform.managed=p'], ['zz=1', 'kf_env=dev', 'keyform.retired'], 'kf_')).toEqual(['keyform.managed=p', 'kf_env=prod', 'zz=1']);
  });

  it('retires a project, and on release also removes its ownership markers', () => {
    // GIVEN a managed project's tags
    const live = ['keyform.managed=p', 'keyform.tenant=a.b', 'kf_env=dev'];
    // WHEN retired, THEN tagged; WHEN released, THEN without markers
    expect(retiredTags(live, false)).toEqual(['keyform.managed=p', 'keyform.retired', 'keyform.tenant=a.b', 'kf_env=dev']);
    expect(retiredTags(live, true)).toEqual(['keyform.retired', 'kf_env=dev']);
  });
});
