/**
 * The chameleon spec as the user writes it, in TypeBox, once: validation
 * (compiled in spec/resolve.ts and explained field by field), the input types
 * (`ChameleonSpecInput`, `GroupInput`) and the reference tables of
 * docs/chameleon.md (SPEC_SECTIONS, rendered by reference.ts).
 *
 * Units: a field named `…Ms` is a number of milliseconds; every other time
 * field is a duration ("90s", "5m", "1h30m", or a number of seconds).
 */
import { type Static, type TLiteral, type TProperties, type TSchema, Type } from "typebox";
import { OfferFiltersSchema } from "../../sdk/offer-filters.js";
import {
	durationDistSchema,
	durationSchema,
	numberDistSchema,
	runForSchema,
	X_EXPECT,
	X_TYPE,
} from "../dist.js";
import { PATTERN_NAMES } from "../patterns/index.js";
import { OFFER_POLICY_DEFAULTS } from "./config.js";

function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
	return Type.Union(values.map((v) => Type.Literal(v)) as unknown as [TLiteral<T[number]>], {
		description,
		[X_TYPE]: values.map((v) => JSON.stringify(v)).join(" | "),
	});
}

const ms = (description: string, extra: Record<string, unknown> = {}) =>
	Type.Number({ minimum: 0, description, ...extra });

export const OfferPolicySchema = Type.Object(
	{
		declineRefuseSeconds: Type.Optional(
			Type.Number({
				minimum: 0,
				description:
					"refuse_seconds on offers it has no use for (nothing pending): Marathon 120, SDK services 3600, Jenkins 600.",
				default: OFFER_POLICY_DEFAULTS.declineRefuseSeconds,
			}),
		),
		unfitRefuseSeconds: Type.Optional(
			Type.Number({
				minimum: 0,
				description:
					"refuse_seconds on offers it cannot use while work is pending (too small, constraints unmet); default min(5, declineRefuseSeconds).",
			}),
		),
		suppressWhenIdle: Type.Optional(
			Type.Boolean({
				description: "SUPPRESS its roles when nothing is pending.",
				default: OFFER_POLICY_DEFAULTS.suppressWhenIdle,
			}),
		),
		reviveMinIntervalMs: Type.Optional(
			ms("Two REVIVEs are at least this far apart (Marathon 5000).", {
				default: OFFER_POLICY_DEFAULTS.reviveMinIntervalMs,
			}),
		),
		reviveOnDemand: Type.Optional(
			Type.Boolean({
				description:
					"REVIVE when new work arrives after declines with a filter longer than 5 s (Chronos: false, it waits the filters out). A suppressed framework always revives for new work.",
				default: OFFER_POLICY_DEFAULTS.reviveOnDemand,
			}),
		),
		holdOffersMs: Type.Optional(
			ms(
				"Keep offers it cannot use now for this long before declining them (hoarding: Aurora 300000, k8sm 5000). Default 0, or 300000 when a group uses offerHoarder.",
				{ default: OFFER_POLICY_DEFAULTS.holdOffersMs },
			),
		),
		holdJitterMs: Type.Optional(
			ms("Each held offer is kept up to this much longer, drawn per offer (Aurora 60000).", {
				default: OFFER_POLICY_DEFAULTS.holdJitterMs,
			}),
		),
		maxTasksPerOffer: Type.Optional(
			Type.Integer({
				minimum: 0,
				description: "At most this many tasks from one offer; 0 = no limit (Marathon 5).",
				default: OFFER_POLICY_DEFAULTS.maxTasksPerOffer,
			}),
		),
		acceptPartialGang: Type.Optional(
			Type.Boolean({
				description:
					"gang: keep offers that hold part of a gang until the whole gang fits (the hoarding / deadlock case). A partial gang never launches either way.",
				default: OFFER_POLICY_DEFAULTS.acceptPartialGang,
			}),
		),
	},
	{ additionalProperties: false, description: "How it answers offers.", [X_TYPE]: "offer policy" },
);

export const ThinkTimeSchema = Type.Object(
	{
		perBatchMs: Type.Optional(ms("Time to decide on one batch of offers (Omega t_job).", { default: 0 })),
		perTaskMs: Type.Optional(ms("Extra time per task launched in the batch (Omega t_task).", { default: 0 })),
	},
	{
		additionalProperties: false,
		description:
			"Scheduler think time: replies go out perBatchMs + perTaskMs × tasks after a batch is taken up.",
		[X_TYPE]: "think time",
	},
);

