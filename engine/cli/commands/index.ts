import type { RegisterCommand } from '../main.ts';

/** Every CLI command, in the order `keyform --help` lists them. One line per command module. */
export const COMMANDS: readonly RegisterCommand[] = [];
