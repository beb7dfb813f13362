/**
 * Scenario and API size limits: what one mesosim process can really hold.
 * Every entry point checks them (validateScenario, the run/serve flags, the
 * /sim/v1 control API, SUBSCRIBE over HTTP) and names the limit and the value
 * in its message. docs/scenario.md "Limits" tables them with the same reasons.
 */

/** Where each message points the reader. */
export const LIMITS_DOC = 'docs/scenario.md "Limits"';

export const LIMITS = {
	/** Agents over all groups and timeline addAgents: the 60k-agent demos with room; 10M exhaust the engine's event queue. */
	agents: 100_000,
	/** Frameworks in a scenario (with timeline installPackage): each holds a scheduler, sorter entries and per-agent filters. */
	frameworks: 1_000,
	/** Tasks of one simple framework (tasks.count): its task table lives in memory for the whole run. */
	tasksPerFramework: 1_000_000,
	/** Names (frameworks, groups, roles, hostnames, the scenario): they appear in every report line and /metrics/snapshot. */
	nameLength: 256,
	/** Segments of a hierarchical role ("a/b/c" is 3): the role tree is walked on every allocation. */
	roleDepth: 16,
	/** Entries of the timeline: each is scheduled up front on the event queue. */
	timelineEvents: 100_000,
	/** Nesting of lists and maps in a scenario: the YAML parser recurses and overflows the stack near 1,000 levels. */
	nestingDepth: 64,
} as const;

export type LimitName = keyof typeof LIMITS;

/** "10,000,000": numbers in limit messages are grouped for reading. */
export function formatCount(n: number): string {
	return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** "... the limit is 100,000 (docs/scenario.md "Limits")": the tail every limit message shares. */
export function limitTail(limit: LimitName): string {
	return `the limit is ${formatCount(LIMITS[limit])} (${LIMITS_DOC})`;
}

/** The problem with a name's length, or null: names are cut neither in messages nor reports. */
export function nameLengthProblem(name: string): string | null {
	return name.length > LIMITS.nameLength
		? `a name of ${formatCount(name.length)} characters; ${limitTail("nameLength")}`
		: null;
}

/** Depth of nested lists and maps in a plain value (a scalar is 0), walked without recursion. */
export function nestingDepth(value: unknown): number {
	let deepest = 0;
	const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
	while (stack.length > 0) {
		const { v, d } = stack.pop()!;
		if (v === null || typeof v !== "object") continue;
		const depth = d + 1;
		if (depth > deepest) deepest = depth;
		for (const child of Object.values(v)) stack.push({ v: child, d: depth });
	}
	return deepest;
}

/** A name as messages quote it: JSON-quoted, cut to its first 40 characters when longer. */
export function quoteName(name: string): string {
	return name.length <= 40 ? JSON.stringify(name) : `${JSON.stringify(name.slice(0, 40))}…`;
}
