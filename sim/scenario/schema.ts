/**
 * The scenario file schema, written once in TypeBox. It is used for
 *  - validation (compiled with typebox/compile; human messages from explain.ts),
 *  - the input type `ScenarioInput` (Static<>),
 *  - documentation: docs/scenario.md's field tables are generated from the
 *    `description`, `default` and `x-type` annotations (docs.ts; a test keeps
 *    them in step).
 * Defaults live in the DEFAULTS constants below and are used both as schema
 * annotations and by the resolver, so they cannot drift apart.
 */
import { type Static, type TSchema, Type } from "typebox";
/** Annotation: a short type name for docs and error messages ("must be <x-expect>"). */
import { X_EXPECT, X_TYPE } from "../../common/schema/keywords.js";
import { OfferFiltersSchema } from "../../frameworks/sdk/offer-filters.js";
import {
	ExerciseSchema,
	ExpectationSchema,
	HighlightSchema,
	LessonSchema,
	ScriptStepSchema,
	TriggerSchema,
} from "./script-schema.js";
import { TIMELINE_ACTIONS } from "./types.js";

export { X_EXPECT, X_TYPE };

export const MASTER_DEFAULTS = {
	allocationInterval: "1s",
	offerTimeout: null,
	agentPingTimeout: "15s",
	maxAgentPingTimeouts: 5,
	minAllocatable: [{ cpus: 0.01 }, { mem: 32 }],
	maxCompletedFrameworks: 50,
	maxCompletedTasksPerFramework: 1000,
	maxUnreachableTasksPerFramework: 1000,
	roleSorter: "drf",
	frameworkSorter: "drf",
	fairSharingExcludedResourceNames: [],
	heartbeatInterval: "15s",
	hierarchicalQuota: false,
	filterGpuResources: true,
	agentRemovalRateLimit: null,
	agentReregisterTimeout: "10m",
} as const;

export const SCENARIO_DEFAULTS = { name: "scenario", seed: 1, duration: "1h" } as const;

export const AGENT_DEFAULTS = {
	group: "agents",
	disk: 0,
	gpus: 0,
	ports: "[31000-32000]",
	hostname: "{group}-{i}",
	attributes: {},
} as const;

export const ROLE_DEFAULTS = { weight: 1 } as const;

export const FRAMEWORK_DEFAULTS = {
	role: "*",
	user: "root",
	startAt: 0,
	failoverTimeout: 0,
	partitionAware: false,
	checkpoint: false,
	latency: 0,
	declineRefuseSeconds: 5,
} as const;

export const TASK_DEFAULTS = {
	disk: 0,
	gpus: 0,
	ports: 0,
	command: "sleep 60",
	maxPerOffer: 1_000_000,
	relaunch: false,
} as const;

export const FLAP_DEFAULTS = { times: 3 } as const;

const DURATION_EXPECT = 'a duration such as "90s", "15m" or "1h30m", or a number of seconds';

interface Doc {
	description: string;
	default?: unknown;
}

function duration(doc: Doc) {
	return Type.Union([Type.String(), Type.Number({ minimum: 0 })], {
		...doc,
		[X_TYPE]: "duration",
		[X_EXPECT]: DURATION_EXPECT,
	});
}

function nullableDuration(doc: Doc) {
	return Type.Union([Type.String(), Type.Number({ minimum: 0 }), Type.Null()], {
		...doc,
		[X_TYPE]: "duration | null",
		[X_EXPECT]: `${DURATION_EXPECT}, or null`,
	});
}

function quantity(doc: Doc) {
	return Type.Number({ minimum: 0, ...doc });
}

function count(doc: Doc) {
	return Type.Integer({ minimum: 0, ...doc });
}

function oneOf<const T extends readonly string[]>(values: T, doc: Doc) {
	return Type.Union(
		values.map((v) => Type.Literal(v)),
		{ ...doc, [X_TYPE]: values.map((v) => JSON.stringify(v)).join(" | ") },
	);
}

