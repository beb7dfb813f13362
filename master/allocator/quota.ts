/**
 * QuotaHeadroom — what the roles' quota limits leave to offer: Mesos's
 * hierarchical allocator caps an offer at the allocated role's headroom
 * (its limit minus what the role and the roles below it hold, offered or
 * allocated; hierarchical.cpp, __generateOffers, getQuota(role); quota limits,
 * Mesos 1.9+). Ancestors' limits cap it too only with the hierarchicalQuota
 * extension (master/flags.ts): Mesos 1.11 does not (MESOS-7402).
 *
 * Layout: limits and consumption live on the RoleRecords (Float64Array per
 * role, one entry per scalar); here, per role index: whether it has a limit,
 * whether it has ancestors, and `noneLeft`, a bit mask of the scalars its
 * own limit leaves none of; plus the agents each limit held back (HeldBack)
 * and the limited roles whose consumption fell since the last cycle.
 * Invariants: for a limited role without ancestors, noneLeft[role] bit k ⇔
 * limit[k] − consumed[k] <= SCALAR_EPSILON; 0 for every other role (its
 * visits are never skipped). Kept by refresh() after every change of limit
 * or consumption. An agent a
 * limit held back is a candidate again when that role's headroom grows
 * (startCycle), since it may yield an offer then.
 * Complexity: refresh O(scalars); cap O(scalars × (1 + ancestors)); a cycle's
 * start O(held-back entries of the roles whose consumption fell).
 * Guarded by: `mesosim bench allocator -b LargeAndSmallQuota`.
 */
import { grownToFit } from "../../common/index.js";
import { SCALAR_COUNT } from "../protocol/resources.js";
import { SCALAR_EPSILON } from "../quantity.js";
import type { CandidateAgents } from "./candidates.js";
import { HeldBack } from "./held-back.js";
import type { RoleRecord } from "./types.js";

export class QuotaHeadroom {
	/** Whether some role has a limit: then a role that took on an agent may leave resources for the next. */
	anyLimit = false;
	#limited = new Uint8Array(64);
	#nested = new Uint8Array(64);
	#noneLeft = new Uint8Array(64);
	readonly #heldBack = new HeldBack();
	/** Limited roles whose consumption fell since the last cycle (their headroom grew). */
	readonly #released = new Set<number>();
	readonly #markCandidate: (agent: number) => void;

	constructor(candidates: CandidateAgents) {
		this.#markCandidate = (agent) => candidates.mark(agent);
		this.#heldBack.roles(64);
	}

	/** A new role (no limit yet). */
	addRole(role: RoleRecord): void {
		const idx = role.idx;
		if (idx >= this.#limited.length) {
			this.#limited = grownToFit(this.#limited, idx);
			this.#nested = grownToFit(this.#nested, idx);
			this.#noneLeft = grownToFit(this.#noneLeft, idx);
			this.#heldBack.roles(this.#limited.length);
		}
		this.#nested[idx] = role.ancestors.length > 0 ? 1 : 0;
		this.refresh(role);
	}

	/** The role's limits changed (`roles`: all of them, for anyLimit). */
	limitsChanged(role: RoleRecord, roles: readonly RoleRecord[]): void {
		this.#limited[role.idx] = role.hasLimit ? 1 : 0;
		this.refresh(role);
		this.anyLimit = roles.some((r) => r.hasLimit);
	}

	/** Recomputes the role's noneLeft bits from its limit and consumption. */
	refresh(role: RoleRecord): void {
		const idx = role.idx;
		let noneLeft = 0;
		if (this.#limited[idx] === 1 && this.#nested[idx] === 0) {
			for (let k = 0; k < SCALAR_COUNT; k++) {
				if (role.limit[k]! - role.consumed[k]! <= SCALAR_EPSILON) noneLeft |= 1 << k;
			}
		}
		this.#noneLeft[idx] = noneLeft;
	}

	/** The role (and its ancestors) gave resources back: their held-back agents are revisited next cycle. */
	released(role: RoleRecord, roles: readonly RoleRecord[]): void {
		if (!this.anyLimit) return;
		if (role.hasLimit) this.#released.add(role.idx);
		for (const a of role.ancestors) if (roles[a]!.hasLimit) this.#released.add(a);
	}

	/** A cycle begins: the agents held back by roles whose headroom grew become candidates. */
	startCycle(agents: number): void {
		this.#heldBack.startCycle(agents);
		for (const role of this.#released) this.#heldBack.drain(role, this.#markCandidate);
		this.#released.clear();
	}

	/**
	 * Whether a visit of `role` on an agent whose free scalars are the bits of
	 * `freeMask` (not 0) could only note the agent as held back: the role's
	 * own limit leaves none of them and no ancestor's limit is involved.
	 */
	leavesNothing(role: number, freeMask: number): boolean {
		return (freeMask & ~this.#noneLeft[role]!) === 0;
	}

	/** Notes that `role`'s limit held `agent` back. */
	holdBack(role: number, agent: number): void {
		this.#heldBack.push(role, agent);
	}

	/**
	 * Caps `offerable` at `limitedRole`'s headroom (a remainder below
	 * SCALAR_EPSILON counts as none). Returns whether it capped anything.
	 */
	cap(limitedRole: RoleRecord, offerable: Float64Array): boolean {
		if (!limitedRole.hasLimit) return false;
		const epsilon = SCALAR_EPSILON;
		let capped = false;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const headroom = limitedRole.limit[k]! - limitedRole.consumed[k]!;
			if (offerable[k]! > headroom) {
				offerable[k] = headroom > epsilon ? headroom : 0;
				capped = true;
			}
		}
		return capped;
	}
}
