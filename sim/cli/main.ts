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

/** Commander's own exits: help and version are fine, anything else is a usage error. */
function fromCommander(err: CommanderError, argv: readonly string[]): number | Error {
	if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
	if (err.code === "commander.help") return 2; // help shown because no command was given
	const sub = argv.slice(2).find((a) => !a.startsWith("-"));
	const helpHint =
		sub !== undefined && err.code !== "commander.unknownCommand" ? `mesosim ${sub} --help` : "mesosim --help";
	const reason = err.message
		.replace(/^error: /, "")
		.replace(/\s*\(Did you mean (.+)\?\)\s*$/s, " (did you mean $1?)");
	return simError("SIM_ERR_USAGE", { reason: `${reason} (see ${helpHint})` }, { cause: err });
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
	const ctx = createContext(io);
	try {
		await buildProgram(ctx).parseAsync([...argv]);
		return 0;
	} catch (caught) {
		let err: unknown = caught;
		if (caught instanceof CommanderError) {
			const mapped = fromCommander(caught, argv);
			if (typeof mapped === "number") return mapped;
			err = mapped;
		}
		const { text, exitCode } = formatErrorForCli(err, ctx.env);
		ctx.stderr.write(text);
		return exitCode;
	}
}