const ScalarQuantitiesSchema = (doc: Doc) =>
	Type.Object(
		{
			cpus: Type.Optional(quantity({ description: "CPUs" })),
			mem: Type.Optional(quantity({ description: "memory in MB" })),
			disk: Type.Optional(quantity({ description: "disk in MB" })),
			gpus: Type.Optional(quantity({ description: "GPUs" })),
		},
		{ additionalProperties: false, [X_TYPE]: "{cpus, mem, disk, gpus}", ...doc },
	);

const RangeObject = Type.Object(
	{ begin: Type.Integer({ minimum: 0, maximum: 65535 }), end: Type.Integer({ minimum: 0, maximum: 65535 }) },
	{ additionalProperties: false },
);

export const PortsSchema = Type.Union(
	[Type.String(), Type.Array(Type.Union([Type.String(), Type.Integer({ minimum: 0 }), RangeObject]))],
	{
		description:
			'Port ranges the agent offers: "[31000-32000]", "[31000-31999, 33000-33005]", a YAML list of "a-b" strings or single ports, or [{begin, end}].',
		default: AGENT_DEFAULTS.ports,
		[X_TYPE]: "port ranges",
		[X_EXPECT]: 'port ranges such as "[31000-32000]" or a list of {begin, end}',
	},
);

export const MasterSchema = Type.Object(
	{
		allocationInterval: Type.Optional(
			duration({
				description: "Period of the allocator's batch cycle (Mesos --allocation_interval).",
				default: MASTER_DEFAULTS.allocationInterval,
			}),
		),
		offerTimeout: Type.Optional(
			nullableDuration({
				description: 'Rescind offers held longer than this; null (or "none"): never (--offer_timeout).',
				default: MASTER_DEFAULTS.offerTimeout,
			}),
		),
		agentPingTimeout: Type.Optional(
			duration({
				description: "How long the master waits for an agent's pong (--agent_ping_timeout).",
				default: MASTER_DEFAULTS.agentPingTimeout,
			}),
		),
		maxAgentPingTimeouts: Type.Optional(
			Type.Integer({
				minimum: 1,
				description: "Missed pings before an agent is marked unreachable (--max_agent_ping_timeouts).",
				default: MASTER_DEFAULTS.maxAgentPingTimeouts,
			}),
		),
		minAllocatable: Type.Optional(
			Type.Union(
				[
					Type.String(),
					Type.Array(ScalarQuantitiesSchema({ description: "one quantity set" }), { minItems: 1 }),
				],
				{
					description:
						'Leftovers are offered only if they hold at least one of these quantity sets; a list of {cpus, mem, disk, gpus} or Mesos\'s flag syntax "cpus:0.01|mem:32" (--min_allocatable_resources).',
					default: MASTER_DEFAULTS.minAllocatable,
					[X_TYPE]: "quantity sets",
					[X_EXPECT]: 'a list of quantity sets such as [{cpus: 0.01}, {mem: 32}], or "cpus:0.01|mem:32"',
				},
			),
		),
		maxCompletedFrameworks: Type.Optional(
			count({
				description: "Completed frameworks kept for the state endpoints.",
				default: MASTER_DEFAULTS.maxCompletedFrameworks,
			}),
		),
		maxCompletedTasksPerFramework: Type.Optional(
			count({
				description: "Completed tasks kept per framework.",
				default: MASTER_DEFAULTS.maxCompletedTasksPerFramework,
			}),
		),
		maxUnreachableTasksPerFramework: Type.Optional(
			count({
				description: "Unreachable tasks kept per framework.",
				default: MASTER_DEFAULTS.maxUnreachableTasksPerFramework,
			}),
		),
		roleSorter: Type.Optional(
			oneOf(["drf", "random"] as const, {
				description: "How roles are ordered in an allocation cycle (--role_sorter).",
				default: MASTER_DEFAULTS.roleSorter,
			}),
		),
		frameworkSorter: Type.Optional(
			oneOf(["drf", "random"] as const, {
				description: "How frameworks within a role are ordered (--framework_sorter).",
				default: MASTER_DEFAULTS.frameworkSorter,
			}),
		),
		fairSharingExcludedResourceNames: Type.Optional(
			Type.Array(Type.String(), {
				description:
					"Resources left out of DRF share computation, e.g. [gpus] (--fair_sharing_excluded_resource_names).",
				default: MASTER_DEFAULTS.fairSharingExcludedResourceNames,
			}),
		),
		heartbeatInterval: Type.Optional(
			duration({
				description: "Period of HEARTBEAT events to subscribed frameworks.",
				default: MASTER_DEFAULTS.heartbeatInterval,
			}),
		),
		hierarchicalQuota: Type.Optional(
			Type.Boolean({
				description:
					"Not a Mesos flag (a mesosim extension for teaching): allow quota on nested roles and cap every subtree by its ancestors' limits too. Mesos 1.11 refuses quota on nested roles and caps an offer only by the allocated role's own limit.",
				default: MASTER_DEFAULTS.hierarchicalQuota,
			}),
		),
		filterGpuResources: Type.Optional(
			Type.Boolean({
				description:
					"Offers from agents with GPUs go only to frameworks with the GPU_RESOURCES capability (--filter_gpu_resources).",
				default: MASTER_DEFAULTS.filterGpuResources,
			}),
		),
		agentRemovalRateLimit: Type.Optional(
			Type.Union([Type.String(), Type.Null()], {
				description:
					'At most N agents per DURATION are marked unreachable after failing health checks, written "N/DURATION" (e.g. "1/20mins"); null: no limit (--agent_removal_rate_limit).',
				default: MASTER_DEFAULTS.agentRemovalRateLimit,
				[X_TYPE]: "rate | null",
				[X_EXPECT]: 'a rate such as "1/20mins" (agents/duration), or null',
			}),
		),
		agentReregisterTimeout: Type.Optional(
			duration({
				description:
					"At least 10m (--agent_reregister_timeout). Accepted and reported in /master/flags; no effect in mesosim, which simulates no master failover.",
				default: MASTER_DEFAULTS.agentReregisterTimeout,
			}),
		),
	},
	{
		additionalProperties: false,
		description: "Master flags; every field optional.",
		[X_TYPE]: "master flags",
	},
);

