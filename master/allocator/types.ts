/** The allocator's records, its host interface and its test checks. */
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
	/** The allocator decided: `fw` gets these resources of `agent` for `role`. */
	offer(fw: FrameworkRecord, role: number, agent: number, q: Float64Array, ports: Range[]): void;
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
