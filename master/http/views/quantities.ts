/**
 * Resource quantities as the state views add them up and render them: the v0
 * flat map ({"cpus":2,…,"ports":"[31000-32000]"}, src/common/http.cpp
 * model(Resources)) and the v1 Resource[] (include/mesos/v1/mesos.proto);
 * plus the two clocks the views print (simulated Unix time: seconds in v0,
 * TimeInfo nanoseconds in v1).
 */
import type { Range, Resource } from "../../protocol/messages.js";
import {
	fixed,
	formatRanges,
	normalizeRanges,
	type Quantities,
	SCALAR_NAMES,
} from "../../protocol/resources.js";

export type { Quantities };

export type Json = Record<string, unknown>;

export function addInto(to: Quantities, q: Float64Array, ports: readonly Range[]): void {
	to.cpus += q[0]!;
	to.mem += q[1]!;
	to.disk += q[2]!;
	to.gpus += q[3]!;
	if (ports.length > 0) to.ports = to.ports.concat(ports);
}

export function finish(q: Quantities): Quantities {
	return {
		cpus: fixed(q.cpus),
		mem: fixed(q.mem),
		disk: fixed(q.disk),
		gpus: fixed(q.gpus),
		ports: normalizeRanges(q.ports),
	};
}

export function plus(a: Quantities, b: Quantities): Quantities {
	return finish({
		cpus: a.cpus + b.cpus,
		mem: a.mem + b.mem,
		disk: a.disk + b.disk,
		gpus: a.gpus + b.gpus,
		ports: a.ports.concat(b.ports),
	});
}

export function hasAny(q: Quantities): boolean {
	return q.cpus > 0 || q.mem > 0 || q.disk > 0 || q.gpus > 0 || q.ports.length > 0;
}

export const secs = (ms: number): number => ms / 1000;
export const timeInfo = (ms: number): { nanoseconds: number } => ({ nanoseconds: Math.round(ms * 1e6) });

/** v0 rendering: {"cpus":2,"gpus":0,"mem":1024,"disk":0,"ports":"[31000-32000]"}. */
export function flatResources(q: Quantities): Record<string, number | string> {
	const out: Record<string, number | string> = {
		cpus: fixed(q.cpus),
		gpus: fixed(q.gpus),
		mem: fixed(q.mem),
		disk: fixed(q.disk),
	};
	if (q.ports.length > 0) out.ports = formatRanges(q.ports);
	return out;
}

/** v1 rendering: Resource[] (unreserved, role "*"; allocation_info when allocated to a role). */
export function v1Resources(q: Quantities, allocatedTo?: string): Resource[] {
	const out: Resource[] = [];
	for (const name of SCALAR_NAMES) {
		const v = q[name];
		if (v > 0) {
			const r: Resource = { name, type: "SCALAR", scalar: { value: fixed(v) }, role: "*" };
			if (allocatedTo !== undefined) r.allocation_info = { role: allocatedTo };
			out.push(r);
		}
	}
	if (q.ports.length > 0) {
		const r: Resource = {
			name: "ports",
			type: "RANGES",
			ranges: { range: q.ports.map((p) => ({ begin: p.begin, end: p.end })) },
			role: "*",
		};
		if (allocatedTo !== undefined) r.allocation_info = { role: allocatedTo };
		out.push(r);
	}
	return out;
}
