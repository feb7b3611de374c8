import { checkCommand } from "./check";
import { driftCommand } from "./drift";
import { explainCommand } from "./explain";
import { CliIo, Command } from "./io";
import { reportCommand } from "./report";
import { usageCommand } from "./usage";

export { CliIo } from "./io";

/** Every subcommand, in the order the usage lists them; a new command is one file and one line here. */
const COMMANDS: readonly Command[] = [checkCommand, reportCommand, explainCommand, driftCommand, usageCommand];

const USAGE = `Usage:\n${COMMANDS.map((c) => `  ${c.usage}`).join("\n")}\n\n${COMMANDS.map((c) => c.help).join("\n")}\n`;

/**
 * Runs the CLI in-process and returns the exit code: 0 ok, 1 guardrail errors (explain:
 * denied), 2 usage or input errors, 3 explain could not decide offline.
 */
export function main(argv: readonly string[], io: CliIo = processIo, cwd: string = process.cwd()): number {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "") {
      io.stderr(USAGE);
      return 2;
    }
    if (name === "help" || name === "--help" || name === "-h") {
      io.stdout(USAGE);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      io.stderr(`${name.startsWith("-") ? `expected a command before ${name}` : `unknown command ${name}`}\n\n${USAGE}`);
      return 2;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(`Usage:\n  ${command.usage}\n\n${command.help}\n`);
      return 0;
    }
    return command.run(rest, io, cwd);
  } catch (e) {
    // parseArgs names the bad option; a stack overflow means input nested deeper than any synth writes.
    const message = e instanceof RangeError ? `the input is nested too deeply to be Terraform JSON (${e.message})` : (e as Error).message;
    const usage = (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? `\n${USAGE}` : "";
    io.stderr(`cdktf-firestore-identity: ${message}\n${usage}`);
    return 2;
  }
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * What the bin runs: main, except that a command that streams its input (usage --logs)
 * runs asynchronously. Same exit codes.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo, cwd: string = process.cwd()): Promise<number> {
  const command = COMMANDS.find((c) => c.name === argv[0]);
  if (!command?.runAsync || argv.includes("--help") || argv.includes("-h")) return main(argv, io, cwd);
  try {
    return await command.runAsync(argv.slice(1), io, cwd);
  } catch (e) {
    io.stderr(`cdktf-firestore-identity: ${(e as Error).message}\n${(e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? `\n${USAGE}` : ""}`);
    return 2;
  }
}