export const AgentGroupSchema = Type.Object(
	{
		group: Type.Optional(
			Type.String({
				minLength: 1,
				description: "Group name; unique. Used in hostnames and timeline selectors.",
				default: AGENT_DEFAULTS.group,
			}),
		),
		count: count({ description: "Number of agents in the group." }),
		cpus: quantity({ description: "CPUs per agent." }),
		mem: quantity({ description: "Memory per agent in MB." }),
		disk: Type.Optional(quantity({ description: "Disk per agent in MB.", default: AGENT_DEFAULTS.disk })),
		gpus: Type.Optional(quantity({ description: "GPUs per agent.", default: AGENT_DEFAULTS.gpus })),
		ports: Type.Optional(PortsSchema),
		hostname: Type.Optional(
			Type.String({
				description: "Hostname template rendered per agent (see Templates).",
				default: AGENT_DEFAULTS.hostname,
				[X_TYPE]: "template",
			}),
		),
		attributes: Type.Optional(
			Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
				description:
					'Agent attributes: a number gives a SCALAR attribute, a string (may be a template, e.g. rack: "r{i % 40}") a TEXT one.',
				default: AGENT_DEFAULTS.attributes,
				[X_TYPE]: "map of string | number",
			}),
		),
	},
	{ additionalProperties: false, description: "A group of identical agents." },
);

export const RoleSchema = Type.Object(
	{
		name: Type.String({
			description:
				'Role name; hierarchical with "/" (eng/web). Segments of [A-Za-z0-9_.-], not "." or "..", not starting with "-". "*" is the default role.',
			[X_TYPE]: "role name",
		}),
		weight: Type.Optional(
			Type.Number({
				exclusiveMinimum: 0,
				description: "DRF weight: a role's share is divided by it.",
				default: ROLE_DEFAULTS.weight,
			}),
		),
		quota: Type.Optional(
			ScalarQuantitiesSchema({ description: "Quota limits: the role is never allocated more than this." }),
		),
	},
	{ additionalProperties: false, description: "A role's weight and quota." },
);

