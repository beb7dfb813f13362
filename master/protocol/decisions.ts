/**
 * Decision records — why an offer went where, at both levels of two-level
 * scheduling (docs/explain.md). Part of the published interface: the trace
 * file (`mesosim run --trace`), `mesosim explain`, the live master's
 * /sim/v1/decisions routes, the dashboard's step mode and the lessons read
 * these shapes and codes. Field names are snake_case like the Mesos JSON
 * around them; resources are scalar maps (cpus, mem, disk, gpus) plus ports.
 */

/** Why the allocator passed over a framework, a role or an agent (Mesos's terms). */
export const PASS_REASONS = {
	/** The framework holds a filter on (agent, role) that covers what would be offered (DECLINE or ACCEPT refuse_seconds). */
	DECLINE_FILTER: "a decline filter covers these resources",
	/** The framework asked for no offers in this role (SUPPRESS, or subscribed with suppressed_roles). */
	ROLE_SUPPRESSED: "the framework suppressed offers for this role",
	/** The framework is not connected (failing over) or was deactivated. */
	FRAMEWORK_INACTIVE: "the framework is disconnected or deactivated",
	/** The agent has GPUs and the framework lacks the GPU_RESOURCES capability (--filter_gpu_resources). */
	GPU_CAPABILITY: "GPU agent and no GPU_RESOURCES capability",
	/** What is left to offer holds none of the min_allocatable sets (the master's or the framework's offer_filters). */
	MIN_ALLOCATABLE: "below min_allocatable",
	/** The role's quota limit leaves none of what the agent has free. */
	QUOTA_LIMIT: "the role is at its quota limit",
	/** An earlier role or framework took what the agent had in this visit. */
	NOTHING_LEFT: "nothing left on the agent",
	/** The agent is draining, deactivated or unreachable: the allocator does not offer it. */
	AGENT_NOT_ACTIVE: "the agent is not active",
	/** The agent has nothing free (all offered or allocated). */
	AGENT_EMPTY: "nothing free on the agent",
} as const;

export type PassReason = keyof typeof PASS_REASONS;

/** Why a framework declined, held or used an offer (its own side of the decision). */
export const FRAMEWORK_REASONS = {
	LAUNCHED: "launched tasks from it",
	NOTHING_PENDING: "no task waiting to run",
	DOES_NOT_FIT: "no waiting task fits in it",
	CONSTRAINT_NOT_MET: "a placement constraint rules the agent out",
	HOLDING_FOR_GANG: "holding it until the whole gang fits",
	HOARDING: "holding it (hoarding policy)",
	BACKING_OFF: "backing off after failures",
	SUPPRESSED: "not wanting offers",
} as const;

export type FrameworkReason = keyof typeof FRAMEWORK_REASONS;

/** Scalars by name; ports as "begin-end" ranges when there are any. */
export interface ResourceSummary {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports?: string[];
}

/** One framework as tried for a role on an agent. */
export interface FrameworkTry {
	framework_id: string;
	framework: string;
	/** Weighted dominant share inside its role, at that moment. */
	share: number;
	/** OFFERED, or the reason it was passed over. */
	verdict: "OFFERED" | PassReason;
	/** For DECLINE_FILTER: the filter. */
	filter?: {
		until: number;
		refused: ResourceSummary;
		/** The call that set it and its offer, when the run saw it (null: set before recording began). */
		set_by: { call: "ACCEPT" | "DECLINE"; offer_id: string; refuse_seconds: number } | null;
	};
}

/** One role in the order the allocator tried it on an agent. */
export interface RoleTry {
	role: string;
	weight: number;
	/** Weighted dominant share (what the DRF sorter orders by), at that moment. */
	share: number;
	/**
	 * For a nested role ("eng/web"), or one with roles below it ("eng" above
	 * "eng/web"): the weighted shares of the tree nodes above its own client,
	 * outermost first ("eng" for the whole subtree; a role with roles below it
	 * lists itself for its subtree, and `share` is its own client's). The
	 * hierarchical sorter compares siblings level by level, so "eng/web" comes
	 * before "*" when the "eng" subtree has the lower share.
	 */
	path_shares?: { role: string; share: number }[];
	/** OFFERED; NO_FRAMEWORK (every framework passed); or why the role was skipped. */
	verdict: "OFFERED" | "NO_FRAMEWORK" | "QUOTA_LIMIT" | "NOTHING_LEFT";
	/** What could be offered to this role after quota capping (absent when skipped). */
	offerable?: ResourceSummary;
	/** Set when a quota limit capped what this role could be offered: the limiting role. */
	capped_by?: string;
	frameworks: FrameworkTry[];
	/** Frameworks not reached beyond the 8 listed (NOTHING_LEFT), counted. */
	frameworks_not_listed?: number;
}

/** The allocator's visit of one agent in a cycle. */
export interface AgentVisit {
	agent_id: string;
	hostname: string;
	/** Free (neither offered nor allocated) at the start of the visit. */
	free: ResourceSummary;
	/** Set when the agent was not offered at all. */
	skipped?: "AGENT_NOT_ACTIVE" | "AGENT_EMPTY";
	roles: RoleTry[];
	/** Roles not reached beyond the 8 listed (NOTHING_LEFT), counted. */
	roles_not_listed?: number;
	offers: OfferMade[];
}

export interface OfferMade {
	offer_id: string;
	framework_id: string;
	framework: string;
	role: string;
	resources: ResourceSummary;
}

/** A framework that took part in no visit of a cycle, and why. */
export interface Ineligible {
	framework_id: string;
	framework: string;
	role: string;
	reason: "ROLE_SUPPRESSED" | "FRAMEWORK_INACTIVE";
}

/** One allocation cycle (trace line `kind: "cycle"`). */
export interface CycleRecord {
	kind: "cycle";
	cycle: number;
	/** Simulated time, ms. */
	time: number;
	sorter: "drf" | "random";
	ineligible: Ineligible[];
	visits: AgentVisit[];
}

/** What a framework did with offers, as the master saw it (trace line `kind: "answer"`). */
export interface AnswerRecord {
	kind: "answer";
	time: number;
	framework_id: string;
	framework: string;
	call: "ACCEPT" | "DECLINE";
	offer_ids: string[];
	/** The call's filters.refuse_seconds; null when absent (Mesos's default 5 s applies). */
	refuse_seconds: number | null;
	/** The filter this left on the unused resources, until (ms); null when none. */
	filter_until: number | null;
	task_ids: string[];
}

/** An offer ended without an answer (trace line `kind: "offer_end"`). */
export interface OfferEndRecord {
	kind: "offer_end";
	time: number;
	offer_id: string;
	framework_id: string;
	how: "rescinded";
}

/** Why a framework did what it did with offers, in its own words (trace line `kind: "reason"`). */
export interface ReasonRecord {
	kind: "reason";
	time: number;
	framework: string;
	offer_ids: string[];
	reason: FrameworkReason;
	/** Free text with the specifics: which constraint, which gang, how many tasks. */
	detail: string;
}

export type DecisionRecord = CycleRecord | AnswerRecord | OfferEndRecord | ReasonRecord;

/** Where records go: a trace file, a ring on the live master, a collector for `explain`. */
export interface DecisionSink {
	write(record: DecisionRecord): void;
}
