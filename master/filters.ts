/**
 * Offer filters (DECLINE and the unused part of an ACCEPT).
 *
 * Layout: per framework one Map keyed by agentIndex * ROLE_SPAN + roleIndex,
 * holding the refused quantities and the expiry time. Lookup is O(1) expected.
 * Expiry costs nothing until the filter is looked at (then it is dropped); the
 * allocator separately keeps a heap of expiry times so that an agent becomes
 * an allocation candidate again when a filter on it runs out.
 * Rule (Mesos): a filter blocks only while the refused resources contain
 * everything that would now be offered.
 */
import type { Range } from "./protocol/messages.js";
import { rangesContain } from "./protocol/resources.js";

export const ROLE_SPAN = 65_536;
const EPS = 1e-9;

export interface OfferFilter {
	expiresAt: number;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
}

export class FrameworkFilters {
	readonly #byKey = new Map<number, OfferFilter>();

	get size(): number {
		return this.#byKey.size;
	}

	set(agent: number, role: number, filter: OfferFilter): void {
		this.#byKey.set(agent * ROLE_SPAN + role, filter);
	}

	/** Whether a live filter on (agent, role) covers the offerable resources. */
	blocks(
		agent: number,
		role: number,
		now: number,
		cpus: number,
		mem: number,
		disk: number,
		gpus: number,
		ports: readonly Range[],
	): boolean {
		const key = agent * ROLE_SPAN + role;
		const f = this.#byKey.get(key);
		if (f === undefined) return false;
		if (f.expiresAt <= now) {
			this.#byKey.delete(key);
			return false;
		}
		return (
			cpus <= f.cpus + EPS &&
			mem <= f.mem + EPS &&
			disk <= f.disk + EPS &&
			gpus <= f.gpus + EPS &&
			rangesContain(f.ports, ports)
		);
	}

	/** Live filters count for a role (expired ones are dropped on the way). */
	activeForRole(role: number, now: number): number {
		let n = 0;
		for (const [key, f] of this.#byKey) {
			if (f.expiresAt <= now) this.#byKey.delete(key);
			else if (key % ROLE_SPAN === role) n++;
		}
		return n;
	}

	clearRole(role: number): void {
		for (const key of this.#byKey.keys()) if (key % ROLE_SPAN === role) this.#byKey.delete(key);
	}

	clearAgent(agent: number): void {
		for (const key of this.#byKey.keys()) if (Math.floor(key / ROLE_SPAN) === agent) this.#byKey.delete(key);
	}

	clear(): void {
		this.#byKey.clear();
	}
}

/** Mesos refuse_seconds rules: unset or negative -> 5 s, above 365 days -> 365 days, 0 -> none. */
export function refuseMs(refuseSeconds: number | undefined): number {
	const DEFAULT_S = 5;
	const MAX_S = 365 * 24 * 3600;
	let s = refuseSeconds;
	if (s === undefined || typeof s !== "number" || Number.isNaN(s) || s < 0) s = DEFAULT_S;
	if (s > MAX_S) s = MAX_S;
	return Math.round(s * 1000);
}
