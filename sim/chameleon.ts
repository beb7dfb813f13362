/**
 * The file-reading edge of the chameleon: frameworks/ stays free of I/O, so the
 * runner injects how trace and spec files are read.
 */
import { readFileSync } from "node:fs";
import { isSimError, type SimError, simError } from "../common/errors.js";
import { issuesError, type ScenarioIssue } from "../common/schema/issues.js";
import {
	type ChameleonConfig,
	createChameleonFactory,
	parseChameleonSpec,
	resolveChameleonSpec,
} from "../frameworks/chameleon/index.js";
import type { Scenario } from "./scenario/index.js";

export const readText = (path: string): string => readFileSync(path, "utf8");

/** The runner's factory for `type: chameleon` frameworks (trace files read from disk). */
export const chameleonFactory = createChameleonFactory({ readText });

/** Reads and resolves a standalone chameleon spec file (YAML or JSON). Throws SimError. */
export function loadChameleonSpec(path: string): ChameleonConfig {
	let text: string;
	try {
		text = readText(path);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw simError("SIM_ERR_SCENARIO_NOT_FOUND", { path });
		throw simError("SIM_ERR_SCENARIO_READ", { path, reason: (err as Error).message }, { cause: err });
	}
	return parseChameleonSpec(text, path, { readText });
}

/**
 * Resolves every chameleon framework of a scenario so that a bad spec is
 * reported by `mesosim validate` (with its JSON pointer) before any run.
 */
export function checkChameleonSpecs(scenario: Scenario, sourceName?: string): void {
	// Each framework's problems, so that all of them are listed at once.
	const failed: SimError[] = [];
	scenario.frameworks.forEach((f, k) => {
		if (f.type !== "chameleon") return;
		try {
			resolveChameleonSpec(f.spec, f.name, {
				path: ["frameworks", k],
				readText,
				...(sourceName === undefined ? {} : { sourceName }),
			});
		} catch (err) {
			// Anything but a list of problems (a spec file that cannot be read) stops here.
			if (!isSimError(err) || !Array.isArray(err.details?.issues)) throw err;
			failed.push(err);
		}
	});
	if (failed.length === 1) throw failed[0];
	if (failed.length > 1)
		throw issuesError(
			failed.flatMap((e) => e.details!.issues as ScenarioIssue[]),
			sourceName,
		);
}
