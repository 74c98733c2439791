import { describe, expect, it } from 'vitest';
import { fail, ok, warn, type DoctorReport } from '../../../engine/doctor/check-row.ts';
import { renderDoctorJson, renderDoctorText } from '../../../engine/doctor/render-doctor.ts';

const report = (rows: DoctorReport['platforms'][number]['rows'], meteringCloud: string | null = 'prod-meter'): DoctorReport => ({
  platforms: [{ platform: 'os-prod', cloud: 'prod', meteringCloud, limitsCloud: null, region: 'RegionOne', rows }],
});

describe('renderDoctorText', () => {
  const cases: Record<string, { report: DoctorReport; text: string }> = {
    'a platform where everything passes': {
      report: report([ok('keystone.version', 'identity API v3.14'), ok('roles.mapping', 'every mapped Keystone role exists: member')], null),
      text:
        'Platform os-prod (cloud prod, no metering account, region RegionOne)\n' +
        '  ok    keystone.version  identity API v3.14\n' +
        '  ok    roles.mapping     every mapped Keystone role exists: member\n' +
        '  2 ok, 0 warn, 0 fail\n' +
        '\nkeyform doctor: no check failed on 1 platform.\n',
    },
    'a platform with a warning and a failure': {
      report: report([warn('keystone.tls', 'plain http', 'serve Keystone over https'), fail('metering.volumev3', 'Cinder shows only part of the cloud', 'let the role pass context_is_admin')]),
      text:
        'Platform os-prod (cloud prod, metering prod-meter, region RegionOne)\n' +
        '  warn  keystone.tls       plain http\n' +
        '                           fix: serve Keystone over https\n' +
        '  FAIL  metering.volumev3  Cinder shows only part of the cloud\n' +
        '                           fix: let the role pass context_is_admin\n' +
        '  0 ok, 1 warn, 1 fail\n' +
        '\nkeyform doctor: checks failed on os-prod. Fix them before planning.\n',
    },
    'a platform whose cloud was not found, with a limits account': {
      report: { platforms: [{ platform: 'os-prod', cloud: null, meteringCloud: null, limitsCloud: 'prod-system', region: 'RegionOne', rows: [fail('replicator.auth', 'no credentials', 'set OS_CLOUD')] }] },
      text:
        'Platform os-prod (cloud none found, no metering account, limits prod-system, region RegionOne)\n' +
        '  FAIL  replicator.auth  no credentials\n' +
        '                         fix: set OS_CLOUD\n' +
        '  0 ok, 0 warn, 1 fail\n' +
        '\nkeyform doctor: checks failed on os-prod. Fix them before planning.\n',
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(`renders ${name}`, () => {
      // GIVEN a report WHEN rendered for a terminal THEN exactly this text
      expect(renderDoctorText(c.report)).toBe(c.text);
    });
  }
});

describe('renderDoctorJson', () => {
  it('renders the checks in the order they ran, with counts and the verdict', () => {
    // GIVEN a report with a failure
    const r = report([ok('keystone.version', 'v3.14'), fail('users.euids', 'none bound exist', 'map the euid into User.name')]);
    // WHEN rendered as JSON
    const json = JSON.parse(renderDoctorJson(r)) as Record<string, unknown>;
    // THEN the shape scripts read
    expect(json).toEqual({
      format_version: 1,
      passed: false,
      platforms: [{
        platform: 'os-prod', cloud: 'prod', metering_cloud: 'prod-meter', limits_cloud: null, region: 'RegionOne',
        summary: { ok: 1, warn: 0, fail: 1 },
        checks: [
          { check: 'keystone.version', status: 'ok', found: 'v3.14', fix: '' },
          { check: 'users.euids', status: 'fail', found: 'none bound exist', fix: 'map the euid into User.name' },
        ],
      }],
    });
  });
});
