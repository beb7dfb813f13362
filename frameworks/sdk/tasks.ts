/**
 * Helpers for building tasks from offers: quantities of an offer, picking
 * ports, and a TaskInfo whose resources carry the offer's role.
 */
import {
	fixed,
	type Label,
	type Offer,
	parseResources,
	type Quantities,
	type Range,
	rangesSize,
	type TaskInfo,
	toResources,
} from "../../master/protocol/index.js";

export interface TaskSpec {
	id: string;
	name: string;
	agentId: string;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: readonly Range[];
	/** Shell command (CommandInfo { shell: true, value }). */
	command: string;
	labels?: Readonly<Record<string, string>>;
	/** The offer's role: put in each resource's allocation_info (omit for none). */
	role?: string;
}

export function taskInfo(spec: TaskSpec): TaskInfo {
	const q: Quantities = {
		cpus: spec.cpus,
		mem: spec.mem,
		disk: spec.disk,
		gpus: spec.gpus,
		ports: spec.ports.map((r) => ({ begin: r.begin, end: r.end })),
	};
	const task: TaskInfo = {
		name: spec.name,
		task_id: { value: spec.id },
		agent_id: { value: spec.agentId },
		resources: toResources(q, spec.role),
		command: { shell: true, value: spec.command },
	};
	if (spec.labels !== undefined) {
		const labels: Label[] = Object.entries(spec.labels).map(([key, value]) => ({ key, value }));
		task.labels = { labels };
	}
	return task;
}

/**
 * The first `n` ports of `ranges` (in the order given, normally sorted), as
 * merged ranges; null when fewer than `n` ports are available. n <= 0 gives [].
 */
export function pickPorts(ranges: readonly Range[], n: number): Range[] | null {
	if (n <= 0) return [];
	if (rangesSize(ranges) < n) return null;
	const out: Range[] = [];
	let left = n;
	for (const r of ranges) {
		if (left === 0) break;
		const take = Math.min(left, r.end - r.begin + 1);
		out.push({ begin: r.begin, end: r.begin + take - 1 });
		left -= take;
	}
	return out;
}

/** The offer's resources as quantities (cpus, mem, disk, gpus, merged port ranges). */
export function offerQuantities(offer: Offer): Quantities {
	return parseResources(offer.resources).quantities;
}

/** The offer's role: its allocation_info, else the first resource's, else undefined. */
export function offerRole(offer: Offer): string | undefined {
	return offer.allocation_info?.role ?? offer.resources[0]?.allocation_info?.role;
}

/** Whether `need` fits in `have` (scalars in 3-decimal fixed point; ports by count). */
export function fits(have: Quantities, need: Omit<Quantities, "ports">, ports: number): boolean {
	return (
		fixed(have.cpus - need.cpus) >= 0 &&
		fixed(have.mem - need.mem) >= 0 &&
		fixed(have.disk - need.disk) >= 0 &&
		fixed(have.gpus - need.gpus) >= 0 &&
		rangesSize(have.ports) >= ports
	);
}
