/**
 * The resolved scenario: what `validateScenario` returns after applying
 * defaults, converting durations to integer milliseconds and port specs to
 * ranges. Every field is present unless marked optional. The input form (what
 * a YAML/JSON file holds) is `ScenarioInput` in schema.ts.
 */
import type { SimpleTaskConfig } from "../../frameworks/builtin/simple.js";
import type { OfferFiltersSpec } from "../../frameworks/sdk/offer-filters.js";
import type { Range } from "../../master/protocol/messages.js";
import type { LessonInfo, ScriptStep } from "./script-types.js";

export type { Range };

export type ScalarResourceName = "cpus" | "mem" | "disk" | "gpus";
export type ScalarQuantities = Partial<Record<ScalarResourceName, number>>;
export type SorterKind = "drf" | "random";

export interface MasterConfig {
	allocationIntervalMs: number;
	/** null: offers are never rescinded for age (Mesos's default "none"). */
	offerTimeoutMs: number | null;
	agentPingTimeoutMs: number;
	maxAgentPingTimeouts: number;
	/** Any one of these quantity sets makes an agent's leftovers allocatable. */
	minAllocatable: ScalarQuantities[];
	maxCompletedFrameworks: number;
	maxCompletedTasksPerFramework: number;
	maxUnreachableTasksPerFramework: number;
	roleSorter: SorterKind;
	frameworkSorter: SorterKind;
	fairSharingExcludedResourceNames: string[];
	heartbeatIntervalMs: number;
	/** mesosim extension: quota on nested roles, capped by ancestors' limits too. */
	hierarchicalQuota: boolean;
	filterGpuResources: boolean;
	/** null: agents failing health checks are marked unreachable at once. */
	agentRemovalRateLimit: { permits: number; perMs: number } | null;
	/** Reported only (no master failover is simulated). */
	agentReregisterTimeoutMs: number;
}

export interface AgentGroup {
	group: string;
	count: number;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
	/** Template rendered per agent with `compileTemplate` (agents/). */
	hostname: string;
	/** A number is a SCALAR attribute; a string (possibly a template) a TEXT one. */
	attributes: Record<string, string | number>;
}

export interface RoleSpec {
	name: string;
	weight: number;
	/** Quota limits. */
	quota?: ScalarQuantities;
}

/** The tasks of a `type: simple` framework: exactly the built-in framework's config. */
export type SimpleTasksSpec = SimpleTaskConfig;

export interface SimpleFrameworkSpec {
	type: "simple";
	name: string;
	role: string;
	user: string;
	startAtMs: number;
	failoverTimeoutMs: number;
	partitionAware: boolean;
	checkpoint: boolean;
	latencyMs: number;
	declineRefuseSeconds: number;
	/** FrameworkInfo.offer_filters, per role the quantity sets (empty: none). */
	offerFilters: OfferFiltersSpec;
	/** Roles it is suppressed in at its first SUBSCRIBE. */
	suppressedRoles: string[];
	tasks: SimpleTasksSpec;
}

export interface ChameleonFrameworkSpec {
	type: "chameleon";
	name: string;
	/** Every field but `type` and `name`, as written (validated by a later schema). */
	spec: Record<string, unknown>;
}

export type FrameworkSpec = SimpleFrameworkSpec | ChameleonFrameworkSpec;
export type FrameworkType = FrameworkSpec["type"];

/** Faults of agents chosen by a selector (`agents`). */
const AGENT_FAULT_ACTIONS = ["crashAgents", "restartAgents", "partitionAgents", "flapAgents"] as const;
/** Mesos operator calls, one per agent chosen by a selector. */
export const AGENT_OPERATOR_ACTIONS = [
	"drainAgents",
	"deactivateAgents",
	"reactivateAgents",
	"markAgentsGone",
] as const;
/** Every action that acts on agents chosen by a selector (`agents`). */
export const AGENT_SELECTOR_ACTIONS = [
	...AGENT_FAULT_ACTIONS,
	"healAgents",
	"restartAgentProcesses",
	...AGENT_OPERATOR_ACTIONS,
] as const;

export const TIMELINE_ACTIONS = [
	...AGENT_FAULT_ACTIONS,
	"teardownFramework",
	"addAgents",
	"reviveFramework",
	"healAgents",
	"restartAgentProcesses",
	...AGENT_OPERATOR_ACTIONS,
	"updateWeights",
	"updateQuota",
	"disconnectFramework",
	"installPackage",
	"uninstallPackage",
	"scalePackage",
] as const;
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/**
 * Which agents an action hits. At most one of count / fraction / indices;
 * none of them means every agent (of the group, or of the cluster). The runner
 * picks `count`/`fraction` agents with the seeded faults stream.
 */
export interface AgentSelector {
	group?: string;
	count?: number;
	/** In (0, 1]: that share of the agents, rounded up. */
	fraction?: number;
	/** 0-based indices within the group (or the whole cluster, in group order). */
	indices?: number[];
	/** Agents with these agent ids (live runs: the ids the master gave). */
	ids?: string[];
	/** Agents with these hostnames. */
	hostnames?: string[];
	/** Agents whose attribute has this value, written `name=value` (e.g. `rack=r3`). */
	attribute?: string;
}

export interface TimelineEvent {
	atMs: number;
	action: TimelineAction;
	/** crashAgents, restartAgents, partitionAgents, flapAgents. */
	agents?: AgentSelector;
	/** crashAgents, partitionAgents (null: until the end / a restart), flapAgents (down time). */
	downForMs?: number | null;
	/** flapAgents: number of down/up cycles. */
	times?: number;
	/** flapAgents: up time between downs. */
	upForMs?: number;
	/** teardownFramework, reviveFramework. */
	framework?: string;
	/** addAgents: the group whose shape the new agents take. */
	group?: string;
	/** addAgents: how many. */
	count?: number;
	/** updateWeights, updateQuota: the role. */
	role?: string;
	/** updateWeights: the role's new weight. */
	weight?: number;
	/** updateQuota: the role's new quota limits ({} removes the quota). */
	quota?: ScalarQuantities;
	/** installPackage: the catalog package (or none with `spec`). */
	package?: string;
	/** installPackage: the framework's name (default: the package name). */
	name?: string;
	/** installPackage: a chameleon spec (fields of a `type: chameleon` framework). */
	spec?: Record<string, unknown>;
	/** installPackage: instance count of every group that has one; scalePackage: the new count. */
	instances?: number;
}

export interface Scenario {
	name: string;
	seed: number;
	durationMs: number;
	master: MasterConfig;
	agents: AgentGroup[];
	roles: RoleSpec[];
	frameworks: FrameworkSpec[];
	/** Sorted by atMs (stable: equal times keep file order). */
	timeline: TimelineEvent[];
	/** Narration steps in file order (only when the file has a `script`). */
	script?: ScriptStep[];
	/** Lesson title, length and exercises (only when the file has a `lesson`). */
	lesson?: LessonInfo;
}
