/**
 * Reads a script's measures (docs/scenario.md, "Script", Measures) from the
 * simulation at the moment a step plays. Read only: nothing here changes
 * master state (decline filters are read through expiryOf, which drops
 * nothing), so a run with a script keeps the hash of the same run without.
 */
import { AGENT_STATE, type FrameworkRecord, SCALAR_NAMES } from "../../master/index.js";
import type { Simulation } from "../runner/index.js";
import type { Check, Measure } from "../scenario/index.js";

const AGENT_STATE_CODES: Record<string, readonly number[]> = {
	active: [AGENT_STATE.ACTIVE],
	draining: [AGENT_STATE.DRAINING],
	deactivated: [AGENT_STATE.DEACTIVATED],
	disconnected: [AGENT_STATE.DISCONNECTED],
	unreachable: [AGENT_STATE.UNREACHABLE],
	gone: [AGENT_STATE.REMOVED, AGENT_STATE.GONE],
};

/** The health name of an agent state, as the `agents` measure and the agentState event write it. */
export function agentStateName(state: number): string | null {
	for (const [name, codes] of Object.entries(AGENT_STATE_CODES)) if (codes.includes(state)) return name;
	return null;
}

function resourceIndex(resource: string | undefined): number {
	return SCALAR_NAMES.indexOf((resource ?? "cpus") as (typeof SCALAR_NAMES)[number]);
}

export class MeasureReader {
	readonly #sim: Simulation;
	/** Simulated time of each framework's first offer, by framework name. */
	readonly #firstOfferAt = new Map<string, number>();

	constructor(sim: Simulation) {
		this.#sim = sim;
	}

	/** The player tells the reader about offers (timeToFirstOffer). */
	noteOffer(framework: string, at: number): void {
		if (!this.#firstOfferAt.has(framework)) this.#firstOfferAt.set(framework, at);
	}

	/** The framework's record by name: the live one, else the newest removed one. */
	framework(name: string): FrameworkRecord | undefined {
		const m = this.#sim.master;
		return (
			m.frameworks.find((f) => f.info.name === name && !f.removed) ??
			m.frameworks.findLast((f) => f.info.name === name)
		);
	}

	/** The value now, or null when there is none yet (a framework not subscribed, no offer yet). */
	read(measure: Measure): number | null {
		const m = this.#sim.master;
		const now = this.#sim.engine.now;
		switch (measure.kind) {
			case "time":
				return (now - this.#sim.engine.originMs) / 1000;
			case "cycles":
				return m.allocator.cycles;
			case "offersOutstanding":
				return m.outstandingOffers;
			case "agents": {
				const codes = AGENT_STATE_CODES[measure.state ?? "active"] ?? [];
				let n = 0;
				for (let a = 0; a < m.cluster.size; a++) if (codes.includes(m.cluster.state[a]!)) n++;
				return n;
			}
			case "utilization": {
				const k = resourceIndex(measure.resource);
				const total = m.allocator.total[k]!;
				if (total <= 0) return 0;
				let used = 0;
				for (const r of m.allocator.roles) if (r.ancestors.length === 0) used += r.consumed[k]!;
				return used / total;
			}
			case "roleShare":
			case "roleAllocation": {
				const role = m.allocator.roles.find((r) => r.name === measure.role);
				if (role === undefined) return 0;
				if (measure.kind === "roleAllocation") return role.consumed[resourceIndex(measure.resource)]!;
				return this.#dominant(role.consumed);
			}
			default:
				return this.#ofFramework(measure, now);
		}
	}

	#dominant(q: ArrayLike<number>): number {
		const m = this.#sim.master;
		const total = m.allocator.total;
		let best = 0;
		for (let k = 0; k < SCALAR_NAMES.length; k++)
			if (total[k]! > 0 && !m.flags.fairSharingExcludedResourceNames.includes(SCALAR_NAMES[k]!))
				best = Math.max(best, q[k]! / total[k]!);
		return best;
	}

	#ofFramework(measure: Measure, now: number): number | null {
		const name = measure.framework ?? "";
		if (measure.kind === "timeToFirstOffer") {
			const first = this.#firstOfferAt.get(name);
			const fw = this.framework(name);
			return first === undefined || fw === undefined ? null : (first - fw.registeredAt) / 1000;
		}
		const fw = this.framework(name);
		if (fw === undefined) return null;
		const c = fw.counters;
		switch (measure.kind) {
			case "tasks": {
				const state = measure.state ?? "TASK_RUNNING";
				let n = 0;
				for (const t of fw.tasks.values()) if (t.state === state) n++;
				for (const t of fw.completedTasks.items()) if (t.state === state) n++;
				// Tasks on unreachable agents leave fw.tasks for this list (TASK_UNREACHABLE).
				for (const t of fw.unreachableTasks.items()) if (t.state === state) n++;
				return n;
			}
			case "tasksLaunched":
				return c.tasksLaunched;
			case "offersReceived":
				return c.offersSent;
			case "offersAccepted":
				return c.offersAccepted;
			case "offersDeclined":
				return c.offersDeclined;
			case "offersRescinded":
				return c.offersRescinded;
			case "offersHeld":
				return fw.offers.size;
			case "dominantShare":
				return fw.removed ? 0 : this.#sim.master.dominantShare(fw);
			case "taskShare": {
				const q = new Float64Array(SCALAR_NAMES.length);
				for (const t of fw.tasks.values())
					if (!t.released) for (let k = 0; k < q.length; k++) q[k]! += t.q[k]!;
				return this.#dominant(q);
			}
			case "declineFilters": {
				let n = 0;
				for (let a = 0; a < this.#sim.master.cluster.size; a++)
					for (const role of fw.roleIdx) if (fw.filters.expiryOf(a, role, now) > now) n++;
				return n;
			}
			case "suppressed":
				return fw.suppressed.size > 0 ? 1 : 0;
			default:
				return null;
		}
	}
}

/** Whether a value passes a comparison (null, no value, never does). */
export function passes(value: number | null, check: Check): boolean {
	if (value === null || !Number.isFinite(value)) return false;
	switch (check.kind) {
		case "equals":
			return value === check.value;
		case "approx":
			return Math.abs(value - check.value) <= check.tolerance + 1e-9;
		case "range":
			return (
				(check.atLeast === undefined || value >= check.atLeast) &&
				(check.atMost === undefined || value <= check.atMost)
			);
	}
}

/** The comparison in words: "= 3", "≈ 0.222 ± 0.005", "≥ 1", "between 1 and 4". */
export function describeCheck(check: Check): string {
	switch (check.kind) {
		case "equals":
			return `= ${check.value}`;
		case "approx":
			return `≈ ${check.value} ± ${check.tolerance}`;
		case "range":
			if (check.atLeast !== undefined && check.atMost !== undefined)
				return `between ${check.atLeast} and ${check.atMost}`;
			return check.atLeast !== undefined ? `≥ ${check.atLeast}` : `≤ ${check.atMost}`;
	}
}
