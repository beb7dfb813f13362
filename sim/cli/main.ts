/**
 * mesosim's command line. bin/mesosim.js calls main(process.argv). Errors of
 * every command end up in main's one catch, which prints them with
 * formatErrorForCli: "mesosim: <message>", the error's exit code, no stack
 * trace (unless MESOSIM_DEBUG=1).
 */
import { Command, CommanderError } from "commander";
import { formatErrorForCli, simError } from "../../common/errors.js";
import { didYouMean } from "../../common/suggest.js";
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
		// Suggestions come from common/suggest.ts (fromCommander), as everywhere else.
		.showSuggestionAfterError(false);
	for (const register of COMMANDS) register(program, ctx);
	return program;
}

/** The (sub)command that argv names: the deepest one its leading words select, and the words on the way. */
function commandOf(program: Command, argv: readonly string[]): { cmd: Command; path: string[] } {
	const path: string[] = [];
	let cmd = program;
	for (const word of argv.slice(2)) {
		if (word.startsWith("-")) continue;
		const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
		if (sub === undefined) break;
		path.push(sub.name());
		cmd = sub;
	}
	return { cmd, path };
}

/** ` (did you mean X?)` for an unknown option or command, from common/suggest.ts. */
function commanderSuggestion(err: CommanderError, cmd: Command): string {
	const unknown = /unknown (option|command) '([^']+)'/.exec(err.message);
	if (unknown === null) return "";
	const word = unknown[2]!;
	if (unknown[1] === "command") {
		const match = didYouMean(
			word,
			cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]),
		);
		return match === undefined ? "" : ` (did you mean ${match}?)`;
	}
	if (!word.startsWith("--")) return "";
	const longs: string[] = ["help"];
	for (let c: Command | null = cmd; c !== null; c = c.parent)
		for (const o of c.options) if (o.long !== undefined) longs.push(o.long.slice(2));
	const match = didYouMean(word.slice(2).split("=")[0]!, longs);
	return match === undefined ? "" : ` (did you mean --${match}?)`;
}

/** Commander's own exits: help and version are fine, anything else is a usage error. */
function fromCommander(err: CommanderError, program: Command, argv: readonly string[]): number | Error {
	if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
	if (err.code === "commander.help") return 2; // help shown because no command was given
	const { cmd, path } = commandOf(program, argv);
	const helpHint = path.length > 0 ? `mesosim ${path.join(" ")} --help` : "mesosim --help";
	const reason = `${err.message.replace(/^error: /, "").trimEnd()}${commanderSuggestion(err, cmd)}`;
	return simError("SIM_ERR_USAGE", { reason: `${reason} (see ${helpHint})` }, { cause: err });
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
	const ctx = createContext(io);
	let program: Command | undefined;
	try {
		program = buildProgram(ctx);
		await program.parseAsync([...argv]);
		return 0;
	} catch (caught) {
		let err: unknown = caught;
		if (caught instanceof CommanderError && program !== undefined) {
			const mapped = fromCommander(caught, program, argv);
			if (typeof mapped === "number") return mapped;
			err = mapped;
		}
		const { text, exitCode } = formatErrorForCli(err, ctx.env);
		ctx.stderr.write(text);
		return exitCode;
	}
}
