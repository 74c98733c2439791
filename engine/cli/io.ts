/**
 * Where the CLI writes. `--format json` output goes to stdout alone; everything meant for
 * humans goes to stderr, so `keyform plan --format json > plan.json` is clean.
 * Tests pass their own sinks to `main()`.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars, colours, prompts). */
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes, as `terraform plan -detailed-exitcode`. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;
