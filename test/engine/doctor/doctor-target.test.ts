import { describe, expect, it } from 'vitest';
import { synthConfig } from '../../../constructs/index.ts';
import { doctorTargets } from '../../../engine/doctor/run-doctor.ts';
import { targetNeeds } from '../../../engine/doctor/doctor-target.ts';
import { folderWith } from './doctor-cli.ts';

const CONFIG = `platform "p1" {
  cloud          = "prod"
  region         = "RegionOne"
  quota_backend  = "service-apis"
  role_mapping   = { admin = "member", reader = "reader" }
}
platform "p2" {
  cloud  = "other"
  region = "RegionTwo"
}
landing_zone "lz" {
  platform     = "p1"
  quota        = { "volume.gigabytes" = 100, "compute.cores" = 8 }
  role_mapping = { auditor = "kf-auditor" }
}
metering "p1" {
  interval = "5m"
}
workspace "acme" {
  project "shop" {
    tenant "p1" { landing_zone = "lz" }
    user "bob@acme.example"   { roles = ["reader", "auditor"] }
    user "alice@acme.example" { roles = ["admin"] }
  }
}
`;

// The first synth loads the HCL parser (WebAssembly): seconds on a busy machine.
describe('what doctor checks a platform for', { timeout: 60_000 }, () => {
  it('collects the bound euids, declared quota keys and every mapped Keystone role, sorted', async () => {
    // GIVEN a platform whose landing zone maps one more role and sets two quotas
    const dir = folderWith({ 'keyform.hcl': CONFIG });
    const { output } = (await synthConfig(`${dir}/keyform.hcl`))._unsafeUnwrap();
    // WHEN its targets are made and the first one's needs read
    const targets = doctorTargets(output, undefined)._unsafeUnwrap();
    const p1 = targets.find((t) => t.settings.id === 'p1')!;
    // THEN the needs come from the desired state and both role mappings
    expect(targetNeeds(p1)).toEqual({
      euids: ['alice@acme.example', 'bob@acme.example'],
      quotaKeys: ['compute.cores', 'volume.gigabytes'],
      quotaServices: ['compute', 'volume'],
      keystoneRoles: ['kf-auditor', 'member', 'reader'],
    });
    expect(targets.map((t) => [t.settings.id, t.meteringBlock])).toEqual([['p1', true], ['p2', false]]);
  });

  it('refuses a --platform the config does not have, naming the ones it has', async () => {
    // GIVEN the same config WHEN asked for a platform it lacks THEN an error that lists p1 and p2
    const dir = folderWith({ 'keyform.hcl': CONFIG });
    const { output } = (await synthConfig(`${dir}/keyform.hcl`))._unsafeUnwrap();
    expect(doctorTargets(output, 'p3')._unsafeUnwrapErr().message).toBe('The config has no platform "p3" (it has p1, p2). Pass one of them to --platform.');
    expect(doctorTargets(output, 'p2')._unsafeUnwrap().map((t) => t.settings.id)).toEqual(['p2']);
  });
});
