/**
 * A resolved chameleon: the ChameleonConfig that spec/resolve.ts makes of a
 * spec, with every default applied, every duration in ms and every
 * distribution parsed. This is all the framework (chameleon.ts) and the
 * patterns read.
 */
import type { OfferFiltersSpec } from "../../sdk/offer-filters.js";
import type { Arrivals } from "../arrivals.js";
import type { Constraint } from "../constraints.js";
import type { Dist } from "../dist.js";
import type { PatternName } from "../patterns/index.js";
import type { TraceRow } from "../trace.js";

export const OFFER_POLICY_DEFAULTS = {
	declineRefuseSeconds: 5,
	suppressWhenIdle: false,
	reviveMinIntervalMs: 1000,
	reviveOnDemand: true,
	holdOffersMs: 0,
	holdJitterMs: 0,
	maxTasksPerOffer: 0,
	acceptPartialGang: false,
} as const;

/** Marathon's restart backoff: 1 s × 1.15^(n−1), at most 300 s. */
export const RESTART_DEFAULT = { backoffMs: 1000, factor: 1.15, capMs: 300_000 } as const;

export interface ResourceDists {
	cpus: Dist;
	mem: Dist;
	disk: Dist;
	gpus: Dist;
	ports: number;
}

export interface Lifecycle {
	startupDelay: Dist;
	/** null: runs until killed (`sleep infinity`). */
	runFor: Dist | null;
	failureProbability: number;
	/** null: a failing task fails at its drawn run time. */
	failAfter: Dist | null;
	exitCode: number;
	retries: number;
	restart: { backoffMs: number; factor: number; capMs: number };
}

export interface GroupConfig {
	name: string;
	pattern: PatternName;
	role: string | null;
	instances: number;
	resources: ResourceDists;
	constraints: Constraint[];
	lifecycle: Lifecycle;
	after: string | null;
	arrivals: Arrivals | null;
	/** Arrival jitter for cron ticks. */
	jitterMs: number;
	maxJobs: number;
	tasksPerJob: Dist;
	jobsPerTick: number;
	concurrencyPolicy: "ALLOW" | "FORBID";
	startingDeadlineMs: number | null;
	gangSize: number;
	gangTimeoutMs: number | null;
	elastic: { min: number; max: number; periodMs: number; shape: "step" | "ramp" } | null;
	scale: "cpus" | "slots" | "none";
	maxSlotsPerTask: number;
	cpusMax: number;
	idleTimeoutMs: number;
	maxAgents: number;
	stickyTimeoutMs: number;
	trace: TraceRow[];
	timeScale: number;
}

export interface OfferPolicy {
	declineRefuseSeconds: number;
	unfitRefuseSeconds: number;
	suppressWhenIdle: boolean;
	reviveMinIntervalMs: number;
	reviveOnDemand: boolean;
	holdOffersMs: number;
	holdJitterMs: number;
	/** 0 = no limit. */
	maxTasksPerOffer: number;
	acceptPartialGang: boolean;
}

export interface ChameleonConfig {
	name: string;
	/** The catalog entry it impersonates, if any. */
	package: string | null;
	description: string;
	roles: string[];
	user: string;
	failoverTimeoutMs: number;
	partitionAware: boolean;
	checkpoint: boolean;
	startAtMs: number;
	latencyMs: number;
	offerPolicy: OfferPolicy;
	thinkTime: { perBatchMs: number; perTaskMs: number };
	groups: GroupConfig[];
	/** FrameworkInfo.offer_filters, per role the quantity sets (empty: none). */
	offerFilters: OfferFiltersSpec;
	/** Roles it is suppressed in at its first SUBSCRIBE. */
	suppressedRoles: string[];
}
