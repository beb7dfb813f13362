/**
 * The simulated executor's shell subset. A task means what its command says:
 *
 *   sleep N        N seconds (fractional allowed; suffix s/m/h/d as GNU sleep;
 *                  `sleep infinity` never ends)
 *   exit C         status C (0-255); without C, the status of the last command
 *   true / false   status 0 / 1
 *   a ; b          run a, then b
 *   a && b         run b only if a succeeded;  a || b: only if a failed
 *
 * `&&` and `||` bind tighter than `;` and associate to the left, as in sh.
 * `exit C` ends the whole command at once with status C, as in sh, so
 * `exit 2; sleep 3` exits 2 immediately and the same text means the same on
 * a real Mesos agent.
 * Anything else is an error; the agent then fails the task as a shell would
 * (status 127, "command not found").
 */

export type SimpleCommand =
	| { kind: "sleep"; ms: number }
	| { kind: "exit"; code: number | null }
	| { kind: "true" }
	| { kind: "false" };

export type AndOrOp = "&&" | "||";

/** Commands joined by `&&` / `||`; `ops[k]` joins `commands[k]` and `commands[k + 1]`. */
export interface AndOrList {
	commands: SimpleCommand[];
	ops: AndOrOp[];
}

export interface ParsedCommand {
	text: string;
	/** The `;`-separated lists, in order. */
	lists: AndOrList[];
}

export interface CommandPlan {
	/** Total run time in whole milliseconds; Infinity when the command never ends. */
	runMs: number;
	exitCode: number;
}

/** The status a shell returns when it cannot run a command. */
export const COMMAND_NOT_FOUND = 127;
export const UNDERSTOOD_SUBSET = "sleep N, exit C, true, false, ';' and '&&'";

const SLEEP_UNIT_MS: Record<string, number> = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

type Token = { op: ";" | "\n" | AndOrOp } | { word: string };

function tokenize(text: string): Token[] | { error: string } {
	const out: Token[] = [];
	let k = 0;
	while (k < text.length) {
		const c = text[k]!;
		if (c === " " || c === "\t" || c === "\r") {
			k++;
		} else if (c === ";" || c === "\n") {
			out.push({ op: c });
			k++;
		} else if ((c === "&" || c === "|") && text[k + 1] === c) {
			out.push({ op: c === "&" ? "&&" : "||" });
			k += 2;
		} else if (c === "&" || c === "|") {
			return { error: `'${c}' (${c === "&" ? "background jobs" : "pipes"}) is not supported` };
		} else {
			let end = k;
			while (end < text.length && !" \t\r\n;&|".includes(text[end]!)) end++;
			out.push({ word: text.slice(k, end) });
			k = end;
		}
	}
	return out;
}

function parseSimple(words: string[]): SimpleCommand | { error: string } {
	const [name, ...args] = words;
	switch (name) {
		case "true":
		case "false":
			if (args.length > 0) break;
			return { kind: name };
		case "exit": {
			if (args.length === 0) return { kind: "exit", code: null };
			if (args.length > 1) return { error: "exit: too many arguments" };
			const a = args[0]!;
			if (!/^[0-9]+$/.test(a)) return { error: `exit: illegal number '${a}'` };
			return { kind: "exit", code: Number(a) % 256 };
		}
		case "sleep": {
			if (args.length !== 1) return { error: "sleep takes exactly one duration" };
			const a = args[0]!;
			if (a === "infinity" || a === "inf") return { kind: "sleep", ms: Number.POSITIVE_INFINITY };
			const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smhd]?)$/.exec(a);
			if (m === null) return { error: `sleep: invalid time interval '${a}'` };
			return { kind: "sleep", ms: Math.round(Number(m[1]) * SLEEP_UNIT_MS[m[2]!]!) };
		}
	}
	return { error: `${JSON.stringify(words.join(" "))}: command not found` };
}

/** Parses a command line of the supported subset. */
export function parseCommand(text: string): ParsedCommand | { error: string } {
	const tokens = tokenize(text);
	if ("error" in tokens) return tokens;
	const lists: AndOrList[] = [];
	let list: AndOrList = { commands: [], ops: [] };
	let words: string[] = [];
	for (const t of tokens) {
		if ("word" in t) {
			words.push(t.word);
			continue;
		}
		if (words.length === 0) {
			// Blank lines, and a newline right after `;`, `&&` or `||`, are allowed as in sh.
			// (A command is always followed by an operator here, so no other newline reaches this.)
			if (t.op === "\n") continue;
			return { error: `syntax error near '${t.op}'` };
		}
		const cmd = parseSimple(words);
		if ("error" in cmd) return cmd;
		list.commands.push(cmd);
		words = [];
		if (t.op === "&&" || t.op === "||") {
			list.ops.push(t.op);
		} else {
			lists.push(list);
			list = { commands: [], ops: [] };
		}
	}
	if (words.length > 0) {
		const cmd = parseSimple(words);
		if ("error" in cmd) return cmd;
		list.commands.push(cmd);
	} else if (list.ops.length > 0) {
		return { error: `syntax error: '${list.ops[list.ops.length - 1]}' at the end` };
	}
	if (list.commands.length > 0) lists.push(list);
	if (lists.length === 0) return { error: "empty command" };
	return { text, lists };
}

/** Total run time and final status of a parsed command, with sh semantics for `;`, `&&`, `||`. */
export function planCommand(parsed: ParsedCommand): CommandPlan {
	let runMs = 0;
	let status = 0;
	for (const list of parsed.lists) {
		for (let k = 0; k < list.commands.length; k++) {
			if (k > 0) {
				const op = list.ops[k - 1];
				if (op === "&&" ? status !== 0 : status === 0) continue;
			}
			const cmd = list.commands[k]!;
			switch (cmd.kind) {
				case "sleep":
					runMs += cmd.ms;
					if (runMs === Number.POSITIVE_INFINITY) return { runMs, exitCode: 0 };
					status = 0;
					break;
				case "exit":
					return { runMs, exitCode: cmd.code ?? status };
				case "true":
					status = 0;
					break;
				case "false":
					status = 1;
					break;
			}
		}
	}
	return { runMs, exitCode: status };
}
