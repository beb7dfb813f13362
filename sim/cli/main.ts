/**
 * mesosim's command line. bin/mesosim.js calls main(process.argv). Errors of
 * every command end up in main's one catch, which prints them with
 * formatErrorForCli: "mesosim: <message>", the error's exit code, no stack
 * trace (unless MESOSIM_DEBUG=1).
 */
import { Command, CommanderError } from "commander";
import { formatErrorForCli, simError } from "../../common/errors.js";
import { COMMANDS } from "./commands/index.js";
import { type CliContext, type CliIo, createContext } from "./context.js";
import { readVersion } from "./version.js";

export function buildProgram(ctx: CliContext): Command {
	const program = new Command("mesosim")
		.description("A Mesos-style two-level scheduler simulator")
		.version(readVersion(), "-V, --version", "print the version")
		.exitOverride()
		.configureOutput({
			writeOut: (s) => ctx.stdout.write(s),
			writeErr: (s) => ctx.stderr.write(s),
			// main prints errors itself, in one format.
			outputError: () => {},
		})
		.showSuggestionAfterError(true);
	for (const register of COMMANDS) register(program, ctx);
	return program;
}

/** The (sub)command the words of argv name, e.g. ["package", "describe"]: the deepest whose help applies. */
function commandPath(program: Command, argv: readonly string[]): string[] {
	const path: string[] = [];
	let cmd = program;
	for (const word of argv.slice(2)) {
		if (word.startsWith("-")) continue;
		const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
		if (sub === undefined) break;
		path.push(sub.name());
		cmd = sub;
	}
	return path;
}

/** Commander's own exits: help and version are fine, anything else is a usage error. */
function fromCommander(err: CommanderError, program: Command, argv: readonly string[]): number | Error {
	if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
	if (err.code === "commander.help") return 2; // help shown because no command was given
	const path = commandPath(program, argv);
	const helpHint = path.length > 0 ? `mesosim ${path.join(" ")} --help` : "mesosim --help";
	const reason = err.message
		.replace(/^error: /, "")
		.replace(/\s*\(Did you mean (.+)\?\)\s*$/s, " (did you mean $1?)");
	return simError("SIM_ERR_USAGE", { reason: `${reason} (see ${helpHint})` }, { cause: err });
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
	const ctx = createContext(io);
	const program = buildProgram(ctx);
	try {
		await program.parseAsync([...argv]);
		return 0;
	} catch (caught) {
		let err: unknown = caught;
		if (caught instanceof CommanderError) {
			const mapped = fromCommander(caught, program, argv);
			if (typeof mapped === "number") return mapped;
			err = mapped;
		}
		const { text, exitCode } = formatErrorForCli(err, ctx.env);
		ctx.stderr.write(text);
		return exitCode;
	}
}
