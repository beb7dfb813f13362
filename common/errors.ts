/**
 * The one registry of mesosim's coded errors (SIM_ERR_*), in the manner of
 * fastify's lib/errors.js: each code has a message template, a process exit
 * code for the CLI, an HTTP status for the live server, and a documented
 * meaning and fix (docs/errors.md tables every code; a test keeps the two in
 * step). Message templates use `{name}` placeholders filled by `simError`.
 *
 * Exit codes: 0 ok, 1 internal error or I/O failure, 2 bad input (scenario
 * file, flags, usage), 3 the run finished but invariant checks failed.
 */

export interface ErrorDefinition {
	/** Message template; `{name}` placeholders are filled from params. */
	readonly message: string;
	readonly exitCode: number;
	readonly httpStatus: number;
	/** What the error means (docs/errors.md). */
	readonly meaning: string;
	/** How to fix it (docs/errors.md). */
	readonly fix: string;
}

export const SIM_ERRORS = {
	SIM_ERR_SCENARIO_NOT_FOUND: {
		message: "scenario file not found: {path}",
		exitCode: 2,
		httpStatus: 404,
		meaning: "The scenario path given does not exist.",
		fix: "Check the path; scenario files are YAML (.yaml/.yml) or JSON (.json), e.g. examples/quickstart.yaml.",
	},
	SIM_ERR_SCENARIO_READ: {
		message: "cannot read scenario file {path}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning: "The scenario path exists but cannot be read (a directory, no permission, not UTF-8 text).",
		fix: "Pass a readable regular file.",
	},
	SIM_ERR_SCENARIO_PARSE: {
		message: "{location}: invalid {format}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning:
			"The scenario file is not well-formed YAML or JSON (bad indentation, unclosed bracket, duplicate key, tab indentation). The message gives file:line:column.",
		fix: "Fix the syntax at the line and column shown. JSON is detected when the file starts with `{` or `[`.",
	},
	SIM_ERR_SCENARIO_INVALID: {
		message: "{problems}",
		exitCode: 2,
		httpStatus: 400,
		meaning:
			"The scenario parses but breaks the schema or a rule: wrong type, value out of range, unknown or missing field, bad duration, bad role name, duplicate name, reference to an unknown group or framework. Each problem is one line `file:line /json/pointer: what is wrong`.",
		fix: "Fix the field named by the JSON pointer (and line). See docs/scenario.md for every field; unknown fields come with a did-you-mean suggestion.",
	},
	SIM_ERR_TEMPLATE: {
		message: "invalid template {template}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning:
			"A name template (e.g. an agent group's `hostname`) does not compile. Inside a scenario it is reported as one SIM_ERR_SCENARIO_INVALID problem carrying this code.",
		fix: "See the template syntax in docs/scenario.md: `{i}` (index), `{group}`; a literal brace is written `{{` or `}}`.",
	},
	SIM_ERR_BAD_DURATION: {
		message: "invalid duration {value}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning: "A duration string does not parse.",
		fix: 'Write a number and a unit, units largest first: "500ms", "90s", "15m", "1h30m", "2d"; or a plain number of seconds.',
	},
	SIM_ERR_BAD_FLAG: {
		message: "invalid {flag} {value}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning: "A command-line flag has a value of the wrong form (e.g. `--seed abc`, `--duration 5x`).",
		fix: "See `mesosim <command> --help` for each flag's form.",
	},
	SIM_ERR_USAGE: {
		message: "{reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning: "The command line is malformed: unknown command or option, missing argument.",
		fix: "Run `mesosim --help` or `mesosim <command> --help`.",
	},
	SIM_ERR_OUTPUT: {
		message: "cannot write {path}: {reason}",
		exitCode: 1,
		httpStatus: 500,
		meaning: "An output file (e.g. the `--json` report) cannot be written.",
		fix: "Check that the directory exists and is writable, or pass `--json -` for stdout.",
	},
	SIM_ERR_NOT_RECORDED: {
		message: "{what} {id} not found: {reason}",
		exitCode: 2,
		httpStatus: 404,
		meaning:
			"`mesosim explain` (or the live master's /sim/v1/decisions) has no decision record of the offer, task or cycle named: the run never made it, or it is older than the records kept.",
		fix: "Check the id (`mesosim run --trace FILE` lists every offer and task); for a long run, ask about an earlier time or shorten `--duration`.",
	},
	SIM_ERR_LESSON_FAILED: {
		message: "lesson {lesson}: {summary}",
		exitCode: 1,
		httpStatus: 500,
		meaning:
			"`mesosim lesson run N --text` played the lesson and a number the run produced is not what its text expects (or a step never played): the lesson or the simulator is wrong.",
		fix: "Read the FAIL lines above (step, expected, measured); fix the lesson's expectation or report the simulator bug.",
	},
	SIM_ERR_LISTEN: {
		message: "cannot listen on {address}: {reason}",
		exitCode: 1,
		httpStatus: 500,
		meaning:
			"`mesosim serve` could not open its port: it is in use (EADDRINUSE), needs privileges (EACCES) or the host is not an address of this machine (EADDRNOTAVAIL).",
		fix: "Pick another `--port` (0 takes any free port) or `--host`, or stop the process that holds the port.",
	},
	SIM_ERR_MASTER_UNREACHABLE: {
		message: "cannot reach the master at {url}: {reason}",
		exitCode: 1,
		httpStatus: 502,
		meaning:
			"A client command (`mesosim cluster`, `agent`, `package install` …) found no live master at the URL.",
		fix: "Start one (`mesosim demo` or `mesosim serve`), or point at it with `--master URL` or MESOSIM_MASTER.",
	},
	SIM_ERR_CONTROL_REFUSED: {
		message: "the master refused {what} ({status}): {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning:
			"The live master answered a control call with an error: an unknown agent, group, package or framework (404, with close matches), or a value out of range or a selector that matches nothing (400, naming the field). Nothing was changed.",
		fix: "Fix the name or value the message names; `mesosim cluster status` and `mesosim agent list` show what exists.",
	},
	SIM_ERR_CREDENTIALS: {
		message: "invalid credentials file {path}: {reason}",
		exitCode: 2,
		httpStatus: 400,
		meaning:
			'The `--credentials` file of `mesosim serve` cannot be read or is not in Mesos\'s format: JSON `{"credentials":[{"principal":"…","secret":"…"}]}`, or one `principal secret` pair a line.',
		fix: "Fix the file as the message says; every entry needs a non-empty principal and secret, each principal once.",
	},
	SIM_ERR_BENCH_PROCESS: {
		message: "benchmark process failed: {command}: {reason}",
		exitCode: 1,
		httpStatus: 500,
		meaning:
			"`mesosim bench … --processes N` runs each repetition in a fresh child process; one of them failed or printed something that is not the expected JSON.",
		fix: "Run the command shown without --processes to see its own error; a crash out of memory at 60k agents may need `NODE_OPTIONS=--max-old-space-size=8192`.",
	},
	SIM_ERR_INVARIANT_VIOLATION: {
		message: "{count} invariant violation(s); first: {first}",
		exitCode: 3,
		httpStatus: 500,
		meaning:
			"`--check-invariants` found the simulated cluster in an impossible state (e.g. an agent over-allocated). The report is still printed/written.",
		fix: "This is a bug in mesosim: please report it with the scenario file and seed.",
	},
	SIM_ERR_INTERNAL: {
		message: "internal error: {reason}",
		exitCode: 1,
		httpStatus: 500,
		meaning: "An unexpected error (a bug). The CLI prints `mesosim: internal error: <message>`.",
		fix: "Rerun with MESOSIM_DEBUG=1 to see the stack trace and report it.",
	},
} as const satisfies Record<string, ErrorDefinition>;

