/**
 * Terraform's single-dash flags that have a keyform meaning, and the keyform option each
 * one is (`-json` is `--format json`). Go's flag package, which Terraform uses, reads both
 * `-out=F` and `-out F`; so does this.
 */
const TERRAFORM_FLAGS: Readonly<Record<string, string>> = {
  'out': '--out',
  'detailed-exitcode': '--detailed-exitcode',
  'json': '--format=json',
  'target': '--target',
  'parallelism': '--parallelism',
  'lock-timeout': '--lock-timeout',
  'auto-approve': '--auto-approve',
  'no-color': '--no-color',
  'input': '--input',
};

/**
 * `argv` with each Terraform single-dash flag in keyform's spelling, so the parser and
 * `--help` know one spelling only. Arguments after `--` are left as they are, and so is any
 * other single-dash argument (`-h`, `-V`, a typo), which the parser then reports.
 * @example fromTerraformFlags(['plan', '-out=plan.kfplan', '-json']) // ['plan', '--out=plan.kfplan', '--format=json']
 */
export function fromTerraformFlags(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if (end !== -1 && i >= end) return arg;
    const m = /^-([a-z][a-z-]*)(=.*)?$/s.exec(arg);
    const option = m === null ? undefined : TERRAFORM_FLAGS[m[1]!];
    if (option === undefined) return arg;
    // `-json=true` is no Terraform spelling; leave it for the parser to refuse.
    if (option.includes('=') && m![2] !== undefined) return arg;
    return `${option}${m![2] ?? ''}`;
  });
}
