import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A config folder (fresh unless `dir` is given: then its config is rewritten) metering
 * platform `os-meter` with the clouds.yaml entry `cloud`, storing samples in FOLDER/meter.db.
 */
export function meterConfig(cloud: string, dir: string = mkdtempSync(join(tmpdir(), 'kf-meter-cli-'))): string {
  writeFileSync(
    join(dir, 'platform.hcl'),
    `platform "os-meter" {\n  cloud          = "admin"\n  metering_cloud = "${cloud}"\n  region         = "RegionOne"\n}\n\n` +
      `metering "os-meter" {\n  interval = "5m"\n  store    = "sqlite://meter.db"\n  prices   = { "floatingip.hour" = 0.005 }\n}\n`,
  );
  return dir;
}