export const ResourcesSchema = Type.Object(
	{
		cpus: Type.Optional(numberDistSchema("CPUs per task (a number, or a distribution drawn per job).")),
		mem: Type.Optional(numberDistSchema("Memory per task in MB.")),
		disk: Type.Optional(numberDistSchema("Disk per task in MB.")),
		gpus: Type.Optional(numberDistSchema("GPUs per task.")),
		ports: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: "Ports per task." })),
	},
	{
		additionalProperties: false,
		description: "Task shape; defaults depend on the pattern.",
		[X_TYPE]: "resources",
	},
);

export const RestartSchema = Type.Object(
	{
		backoffMs: Type.Optional(ms("First restart delay (Marathon 1000).")),
		factor: Type.Optional(
			Type.Number({ minimum: 1, description: "Each consecutive failure multiplies the delay." }),
		),
		capMs: Type.Optional(ms("The delay never exceeds this (Marathon 300000).")),
	},
	{
		additionalProperties: false,
		description: "Restart delay after a task ends: backoffMs × factor^(failures − 1), at most capMs.",
		[X_TYPE]: "restart backoff",
	},
);

export const LifecycleSchema = Type.Object(
	{
		startupDelay: Type.Optional(
			durationDistSchema(
				"Time from launch to TASK_RUNNING (image pull), via the mesosim.io/startup-delay-ms label.",
			),
		),
		runFor: Type.Optional(runForSchema('How long a task runs before it finishes; "infinite" for services.')),
		failureProbability: Type.Optional(
			Type.Number({
				minimum: 0,
				maximum: 1,
				description: "Chance that a task fails instead (drawn per task).",
			}),
		),
		failAfter: Type.Optional(
			durationDistSchema(
				"When a failing task fails: default its drawn run time, or U(1s, 30s) when runFor is infinite.",
			),
		),
		exitCode: Type.Optional(
			Type.Integer({ minimum: 1, maximum: 255, description: "Exit status of a failing task.", default: 1 }),
		),
		retries: Type.Optional(
			Type.Integer({
				minimum: 0,
				description: "Job patterns: relaunches of a failed task (Chronos 2).",
				default: 0,
			}),
		),
		restart: Type.Optional(RestartSchema),
	},
	{
		additionalProperties: false,
		description:
			"How tasks run and end. A task's command says it: `sleep 42.5`, `sleep 12 && exit 1`, `sleep infinity`.",
		[X_TYPE]: "lifecycle",
	},
);

function arrival<K extends string, F extends TProperties>(kind: K, fields: F, description: string) {
	return Type.Object({ kind: Type.Literal(kind), ...fields }, { additionalProperties: false, description });
}

export const ArrivalsSchema = Type.Union(
	[
		arrival(
			"poisson",
			{ ratePerMin: Type.Number({ minimum: 0, description: "Mean arrivals per minute." }) },
			"Poisson arrivals.",
		),
		arrival(
			"diurnal",
			{
				ratePerMin: Type.Number({ minimum: 0 }),
				amplitude: Type.Number({ minimum: 0, maximum: 1 }),
				peakHour: Type.Number({ minimum: 0, maximum: 24 }),
			},
			"Poisson with a daily cycle: rate × (1 + amplitude·sin), peaking at peakHour.",
		),
		arrival(
			"mmpp",
			{
				rates: Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 }),
				meanSojournMs: Type.Union([
					ms("Mean time in each state."),
					Type.Array(ms("per state"), { minItems: 1 }),
				]),
			},
			"Markov-modulated Poisson (bursts): rates per minute per state, exponential sojourns.",
		),
		arrival(
			"cron",
			{
				every: durationSchema("Period between ticks."),
				at: Type.Optional(durationSchema("Offset of the first tick.")),
				jitterMs: Type.Optional(ms("Each job of a tick starts up to this much later.")),
			},
			"Ticks at at + k × every.",
		),
	],
	{
		description: "How jobs arrive: {kind: poisson|diurnal|mmpp|cron, …}.",
		[X_TYPE]: "arrivals",
		[X_EXPECT]: "an arrival process {kind: poisson|diurnal|mmpp|cron, …}",
	},
);