export const SimpleTasksSchema = Type.Object(
	{
		count: count({ description: "How many tasks." }),
		cpus: quantity({ description: "CPUs per task." }),
		mem: quantity({ description: "Memory per task in MB." }),
		disk: Type.Optional(quantity({ description: "Disk per task in MB.", default: TASK_DEFAULTS.disk })),
		gpus: Type.Optional(quantity({ description: "GPUs per task.", default: TASK_DEFAULTS.gpus })),
		ports: Type.Optional(
			count({ description: "How many ports each task needs.", default: TASK_DEFAULTS.ports }),
		),
		command: Type.Optional(
			Type.String({
				minLength: 1,
				description:
					'Shell command the simulated agent runs: "sleep N", "exit C", "sleep infinity", joined with ";" or "&&".',
				default: TASK_DEFAULTS.command,
			}),
		),
		maxPerOffer: Type.Optional(
			Type.Integer({
				minimum: 1,
				description: "At most this many tasks launched from one offer.",
				default: TASK_DEFAULTS.maxPerOffer,
			}),
		),
		relaunch: Type.Optional(
			Type.Boolean({
				description:
					"true: keep `count` tasks live, launching a replacement whenever one ends; false: launch `count` tasks once.",
				default: TASK_DEFAULTS.relaunch,
			}),
		),
	},
	{ additionalProperties: false, description: "The tasks a simple framework runs.", [X_TYPE]: "tasks" },
);

export const SimpleFrameworkSchema = Type.Object(
	{
		type: Type.Literal("simple", { description: 'Framework kind: "simple" or "chameleon".' }),
		name: Type.String({ minLength: 1, description: "Framework name; unique." }),
		role: Type.Optional(
			Type.String({
				description: "The role it subscribes with.",
				default: FRAMEWORK_DEFAULTS.role,
				[X_TYPE]: "role name",
			}),
		),
		user: Type.Optional(
			Type.String({ description: "FrameworkInfo.user.", default: FRAMEWORK_DEFAULTS.user }),
		),
		startAt: Type.Optional(
			duration({ description: "When it subscribes (simulated time).", default: FRAMEWORK_DEFAULTS.startAt }),
		),
		failoverTimeout: Type.Optional(
			duration({
				description: "FrameworkInfo.failover_timeout: how long the master keeps it after it disconnects.",
				default: FRAMEWORK_DEFAULTS.failoverTimeout,
			}),
		),
		partitionAware: Type.Optional(
			Type.Boolean({
				description: "Declares PARTITION_AWARE (TASK_UNREACHABLE instead of TASK_LOST).",
				default: FRAMEWORK_DEFAULTS.partitionAware,
			}),
		),
		checkpoint: Type.Optional(
			Type.Boolean({ description: "FrameworkInfo.checkpoint.", default: FRAMEWORK_DEFAULTS.checkpoint }),
		),
		latency: Type.Optional(
			duration({
				description: "One-way latency of its in-process transport.",
				default: FRAMEWORK_DEFAULTS.latency,
			}),
		),
		declineRefuseSeconds: Type.Optional(
			Type.Number({
				minimum: 0,
				description: "Filters.refuse_seconds it sends with DECLINE and with ACCEPT leftovers.",
				default: FRAMEWORK_DEFAULTS.declineRefuseSeconds,
			}),
		),
		offerFilters: Type.Optional(OfferFiltersSchema),
		suppressedRoles: Type.Optional(
			Type.Array(Type.String(), {
				description:
					"SUBSCRIBE.suppressed_roles: it subscribes suppressed in these of its roles and gets no offers of them until a REVIVE (e.g. a reviveFramework timeline action).",
				default: [],
			}),
		),
		tasks: SimpleTasksSchema,
	},
	{ additionalProperties: false, description: "A built-in framework that runs `count` identical tasks." },
);

export const ChameleonFrameworkSchema = Type.Object(
	{
		type: Type.Literal("chameleon", { description: 'Framework kind: "simple" or "chameleon".' }),
		name: Type.String({ minLength: 1, description: "Framework name; unique." }),
	},
	{
		additionalProperties: true,
		description: "A chameleon framework; its other fields are kept as-is (validated by the chameleon).",
	},
);

