import * as fs from "fs";
import * as path from "path";

/** Where the CLI writes; tests pass buffers, the bin passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The options every command shares, as parsed; each command parses its own with these. */
export interface CommonArgs {
  readonly target: string;
  readonly format?: string;
  readonly out?: string;
}

export const COMMON_OPTIONS = {
  format: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** One subcommand: its usage lines, its help text and how it runs (exit code). */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  run(argv: readonly string[], io: CliIo, cwd: string): number;
  /** For a command that streams files: the same, asynchronously (runCli prefers it). */
  runAsync?(argv: readonly string[], io: CliIo, cwd: string): Promise<number>;
}

export function emit(io: CliIo, text: string, out: string | undefined, cwd: string): void {
  if (out) fs.writeFileSync(path.resolve(cwd, out), text);
  else io.stdout(text);
}

export function targetOf(command: string, positionals: readonly string[]): string {
  if (positionals.length > 1) throw new Error(`${command}: unexpected argument ${positionals[1]}`);
  return positionals[0] ?? "cdktf.out";
}

export function checkFormat(command: string, format: string | undefined, allowed: readonly string[]): string {
  const chosen = format ?? allowed[0];
  if (!allowed.includes(chosen)) {
    const list = allowed.length === 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
    throw new Error(`${command}: --format must be ${list}, not ${chosen}`);
  }
  return chosen;
}