export const ElasticSchema = Type.Object(
	{
		min: Type.Integer({ minimum: 0, description: "Fewest instances." }),
		max: Type.Integer({ minimum: 0, description: "Most instances." }),
		periodMs: Type.Number({ exclusiveMinimum: 0, description: "Length of one min→max→min cycle." }),
		shape: Type.Optional(oneOf(["step", "ramp"] as const, "step: min then max; ramp: linear up then down.")),
	},
	{ additionalProperties: false, description: "The target instance count over time.", [X_TYPE]: "elastic" },
);

const ConstraintSchema = Type.Array(Type.Union([Type.String(), Type.Number()]), {
	minItems: 2,
	[X_TYPE]: "[field, operator, value?]",
	[X_EXPECT]: 'a constraint [field, operator, value?] such as ["hostname", "UNIQUE"]',
});

export const GroupSchema = Type.Object(
	{
		name: Type.String({
			minLength: 1,
			description: "Group name; unique in the framework; task names start with it.",
		}),
		pattern: oneOf(PATTERN_NAMES, "The workload pattern (see Patterns)."),
		role: Type.Optional(
			Type.String({ description: "Only offers of this role (one of the framework's roles)." }),
		),
		instances: Type.Optional(
			Type.Integer({ minimum: 0, description: "How many tasks (services) or gangs." }),
		),
		count: Type.Optional(Type.Integer({ minimum: 0, description: "Same as instances." })),
		resources: Type.Optional(ResourcesSchema),
		constraints: Type.Optional(
			Type.Array(ConstraintSchema, {
				description: 'Marathon constraints: [["hostname", "UNIQUE"], ["rack", "MAX_PER", 2], …].',
				[X_TYPE]: "list of constraints",
			}),
		),
		lifecycle: Type.Optional(LifecycleSchema),
		after: Type.Optional(
			Type.String({ description: "Start only when this group has all its tasks running." }),
		),
		arrivals: Type.Optional(ArrivalsSchema),
		maxJobs: Type.Optional(Type.Integer({ minimum: 0, description: "Stop after this many arrivals." })),
		tasksPerJob: Type.Optional(numberDistSchema("Tasks per job (rounded, at least 1).")),
		jobsPerTick: Type.Optional(Type.Integer({ minimum: 1, description: "cronBurst: jobs at each tick." })),
		concurrencyPolicy: Type.Optional(
			oneOf(["ALLOW", "FORBID"] as const, "cronBurst: FORBID skips a tick while the previous jobs run."),
		),
		startingDeadline: Type.Optional(durationSchema("cronBurst: a job not started by then is dropped.")),
		gangSize: Type.Optional(
			Type.Integer({ minimum: 1, description: "gang: tasks per gang, all or nothing." }),
		),
		gangTimeout: Type.Optional(
			durationSchema("gang: a gang not placed by then fails (and the offers held for it are released)."),
		),
		elastic: Type.Optional(ElasticSchema),
		scale: Type.Optional(
			oneOf(
				["cpus", "slots", "none"] as const,
				"greedyGrabber: how a task grows with the offer: all its cpus (Spark), whole slots (Hadoop), or not.",
			),
		),
		maxSlotsPerTask: Type.Optional(
			Type.Integer({ minimum: 1, description: "greedyGrabber: slots per task." }),
		),
		cpusMax: Type.Optional(
			Type.Number({ exclusiveMinimum: 0, description: "greedyGrabber: total cpus cap (cores.max)." }),
		),
		idleTimeout: Type.Optional(durationSchema("burstyQueue: an idle agent task is killed after this.")),
		maxAgents: Type.Optional(
			Type.Integer({ minimum: 1, description: "burstyQueue: most agent tasks at once." }),
		),
		stickyTimeout: Type.Optional(
			durationSchema("stateful: how long a relaunch waits for its previous agent before going anywhere."),
		),
		trace: Type.Optional(
			Type.Union(
				[
					Type.String({ minLength: 1 }),
					Type.Array(Type.Array(Type.Number({ minimum: 0 }), { minItems: 4, maxItems: 4 }), { minItems: 1 }),
				],
				{
					description:
						"traceReplay: a CSV file (arrival_s,duration_s,cpus,mem; header optional) or inline rows [[arrival_s, duration_s, cpus, mem], …].",
					[X_TYPE]: "path | rows",
					[X_EXPECT]: "a CSV path or a list of [arrival_s, duration_s, cpus, mem] rows",
				},
			),
		),
		timeScale: Type.Optional(
			Type.Number({ exclusiveMinimum: 0, description: "traceReplay: multiply trace times by this." }),
		),
	},
	{ additionalProperties: false, description: "A group of tasks following one pattern." },
);

