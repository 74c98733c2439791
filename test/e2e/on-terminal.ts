import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The keyform CLI entry point, run by the end-to-end tests as a child process. */
export const KEYFORM = resolve(import.meta.dirname, '../../engine/cli/keyform.mjs');

/** A keyform child on a terminal. */
export interface OnTerminal {
  /** Resolves once keyform asks for approval (`Enter a value:`). */
  readonly asked: Promise<void>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Types on the terminal (`\x03` is Ctrl-C). */
  type(text: string): void;
  /** Everything the terminal showed so far. */
  screen(): string;
}

/**
 * Runs `keyform ARGS` on a terminal (a pty, through util-linux `script`), as a person runs it.
 * @example const tty = onTerminal(['apply', '--config', dir], env); await tty.asked; tty.type('yes\n');
 */
export function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): OnTerminal {
  // `exec`: script runs the command through $SHELL -c; a shell left waiting as keyform's parent
  // (dash, when SHELL is /bin/sh or unset, as on CI) dies of the terminal's SIGINT itself, and
  // script then reports 130 whatever keyform did with the signal.
  const child = spawn('script', ['-qec', ['exec', process.execPath, KEYFORM, ...args].join(' '), '/dev/null'], { env: { ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const asked = new Promise<void>((done) => child.stdout.on('data', (b: Buffer) => {
    screen += b.toString();
    if (screen.includes('Enter a value:')) done();
  }));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { asked, exited, type: (text: string) => void child.stdin.write(text), screen: () => screen };
}
