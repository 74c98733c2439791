import { describe, expect, it } from 'vitest';
import { quotaMarkerTag, projectMarkerTags, userTags } from '../../../constructs/model/index.ts';

describe('userTags', () => {
  const tags = [...projectMarkerTags('os-prod', 'acme', 'web', 'delete'), 'keyform.retired', quotaMarkerTag('compute.cores'), 'kf_cost_center=cc-42', 'kf_team=a=b', 'kf_bare', 'other=x'];

  it("reads a project's user tags as key and value, leaving out keyform's markers and quota records", () => {
    // WHEN every user tag is read
    // THEN the markers and the quota record are left out, keys keep their prefix, a bare tag has the value ''
    expect([...userTags(tags)]).toEqual([['kf_cost_center', 'cc-42'], ['kf_team', 'a=b'], ['kf_bare', ''], ['other', 'x']]);
  });

  it('with a prefix, reads only the tags under it, the prefix taken off', () => {
    // WHEN the tags under kf_ are read
    // THEN only those remain, keyed without the prefix; the value keeps any further `=`
    expect(Object.fromEntries(userTags(tags, 'kf_'))).toEqual({ cost_center: 'cc-42', team: 'a=b', bare: '' });
  });
});