export const FrameworkSchema = Type.Union([SimpleFrameworkSchema, ChameleonFrameworkSchema], {
	description: 'A framework; the field `type` says which kind ("simple" or "chameleon").',
	[X_TYPE]: "framework",
});

export const AgentSelectorSchema = Type.Object(
	{
		group: Type.Optional(Type.String({ description: "Only agents of this group." })),
		count: Type.Optional(count({ description: "This many agents, chosen with the seeded faults stream." })),
		fraction: Type.Optional(
			Type.Number({
				exclusiveMinimum: 0,
				maximum: 1,
				description: "This share of the agents in (0, 1], rounded up.",
			}),
		),
		indices: Type.Optional(
			Type.Array(Type.Integer({ minimum: 0 }), {
				minItems: 1,
				description: "These 0-based agent indices (within the group if one is given).",
			}),
		),
		ids: Type.Optional(
			Type.Array(Type.String({ minLength: 1 }), {
				minItems: 1,
				description: "Agents with these agent ids (as the master gave them).",
			}),
		),
		hostnames: Type.Optional(
			Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: "Agents with these hostnames." }),
		),
		attribute: Type.Optional(
			Type.String({
				pattern: "^[^=]+=.*$",
				description: "Agents whose attribute has this value, written name=value (e.g. rack=r3).",
				[X_EXPECT]: "name=value, e.g. rack=r3",
			}),
		),
	},
	{
		additionalProperties: false,
		description: "Which agents: at most one of count, fraction, indices; none means all (of the group).",
		[X_TYPE]: "agent selector",
	},
);

export const TimelineEventSchema = Type.Object(
	{
		at: duration({ description: "When it happens (simulated time since the start)." }),
		action: oneOf(TIMELINE_ACTIONS, { description: "What happens; see Timeline actions." }),
		agents: Type.Optional(AgentSelectorSchema),
		for: Type.Optional(
			nullableDuration({
				description:
					'crashAgents/partitionAgents: how long until they come back (default null, or "never": not by themselves); flapAgents: the down time (required); restartAgentProcesses: how long the agent process is down (default 5s); disconnectFramework: how long the scheduler stays away (default: for good).',
			}),
		),
		times: Type.Optional(
			Type.Integer({
				minimum: 1,
				description: "flapAgents: number of down/up cycles.",
				default: FLAP_DEFAULTS.times,
			}),
		),
		upFor: Type.Optional(
			duration({ description: "flapAgents: up time between downs (default: same as `for`)." }),
		),
		framework: Type.Optional(
			Type.String({
				description:
					"teardownFramework/reviveFramework/disconnectFramework/uninstallPackage/scalePackage: the framework name.",
			}),
		),
		group: Type.Optional(Type.String({ description: "addAgents: the agent group whose shape they take." })),
		count: Type.Optional(Type.Integer({ minimum: 1, description: "addAgents: how many agents to add." })),
		role: Type.Optional(Type.String({ minLength: 1, description: "updateWeights/updateQuota: the role." })),
		weight: Type.Optional(
			Type.Number({ exclusiveMinimum: 0, description: "updateWeights: the role's new weight." }),
		),
		quota: Type.Optional(
			ScalarQuantitiesSchema({ description: "updateQuota: the role's new quota limits ({} removes it)." }),
		),
		package: Type.Optional(
			Type.String({
				minLength: 1,
				description: "installPackage: the catalog package (see `mesosim package list`).",
			}),
		),
		name: Type.Optional(
			Type.String({
				minLength: 1,
				description: "installPackage: the framework's name (default: the package's name).",
			}),
		),
		spec: Type.Optional(
			Type.Object(
				{},
				{
					additionalProperties: true,
					description: "installPackage: a chameleon spec (the fields of a `type: chameleon` framework).",
				},
			),
		),
		instances: Type.Optional(
			Type.Integer({
				minimum: 0,
				maximum: 100_000,
				description:
					"installPackage: instance count of every group of the package that has one; scalePackage: the new instance count of its main group.",
			}),
		),
	},
	{ additionalProperties: false, description: "A fault or operation at a point in simulated time." },
);

