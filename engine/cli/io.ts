/**
 * Where the CLI writes, as Terraform does: the rendering a command was asked for (a plan as
 * text, Markdown or JSON; a report) goes to stdout, so `keyform show plan.kfplan --format
 * markdown > comment.md` is the comment; progress, prompts and diagnostics go to stderr.
 * Tests pass their own sinks to `main()`.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars, colours, prompts). */
  readonly isTTY: boolean;
  /** Whether stdout is an interactive terminal (colours of a rendering). @default isTTY */
  readonly stdoutIsTTY?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes, as `terraform plan -detailed-exitcode`. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;
