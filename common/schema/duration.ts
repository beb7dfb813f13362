/**
 * Durations as written in scenario files and flags: a sequence of
 * number+unit terms, largest unit first ("1h30m", "90s", "500ms", "2d",
 * "1.5h"), or a plain number of seconds. The result is an integer number of
 * milliseconds (rounded to the nearest ms), the simulator's unit of time.
 */
import { simError } from "../errors.js";

/** Units in descending size, with their accepted spellings. */
const UNITS: readonly { ms: number; names: readonly string[] }[] = [
	{ ms: 7 * 86_400_000, names: ["w", "week", "weeks"] },
	{ ms: 86_400_000, names: ["d", "day", "days"] },
	{ ms: 3_600_000, names: ["h", "hr", "hrs", "hour", "hours"] },
	{ ms: 60_000, names: ["m", "min", "mins", "minute", "minutes"] },
	{ ms: 1000, names: ["s", "sec", "secs", "second", "seconds"] },
	{ ms: 1, names: ["ms", "msec", "msecs", "millisecond", "milliseconds"] },
];

const UNIT_BY_NAME = new Map<string, { ms: number; rank: number }>();
UNITS.forEach((u, rank) => {
	for (const n of u.names) UNIT_BY_NAME.set(n, { ms: u.ms, rank });
});

const TERM = /(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)\s*/y;

function bad(value: string, reason: string): never {
	throw simError(
		"SIM_ERR_BAD_DURATION",
		{ value: JSON.stringify(value), reason },
		{ details: { value, reason } },
	);
}

/**
 * Parses a duration string (or a number of seconds given as a number or a
 * numeric string) into integer milliseconds. Throws SimError SIM_ERR_BAD_DURATION.
 */
export function parseDuration(input: string | number): number {
	if (typeof input === "number") {
		if (!Number.isFinite(input) || input < 0) bad(String(input), "must be a number of seconds >= 0");
		return Math.round(input * 1000);
	}
	const s = input.trim();
	if (s === "") bad(input, 'empty; write e.g. "90s", "15m" or "1h30m"');
	if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
	if (s.startsWith("-")) bad(input, "must not be negative");
	let total = 0;
	let lastRank = -1;
	TERM.lastIndex = 0;
	let pos = 0;
	while (pos < s.length) {
		TERM.lastIndex = pos;
		const m = TERM.exec(s);
		if (m === null) {
			const rest = s.slice(pos);
			if (/^\d+(\.\d+)?\s*$/.test(rest))
				bad(input, `number ${rest.trim()} has no unit (use ms, s, m, h, d or w)`);
			bad(input, `expected a number and a unit at ${JSON.stringify(rest)}`);
		}
		const unitName = m[2]!;
		const unit = UNIT_BY_NAME.get(unitName) ?? UNIT_BY_NAME.get(unitName.toLowerCase());
		if (unit === undefined) bad(input, `unknown unit "${unitName}" (use ms, s, m, h, d or w)`);
		if (unit.rank <= lastRank)
			bad(input, `unit "${unitName}" out of order (write the largest unit first, each once)`);
		lastRank = unit.rank;
		total += Number(m[1]) * unit.ms;
		pos = TERM.lastIndex;
	}
	if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) bad(input, "too large");
	return Math.round(total);
}

/** Formats integer milliseconds as the shortest exact duration string: 5_400_000 -> "1h30m", 0 -> "0s". */
export function formatDuration(ms: number): string {
	if (!Number.isFinite(ms)) return String(ms);
	let rest = Math.round(Math.abs(ms));
	if (rest === 0) return "0s";
	const out: string[] = [];
	for (const [size, name] of [
		[86_400_000, "d"],
		[3_600_000, "h"],
		[60_000, "m"],
		[1000, "s"],
		[1, "ms"],
	] as const) {
		if (rest >= size) {
			const n = Math.floor(rest / size);
			out.push(`${n}${name}`);
			rest -= n * size;
		}
	}
	return (ms < 0 ? "-" : "") + out.join("");
}
