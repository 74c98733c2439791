import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's chromium; test/openstack/install.sh installs it with the other test packages. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run that touches no network and no shared profile. */
export const HEADLESS_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Drives the DevTools protocol from a child Node (Node 20 has WebSocket behind a flag): waits
 * for the page to load, then prints `document.body.innerText` (the text as laid out: hidden
 * elements left out) and, for `media`, the text under print styles.
 */
const CDP_SCRIPT = `
const [url, media] = process.argv.slice(1);
const ws = new WebSocket(url);
let id = 0;
const pending = new Map();
const send = (method, params = {}) => new Promise((resolve) => { const n = ++id; pending.set(n, resolve); ws.send(JSON.stringify({ id: n, method, params })); });
ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.id && pending.has(d.id)) { pending.get(d.id)(d.result); pending.delete(d.id); } };
ws.onopen = async () => {
  for (let i = 0; i < 100; i++) {
    const r = await send('Runtime.evaluate', { expression: 'document.readyState', returnByValue: true });
    if (r.result.value === 'complete') break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  if (media) await send('Emulation.setEmulatedMedia', { media });
  const t = await send('Runtime.evaluate', { expression: 'document.body.innerText', returnByValue: true });
  process.stdout.write(t.result.value);
  ws.close();
  process.exit(0);
};
`;

/**
 * The text headless Chromium renders for the HTML file at `page` (screen media, or `print`).
 * @example const text = await renderedText('/tmp/report.html', 'print');
 */
export async function renderedText(page: string, media?: 'print'): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'kf-chromium-'));
  const browser = spawn(CHROMIUM, [...HEADLESS_FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', `file://${page}`], { stdio: 'ignore' });
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    for (let i = 0; i < 600 && !existsSync(portFile); i++) await new Promise((ok) => setTimeout(ok, 100));
    const port = readFileSync(portFile, 'utf8').split('\n')[0]!;
    let target: { type: string; url: string; webSocketDebuggerUrl: string } | undefined;
    for (let i = 0; i < 300 && !target; i++) {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
      target = list.find((t) => t.type === 'page' && t.url.startsWith('file://'));
      if (!target) await new Promise((ok) => setTimeout(ok, 100));
    }
    if (!target) throw new Error('Chromium opened no page');
    return execFileSync(process.execPath, ['--experimental-websocket', '--no-warnings', '-e', CDP_SCRIPT, target.webSocketDebuggerUrl, media ?? ''], { encoding: 'utf8', timeout: 60_000 });
  } finally {
    browser.kill();
  }
}
