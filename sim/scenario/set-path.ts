/**
 * Exercises change a scenario file by dotted paths: `master.offerTimeout`,
 * `frameworks.B.declineRefuseSeconds`, `agents.0.cpus`. A segment that meets
 * a list picks the item at that index, or the item whose `name` (frameworks,
 * roles) or `group` (agents) is the segment. The change applies to the parsed
 * file (before validation), so the changed scenario is checked like any file.
 */

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
	return typeof x === "object" && x !== null && !Array.isArray(x);
}

function pick(list: unknown[], segment: string): number {
	if (/^\d+$/.test(segment)) return Number(segment) < list.length ? Number(segment) : -1;
	return list.findIndex((item) => isObject(item) && (item.name === segment || item.group === segment));
}

/** Sets `path` in `root` (mutated) to `value`; returns a message when the path does not lead anywhere. */
export function setPath(root: unknown, path: string, value: unknown): string | null {
	const segments = path.split(".");
	if (segments.some((s) => s === "")) return `"${path}" has an empty segment`;
	let here: unknown = root;
	for (let k = 0; k < segments.length; k++) {
		const segment = segments[k]!;
		const last = k === segments.length - 1;
		const at = segments.slice(0, k + 1).join(".");
		if (Array.isArray(here)) {
			const i = pick(here, segment);
			if (i < 0) return `"${at}": no item ${JSON.stringify(segment)} in that list (an index or a name)`;
			if (last) here[i] = value;
			else here = here[i];
		} else if (isObject(here)) {
			if (last) here[segment] = value;
			else {
				// A missing map on the way (e.g. master:) is created.
				if (here[segment] === undefined) here[segment] = {};
				here = here[segment];
			}
		} else return `"${at}": ${segments.slice(0, k).join(".")} is not a map or list`;
	}
	return null;
}
