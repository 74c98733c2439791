import { afterAll, describe, expect, it } from 'vitest';
import { forceUnlock, holdLocks, readLock, type LockRequest } from '../../../engine/lock/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import { testStack } from '../../openstack/stack.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';
import { adminSession, runId, writeClouds } from '../apply/apply-fixture.ts';

const sessions: OpenStackSession[] = [];
afterAll(() => {
  for (const s of sessions) s.close();
});

async function requests(...platforms: string[]): Promise<LockRequest[]> {
  const session = await adminSession(testStack());
  sessions.push(session);
  return platforms.map((platform) => ({ session, platform, domain: 'default' }));
}

describe('holdLocks against the real Keystone', () => {
  it('takes every lock, and on a busy one fails naming its holder and releases those it took', async () => {
    // GIVEN another run holds the lock of platform b
    const run = runId();
    const [a, b] = await requests(`${run}-a`, `${run}-b`);
    const other = (await holdLocks([b!], { ttlMs: 60_000 }))._unsafeUnwrap();
    // WHEN a run asks for b and a (taken in sorted order: a, then b)
    const refused = await holdLocks([b!, a!]);
    // THEN it fails naming b's holder, and a's lock, which it had taken, is gone again
    expect(refused._unsafeUnwrapErr().kind).toBe('lock-held');
    expect(refused._unsafeUnwrapErr().message).toContain(`Platform ${run}-b is locked by another apply`);
    expect((await readLock(a!.session, a!))._unsafeUnwrap()).toBeUndefined();
    // WHEN b is released and the run asks again
    await other.release();
    const both = (await holdLocks([b!, a!]))._unsafeUnwrap();
    // THEN it holds both, sorted, and release frees both
    expect(both.platforms).toEqual([`${run}-a`, `${run}-b`]);
    expect((await readLock(a!.session, a!))._unsafeUnwrap()?.record?.platform).toBe(`${run}-a`);
    await both.release();
    await both.release();
    expect((await readLock(a!.session, a!))._unsafeUnwrap()).toBeUndefined();
    expect((await readLock(b!.session, b!))._unsafeUnwrap()).toBeUndefined();
  });

  it('aborts its signal and says why once a lock it holds is broken by force-unlock', async () => {
    // GIVEN a held lock renewed every second
    const [a] = await requests(`${runId()}-a`);
    const lines: string[] = [];
    const held = (await holdLocks([a!], { ttlMs: 3000, log: (l) => lines.push(l) }))._unsafeUnwrap();
    expect(held.lost.aborted).toBe(false);
    // WHEN someone force-unlocks the platform without the lock's ID, then with it
    const id = (await readLock(a!.session, a!))._unsafeUnwrap()?.record?.token;
    const refused = (await forceUnlock(a!.session, a!, undefined))._unsafeUnwrapErr();
    expect(refused.kind).toBe('unlock-refused');
    expect(refused.message).toContain('renewed within its TTL');
    expect(held.lost.aborted).toBe(false);
    expect((await forceUnlock(a!.session, a!, 'not-the-id'))._unsafeUnwrapErr().message).toContain(`the lock now held has ID ${id}`);
    expect((await forceUnlock(a!.session, a!, id))._unsafeUnwrap()?.platform).toBe(a!.platform);
    const aborted = await new Promise<boolean>((done) => {
      const timer = setTimeout(() => done(false), 10_000);
      held.lost.addEventListener('abort', () => {
        clearTimeout(timer);
        done(true);
      });
    });
    // THEN only the ID broke it: the signal aborts, the error says the lock was lost, and it was logged
    expect(aborted).toBe(true);
    expect(held.lostWith()?.kind).toBe('lock-lost');
    expect(lines.join('\n')).toContain(`The apply lock of platform ${a!.platform} was lost`);
    await held.release();
  });

  it('stops writing before its lease ends, by Keystone\'s clock, when its renewals keep failing, and says so', async () => {
    // GIVEN a lock with a 20 s TTL held through a proxy in front of Keystone
    const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, lifetimeMs: 60_000 });
    const cloud = loadCloud({ cloud: 'kf', files: { clouds: writeClouds(testStack(), { proxyUrl: proxy.url }) }, env: {} })._unsafeUnwrap();
    const session = (await openSession(cloud))._unsafeUnwrap();
    sessions.push(session);
    const [direct] = await requests(`${runId()}-a`);
    const t = { session, platform: direct!.platform, domain: 'default' };
    const lines: string[] = [];
    const held = (await holdLocks([t], { ttlMs: 20_000, log: (l) => lines.push(l) }))._unsafeUnwrap();
    // WHEN every renewal from now on is answered 503
    proxy.script({ match: { method: 'PATCH', path: /^\/v3\/groups\// }, faults: Array.from({ length: 100 }, () => ({ kind: 'status', status: 503 }) as const) });
    await new Promise<void>((done) => held.lost.addEventListener('abort', () => done(), { once: true }));
    // THEN it gave up the lock while Keystone's clock (Date, truncated to the second) is still before the lease's end
    const now = (await direct!.session.request({ method: 'GET', service: 'identity', path: '/groups', query: { name: 'none' } }))._unsafeUnwrap().headers.date!;
    const record = (await readLock(direct!.session, direct!))._unsafeUnwrap()?.record;
    await held.release();
    await proxy.close();
    expect(proxy.events.filter((e) => e.method === 'PATCH' && e.status === 503).length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(now) + 1000).toBeLessThanOrEqual(Date.parse(record!.expiresAt));
    expect(held.lostWith()?.message).toContain(`it could not be renewed (PATCH ${proxy.url}/v3/groups/`);
    expect(lines.join('\n')).toContain('so keyform stopped writing before then');
    expect((await readLock(direct!.session, direct!))._unsafeUnwrap()).toBeUndefined();
  }, 60_000);
});