export const ChameleonSpecSchema = Type.Object(
	{
		name: Type.Optional(
			Type.String({ minLength: 1, description: "Framework name (in a scenario: the entry's name)." }),
		),
		description: Type.Optional(Type.String({ description: "Free text." })),
		package: Type.Optional(
			Type.String({ description: "A catalog entry to impersonate; your fields are deep-merged over it." }),
		),
		file: Type.Optional(
			Type.String({
				minLength: 1,
				description:
					"A YAML or JSON file holding a chameleon spec; the entry's own fields are deep-merged over it.",
			}),
		),
		role: Type.Optional(Type.String({ description: "Its role.", default: "*", [X_TYPE]: "role name" })),
		roles: Type.Optional(
			Type.Array(Type.String(), { minItems: 1, description: "Several roles (MULTI_ROLE); instead of role." }),
		),
		user: Type.Optional(Type.String({ description: "FrameworkInfo.user.", default: "root" })),
		failoverTimeout: Type.Optional(durationSchema("FrameworkInfo.failover_timeout.", { default: 0 })),
		partitionAware: Type.Optional(
			Type.Boolean({ description: "PARTITION_AWARE capability.", default: false }),
		),
		checkpoint: Type.Optional(Type.Boolean({ description: "FrameworkInfo.checkpoint.", default: false })),
		startAt: Type.Optional(durationSchema("When it subscribes (simulated time).", { default: 0 })),
		startAtMs: Type.Optional(ms("startAt in ms (startAt wins when both are given).")),
		latencyMs: Type.Optional(ms("One-way latency of its transport.", { default: 0 })),
		offerFilters: Type.Optional(OfferFiltersSchema),
		suppressedRoles: Type.Optional(
			Type.Array(Type.String(), {
				description:
					"SUBSCRIBE.suppressed_roles: it subscribes suppressed in these of its roles and revives when it has work.",
				default: [],
			}),
		),
		offerPolicy: Type.Optional(OfferPolicySchema),
		thinkTime: Type.Optional(ThinkTimeSchema),
		groups: Type.Array(GroupSchema, {
			minItems: 1,
			description:
				"Its task groups. With a package, a map {groupName: fields} merges into the package's groups of those names.",
			[X_TYPE]: "list of groups",
		}),
	},
	{ additionalProperties: false, description: "A chameleon framework." },
);

export type ChameleonSpecInput = Static<typeof ChameleonSpecSchema>;
export type GroupInput = Static<typeof GroupSchema>;
export type LifecycleInput = Static<typeof LifecycleSchema>;

/** Sections of the reference in docs/chameleon.md. */
export const SPEC_SECTIONS: readonly { title: string; path: string; schema: TSchema }[] = [
	{ title: "Framework", path: "", schema: ChameleonSpecSchema },
	{ title: "offerPolicy", path: "offerPolicy.", schema: OfferPolicySchema },
	{ title: "thinkTime", path: "thinkTime.", schema: ThinkTimeSchema },
	{ title: "groups[]", path: "groups[].", schema: GroupSchema },
	{ title: "groups[].resources", path: "groups[].resources.", schema: ResourcesSchema },
	{ title: "groups[].lifecycle", path: "groups[].lifecycle.", schema: LifecycleSchema },
	{ title: "groups[].lifecycle.restart", path: "groups[].lifecycle.restart.", schema: RestartSchema },
	{ title: "groups[].elastic", path: "groups[].elastic.", schema: ElasticSchema },
];

/** Group fields every pattern takes; a pattern lists its others in its meta's `fields`. */
export const COMMON_GROUP_FIELDS = [
	"name",
	"pattern",
	"role",
	"resources",
	"constraints",
	"lifecycle",
	"after",
] as const;