export type SimErrorCode = keyof typeof SIM_ERRORS;

/** Placeholder names of a message template: "a {x} b {y}" -> "x" | "y". */
type Placeholders<S extends string> = S extends `${string}{${infer K}}${infer Rest}`
	? K | Placeholders<Rest>
	: never;

export type SimErrorParams<C extends SimErrorCode> = Record<
	Placeholders<(typeof SIM_ERRORS)[C]["message"]>,
	string | number
>;

export interface SimErrorOptions {
	details?: Record<string, unknown>;
	cause?: unknown;
}

export class SimError extends Error {
	readonly code: SimErrorCode;
	readonly exitCode: number;
	readonly httpStatus: number;
	readonly details: Record<string, unknown> | undefined;

	constructor(code: SimErrorCode, message: string, options: SimErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = "SimError";
		this.code = code;
		const def = SIM_ERRORS[code];
		this.exitCode = def.exitCode;
		this.httpStatus = def.httpStatus;
		this.details = options.details;
	}
}

/** Fills `{name}` placeholders; unknown placeholders are left as written. */
export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
	return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
		Object.hasOwn(params, key) ? String(params[key]) : whole,
	);
}

/** Creates a SimError with the registry's message template filled from params. */
export function simError<C extends SimErrorCode>(
	code: C,
	params: SimErrorParams<C>,
	options: SimErrorOptions = {},
): SimError {
	return new SimError(code, fillTemplate(SIM_ERRORS[code].message, params), options);
}

export function isSimError(err: unknown): err is SimError {
	return err instanceof SimError;
}

export interface CliErrorOutput {
	/** Text for stderr, ending in a newline. */
	text: string;
	exitCode: number;
}

/**
 * The one place an error becomes CLI output. A SimError prints
 * "mesosim: <message>" and exits with its code; anything else is a bug:
 * "mesosim: internal error: <message>", exit 1. Stack traces only with
 * MESOSIM_DEBUG=1.
 */
export function formatErrorForCli(
	err: unknown,
	env: Readonly<Record<string, string | undefined>> = process.env,
): CliErrorOutput {
	const debug = env.MESOSIM_DEBUG === "1" || env.MESOSIM_DEBUG === "true";
	let text: string;
	let exitCode: number;
	if (err instanceof SimError) {
		text = `mesosim: ${err.message}`;
		exitCode = err.exitCode;
	} else {
		const message = err instanceof Error ? err.message : String(err);
		text = `mesosim: ${fillTemplate(SIM_ERRORS.SIM_ERR_INTERNAL.message, { reason: message })}`;
		exitCode = SIM_ERRORS.SIM_ERR_INTERNAL.exitCode;
	}
	if (debug && err instanceof Error && err.stack !== undefined) {
		text += `\n${err.stack}`;
		if (err.cause instanceof Error && err.cause.stack !== undefined)
			text += `\ncaused by: ${err.cause.stack}`;
	}
	return { text: text.endsWith("\n") ? text : `${text}\n`, exitCode };
}
