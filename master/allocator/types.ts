/** The allocator's records, its host interface and its test checks. */
import type { PassReason } from "../protocol/decisions.js";
import type { Range } from "../protocol/messages.js";
import type { FrameworkRecord } from "../records.js";
import type { Sorter } from "./sorter/index.js";

export interface RoleRecord {
	idx: number;
	name: string;
	weight: number;
	/** Quota limits per scalar (Infinity = none). */
	limit: Float64Array;
	hasLimit: boolean;
	/** Offered + allocated to this role and the roles below it. */
	consumed: Float64Array;
	/** Frameworks subscribed to this role. */
	frameworks: Set<FrameworkRecord>;
	fwSorter: Sorter;
	/** Role indices of "a" and "a/b" for role "a/b/c", outermost first. */
	ancestors: number[];
}

/** What the allocator needs of the master. */
export interface AllocatorHost {
	now(): number;
	/** The allocator decided: `fw` gets these resources of `agent` for `role`. Returns the offer's id. */
	offer(fw: FrameworkRecord, role: number, agent: number, q: Float64Array, ports: Range[]): string;
	/** End of a cycle: deliver the OFFERS events. */
	cycleDone(): void;
}

/**
 * Switches for tests that compare a fast path with its simple path; not
 * Mesos flags. The defaults are what every run uses.
 */
export interface AllocatorChecks {
	/**
	 * Also visit the agents that are not candidates, after each cycle over all
	 * candidates; they must yield nothing (`Allocator.nonCandidateOffers`).
	 */
	fullScan: boolean;
	/**
	 * "snapshot" copies the role order for every agent, as Mesos does; "auto"
	 * walks the sorter's live order when that is equivalent (a flat role tree
	 * with the DRF sorter), which is cheaper with many quota roles.
	 */
	roleWalk: "auto" | "snapshot";
}

export const DEFAULT_CHECKS: Readonly<AllocatorChecks> = { fullScan: false, roleWalk: "auto" };

/**
 * Told every step of a cycle's decisions, from inside the decision path
 * itself (docs/explain.md): the allocator calls it exactly where it decides,
 * so the record cannot drift from what it did. None by default (the hot path
 * then pays one null check per step). Calls nest: cycleStart, then per agent
 * visitStart, visitSkipped | (roleSkipped | roleTried, (passed)*, offered?)*, visitDone; cycleDone.
 */
export interface AllocationRecorder {
	cycleStart(cycle: number, now: number): void;
	visitStart(agent: number): void;
	/** The agent is not offered at all, and why. */
	visitSkipped(reason: "AGENT_NOT_ACTIVE" | "AGENT_EMPTY"): void;
	/** The role's quota limit leaves none of the agent's free resources: no framework of it is tried. */
	roleSkipped(role: RoleRecord, reason: "QUOTA_LIMIT"): void;
	/** The role's frameworks are tried for `offerable` (after quota capping; `cappedBy`: the limit that capped it). */
	roleTried(
		role: RoleRecord,
		offerable: Float64Array,
		ports: readonly Range[],
		cappedBy: RoleRecord | null,
	): void;
	/** A framework of the role being tried is passed over. */
	passed(fw: FrameworkRecord, reason: PassReason): void;
	/** `shareBefore`: fw's weighted share in the role when it was chosen (the offer has counted since). */
	offered(
		fw: FrameworkRecord,
		offerId: string,
		q: Float64Array,
		ports: readonly Range[],
		shareBefore: number,
	): void;
	visitDone(): void;
	cycleDone(): void;
}
