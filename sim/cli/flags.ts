/** Parsers for flag values; each throws SimError SIM_ERR_BAD_FLAG naming the flag. */
import { isSimError, simError } from "../../common/errors.js";
import { formatCount, LIMITS, limitTail } from "../../common/limits.js";
import { parseDuration } from "../../common/schema/duration.js";

export function badFlag(flag: string, value: string, reason: string): never {
	throw simError("SIM_ERR_BAD_FLAG", { flag, value: JSON.stringify(value), reason });
}

/** --seed: a non-negative integer. */
export function parseSeedFlag(value: string, flag = "--seed"): number {
	const v = value.trim();
	if (!/^\d+$/.test(v)) badFlag(flag, value, "must be a non-negative integer");
	const n = Number(v);
	if (!Number.isSafeInteger(n)) badFlag(flag, value, `must be at most ${Number.MAX_SAFE_INTEGER}`);
	return n;
}

/** --duration: a duration string or a number of seconds, longer than 0; returns ms. */
export function parseDurationFlag(value: string, flag = "--duration"): number {
	let ms: number;
	try {
		ms = parseDuration(value);
	} catch (err) {
		if (!isSimError(err)) throw err;
		badFlag(flag, value, String(err.details?.reason ?? err.message));
	}
	if (ms <= 0) badFlag(flag, value, "must be longer than 0");
	return ms;
}

/** --agents: an integer from 1 to LIMITS.agents, echoed as typed when it is not. */
export function parseAgentsFlag(value: string, flag = "--agents"): number {
	const v = value.trim();
	if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v)))
		badFlag(flag, value, "must be an integer >= 1");
	if (Number(v) > LIMITS.agents)
		badFlag(flag, value, `${formatCount(Number(v))} agents; ${limitTail("agents")}`);
	return Number(v);
}

/** --plot: an SVG file (or "-" for stdout); the chart is SVG only. */
export function checkPlotFlag(value: string): void {
	if (value !== "-" && !/\.svg$/i.test(value))
		badFlag(
			"--plot",
			value,
			"the chart is written as SVG only: give a file name ending in .svg (or - for stdout)",
		);
}
