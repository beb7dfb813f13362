/**
 * Conversions between the protocol's Resource[] and the flat quantities the
 * master keeps internally (cpus, mem, disk, gpus, port ranges). Scalars are
 * rounded to Mesos's 3-decimal fixed point.
 */
import type { Range, Resource } from "./messages.js";

export const SCALAR_NAMES = ["cpus", "mem", "disk", "gpus"] as const;
export type ScalarName = (typeof SCALAR_NAMES)[number];
export const SCALAR_COUNT = SCALAR_NAMES.length;

export interface Quantities {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
}

/** Mesos fixed-point: scalars carry three decimals. */
export function fixed(x: number): number {
	return Math.round(x * 1000) / 1000;
}

export function emptyQuantities(): Quantities {
	return { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
}

export function rangesSize(ranges: readonly Range[]): number {
	let n = 0;
	for (const r of ranges) n += r.end - r.begin + 1;
	return n;
}

/** Sorted, merged copy of ranges. */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
	const sorted = ranges.map((r) => ({ begin: r.begin, end: r.end })).sort((a, b) => a.begin - b.begin);
	const out: Range[] = [];
	for (const r of sorted) {
		const last = out[out.length - 1];
		if (last !== undefined && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
		else out.push(r);
	}
	return out;
}

/** Whether every port of `inner` lies inside `outer` (both normalized). */
export function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
	let j = 0;
	for (const r of inner) {
		while (j < outer.length && outer[j]!.end < r.begin) j++;
		const o = outer[j];
		if (o === undefined || o.begin > r.begin || o.end < r.end) return false;
	}
	return true;
}

/** outer minus inner (both normalized). */
export function rangesSubtract(outer: readonly Range[], inner: readonly Range[]): Range[] {
	const out: Range[] = [];
	for (const o of outer) {
		let begin = o.begin;
		for (const r of inner) {
			if (r.end < begin || r.begin > o.end) continue;
			if (r.begin > begin) out.push({ begin, end: r.begin - 1 });
			begin = Math.max(begin, r.end + 1);
		}
		if (begin <= o.end) out.push({ begin, end: o.end });
	}
	return out;
}

export function rangesAdd(a: readonly Range[], b: readonly Range[]): Range[] {
	return normalizeRanges([...a, ...b]);
}

export interface ParsedResources {
	quantities: Quantities;
	/** Names of resources the simulator does not model (kept for error messages). */
	unknown: string[];
	/** First problem found, if any (negative value, wrong type…). */
	error?: string;
}

/** Sums a Resource[] into quantities, reporting the first malformed entry. */
export function parseResources(resources: readonly Resource[] | null | undefined): ParsedResources {
	const q = emptyQuantities();
	const unknown: string[] = [];
	const ports: Range[] = [];
	let error: string | undefined;
	for (const r of resources ?? []) {
		if (r === null || typeof r !== "object" || typeof r.name !== "string") {
			error ??= "resource without a name";
			continue;
		}
		if (r.name === "ports") {
			const rs = r.ranges?.range;
			if (r.type !== "RANGES" || !Array.isArray(rs)) {
				error ??= "resource 'ports' must be of type RANGES";
				continue;
			}
			for (const x of rs) {
				if (!Number.isInteger(x.begin) || !Number.isInteger(x.end) || x.begin > x.end || x.begin < 0) {
					error ??= `resource 'ports' has an invalid range [${x.begin}-${x.end}]`;
					continue;
				}
				ports.push({ begin: x.begin, end: x.end });
			}
			continue;
		}
		if ((SCALAR_NAMES as readonly string[]).includes(r.name)) {
			const v = r.scalar?.value;
			if (r.type !== "SCALAR" || typeof v !== "number" || !Number.isFinite(v)) {
				error ??= `resource '${r.name}' must be a SCALAR with a finite value`;
				continue;
			}
			if (v < 0) {
				error ??= `resource '${r.name}' is negative (${v})`;
				continue;
			}
			q[r.name as ScalarName] = fixed(q[r.name as ScalarName] + v);
			continue;
		}
		unknown.push(r.name);
	}
	const merged = normalizeRanges(ports);
	if (error === undefined && rangesSize(merged) !== rangesSize(ports))
		error = "resource 'ports' has overlapping ranges";
	q.ports = merged;
	return error === undefined ? { quantities: q, unknown } : { quantities: q, unknown, error };
}

/** Renders quantities as a Resource[] (zero scalars and empty ports omitted). */
export function toResources(q: Quantities, role?: string): Resource[] {
	const out: Resource[] = [];
	for (const name of SCALAR_NAMES) {
		const v = q[name];
		if (v > 0) {
			const r: Resource = { name, type: "SCALAR", scalar: { value: fixed(v) } };
			if (role !== undefined) r.allocation_info = { role };
			out.push(r);
		}
	}
	if (q.ports.length > 0) {
		const r: Resource = { name: "ports", type: "RANGES", ranges: { range: q.ports.map((p) => ({ ...p })) } };
		if (role !== undefined) r.allocation_info = { role };
		out.push(r);
	}
	return out;
}

/** Renders ranges as Mesos does in v0 JSON: "[31000-32000, 33000-33001]". */
export function formatRanges(ranges: readonly Range[]): string {
	return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(", ")}]`;
}
