/** Reading scenario files: path or text -> resolved Scenario, or a SimError naming the problem. */
import { readFileSync } from "node:fs";
import { simError } from "../../common/errors.js";
import { parseSource } from "../../common/schema/source.js";
import type { Scenario } from "./types.js";
import { validateScenario } from "./validate.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses YAML or JSON scenario text and validates it. `sourceName` (a file
 * name) appears in messages and gives the default scenario name.
 */
export function parseScenario(text: string, sourceName = "<scenario>"): Scenario {
	const { value, locate } = parseSource(text, sourceName);
	return validateScenario(value, { sourceName, locate });
}

/** Reads a .yaml/.yml/.json scenario file. Throws SimError (exit code 2) on any problem. */
export function loadScenarioFile(path: string): Scenario {
	let bytes: Buffer;
	try {
		bytes = readFileSync(path);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === "ENOENT" || code === "ENOTDIR") throw simError("SIM_ERR_SCENARIO_NOT_FOUND", { path });
		const reason =
			code === "EISDIR"
				? "it is a directory"
				: code === "EACCES"
					? "permission denied"
					: (err as Error).message;
		throw simError("SIM_ERR_SCENARIO_READ", { path, reason }, { cause: err });
	}
	let text: string;
	try {
		text = utf8.decode(bytes);
	} catch {
		throw simError("SIM_ERR_SCENARIO_READ", { path, reason: "not UTF-8 text" });
	}
	return parseScenario(text, path);
}