export const ScenarioSchema = Type.Object(
	{
		name: Type.Optional(
			Type.String({
				minLength: 1,
				description: 'Scenario name (default: the file name without extension, else "scenario").',
			}),
		),
		seed: Type.Optional(
			Type.Integer({
				minimum: 0,
				description: "Seed of every random stream; same seed, same report. `--seed` overrides it.",
				default: SCENARIO_DEFAULTS.seed,
			}),
		),
		duration: Type.Optional(
			duration({
				description: "Simulated time to run. `--duration` overrides it.",
				default: SCENARIO_DEFAULTS.duration,
			}),
		),
		master: Type.Optional(MasterSchema),
		agents: Type.Array(AgentGroupSchema, {
			minItems: 1,
			description: "Agent groups (at least one).",
			[X_TYPE]: "list of agent groups",
		}),
		roles: Type.Optional(
			Type.Array(RoleSchema, {
				description: "Role weights and quotas.",
				default: [],
				[X_TYPE]: "list of roles",
			}),
		),
		frameworks: Type.Optional(
			Type.Array(FrameworkSchema, {
				description: "Frameworks.",
				default: [],
				[X_TYPE]: "list of frameworks",
			}),
		),
		timeline: Type.Optional(
			Type.Array(TimelineEventSchema, {
				description: "Faults and operations, in any order.",
				default: [],
				[X_TYPE]: "list of timeline events",
			}),
		),
		script: Type.Optional(
			Type.Array(ScriptStepSchema, {
				description: "Narration played beside the timeline (a lesson); see Script.",
				[X_TYPE]: "list of script steps",
			}),
		),
		lesson: Type.Optional(LessonSchema),
	},
	{ additionalProperties: false, description: "A scenario file." },
);

export type ScenarioInput = Static<typeof ScenarioSchema>;
export type AgentGroupInput = Static<typeof AgentGroupSchema>;
export type RoleInput = Static<typeof RoleSchema>;
export type SimpleFrameworkInput = Static<typeof SimpleFrameworkSchema>;
export type TimelineEventInput = Static<typeof TimelineEventSchema>;
export type MasterInput = Static<typeof MasterSchema>;
export type ScriptStepInput = Static<typeof ScriptStepSchema>;
export type ExpectationInput = Static<typeof ExpectationSchema>;
export type TriggerInput = Static<typeof TriggerSchema>;
export type LessonInput = Static<typeof LessonSchema>;

/** Sections documented in docs/scenario.md, with the schema each table comes from. */
export const DOC_SECTIONS: readonly { title: string; path: string; schema: TSchema }[] = [
	{ title: "Top level", path: "", schema: ScenarioSchema },
	{ title: "master", path: "master.", schema: MasterSchema },
	{ title: "agents[]", path: "agents[].", schema: AgentGroupSchema },
	{ title: "roles[]", path: "roles[].", schema: RoleSchema },
	{ title: 'frameworks[] with type: "simple"', path: "frameworks[].", schema: SimpleFrameworkSchema },
	{ title: "frameworks[].tasks", path: "frameworks[].tasks.", schema: SimpleTasksSchema },
	{ title: 'frameworks[] with type: "chameleon"', path: "frameworks[].", schema: ChameleonFrameworkSchema },
	{ title: "timeline[]", path: "timeline[].", schema: TimelineEventSchema },
	{ title: "timeline[].agents", path: "timeline[].agents.", schema: AgentSelectorSchema },
	{ title: "script[]", path: "script[].", schema: ScriptStepSchema },
	{ title: "script[].on", path: "script[].on.", schema: TriggerSchema },
	{ title: "script[].expect.NAME", path: "script[].expect.NAME.", schema: ExpectationSchema },
	{ title: "script[].highlight", path: "script[].highlight.", schema: HighlightSchema },
	{ title: "lesson", path: "lesson.", schema: LessonSchema },
	{ title: "lesson.exercises[]", path: "lesson.exercises[].", schema: ExerciseSchema },
];
