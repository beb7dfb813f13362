/**
 * The chameleon spec, written once in TypeBox: validation (compiled with
 * typebox/compile, explained field by field), the input type
 * (`ChameleonSpecInput`) and the reference tables of docs/chameleon.md.
 *
 * Units: a field named `…Ms` is a number of milliseconds; every other time
 * field is a duration ("90s", "5m", "1h30m", or a number of seconds).
 *
 * resolveChameleonSpec: raw fields -> ChameleonConfig. Steps: the `package`
 * (a catalog entry) is deep-merged under the user's fields (objects merge,
 * arrays replace; `groups` written as a map by name merges into the
 * package's groups of those names); each group gets its pattern's defaults
 * under its own fields; the schema decides the shape; then the meaning
 * (durations, distributions, constraints, pattern fields, cross-references).
 * All problems are reported together as one SimError SIM_ERR_SCENARIO_INVALID
 * whose lines name each field by JSON pointer.
 */
import { type Static, type TLiteral, type TProperties, type TSchema, Type } from "typebox";
import { Compile } from "typebox/compile";
import { isSimError, SimError } from "../../common/errors.js";
import { parseDuration } from "../../common/schema/duration.js";
import { explain } from "../../common/schema/explain.js";
import { IssueList, issuesError, type Locator, type Path } from "../../common/schema/issues.js";
import { editDistance, roleNameProblem, suggestion } from "../../common/schema/names.js";
import { parseSource } from "../../common/schema/source.js";
import type { Arrivals } from "./arrivals.js";
import { CATALOG, type CatalogEntry } from "./catalog/index.js";
import { type Constraint, parseConstraint } from "./constraints.js";
import {
	type Dist,
	durationDistSchema,
	durationSchema,
	numberDistSchema,
	type RawDist,
	resolveDist,
	runForSchema,
	X_EXPECT,
	X_TYPE,
} from "./dist.js";
import { PATTERN_NAMES, PATTERNS, type PatternName } from "./patterns/index.js";
import { parseTrace, type TraceRow } from "./trace.js";

// ---- schema -------------------------------------------------------------------

function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
	return Type.Union(values.map((v) => Type.Literal(v)) as unknown as [TLiteral<T[number]>], {
		description,
		[X_TYPE]: values.map((v) => JSON.stringify(v)).join(" | "),
	});
}

const ms = (description: string, extra: Record<string, unknown> = {}) =>
	Type.Number({ minimum: 0, description, ...extra });

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

/** Hold defaults when a group uses the offerHoarder pattern (Aurora: 5 min + up to 1 min). */
export const HOARDER_HOLD = { holdOffersMs: 300_000, holdJitterMs: 60_000 } as const;

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

// ---- resolved config ------------------------------------------------------------

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
}

// ---- merging ----------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `over` deep-merged over `base`: objects merge, arrays and scalars replace;
 * an object with a `kind` (a distribution, an arrival process) is replaced
 * whole. Inputs are not modified.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
	if (over === undefined) return clone(base);
	if (!isPlainObject(base) || !isPlainObject(over) || "kind" in over) return clone(over);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(base)) out[k] = clone(v);
	for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : clone(v);
	return out;
}

function clone(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(clone);
	if (isPlainObject(v)) {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) out[k] = clone(x);
		return out;
	}
	return v;
}

/** Catalog names closest to `name` (edit distance, then prefix), best first. */
export function closeMatches(name: string, candidates: readonly string[], max = 3): string[] {
	const lower = name.toLowerCase();
	const scored = candidates
		.map((c) => {
			const d = editDistance(lower, c.toLowerCase());
			const prefix = c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase());
			return { c, d: prefix ? Math.min(d, 1) : d };
		})
		.filter((x) => x.d <= Math.max(2, Math.floor(Math.max(name.length, x.c.length) / 3)))
		.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1));
	return scored.slice(0, max).map((x) => x.c);
}

export function unknownPackageMessage(name: string): string {
	const names = Object.keys(CATALOG);
	const close = closeMatches(name, names);
	const hint = close.length > 0 ? `; close matches: ${close.join(", ")}` : `; available: ${names.join(", ")}`;
	return `unknown package ${JSON.stringify(name)}${hint} (see \`mesosim package list\`)`;
}

export function findPackage(name: string): CatalogEntry | undefined {
	return Object.hasOwn(CATALOG, name) ? CATALOG[name] : undefined;
}

export interface ResolveOptions {
	/** Path of the spec in the scenario (e.g. ["frameworks", 2]); prefixes every JSON pointer. */
	path?: Path;
	/** Source name for messages. */
	sourceName?: string;
	/** Reads a spec `file` or a trace file (traceReplay). Without it a path is an error. */
	readText?: (path: string) => string;
	/** Maps a path in the raw spec to its line (a standalone spec file). */
	locate?: Locator;
}

const compile = () => Compile(ChameleonSpecSchema);
let compiled: ReturnType<typeof compile> | undefined;
/** Compiled on first use, then reused. */
function validator(): ReturnType<typeof compile> {
	compiled ??= compile();
	return compiled;
}

/**
 * The user's raw fields with the package merged in and pattern defaults
 * applied to each group. Throws SimError for an unknown package or a
 * `groups` map naming a group the package does not have.
 */
export function expandSpec(raw: Record<string, unknown>, path: Path = []): Record<string, unknown> {
	const issues = new IssueList();
	let merged: Record<string, unknown> = raw;
	const pkg = raw.package;
	if (typeof pkg === "string") {
		const entry = findPackage(pkg);
		if (entry === undefined) {
			issues.add([...path, "package"], unknownPackageMessage(pkg));
			throw issuesError(issues.issues);
		}
		const { groups: userGroups, ...rest } = raw;
		const base = clone(entry.spec) as Record<string, unknown>;
		merged = deepMerge(base, rest) as Record<string, unknown>;
		if (isPlainObject(userGroups)) {
			const groups = (base.groups as Record<string, unknown>[]).map(
				(g) => clone(g) as Record<string, unknown>,
			);
			const names = groups.map((g) => String(g.name));
			for (const [name, fields] of Object.entries(userGroups)) {
				const k = names.indexOf(name);
				if (k < 0) {
					issues.add(
						[...path, "groups", name],
						`package ${JSON.stringify(pkg)} has no group ${JSON.stringify(name)}${suggestion(name, names)} (its groups: ${names.join(", ")})`,
						{ anchor: "key" },
					);
					continue;
				}
				groups[k] = deepMerge(groups[k], fields) as Record<string, unknown>;
			}
			if (issues.length > 0) throw issuesError(issues.issues);
			merged.groups = groups;
		} else if (userGroups !== undefined) merged.groups = clone(userGroups);
		merged.package = pkg;
	}
	const groups = merged.groups;
	if (Array.isArray(groups)) {
		merged = {
			...merged,
			groups: groups.map((g) => {
				if (!isPlainObject(g) || typeof g.pattern !== "string") return g;
				const meta = PATTERNS[g.pattern as PatternName];
				return meta === undefined ? g : deepMerge(meta.defaults, g);
			}),
		};
	}
	return merged;
}

/** Validates and resolves a chameleon spec. Throws SimError SIM_ERR_SCENARIO_INVALID naming each wrong field. */
export function resolveChameleonSpec(
	raw: Record<string, unknown>,
	name: string,
	options: ResolveOptions = {},
): ChameleonConfig {
	const path = options.path ?? [];
	let input: Record<string, unknown>;
	try {
		input = expandSpec(withFile(raw, path, options), path);
	} catch (err) {
		if (isSimError(err) && options.sourceName !== undefined) throw retitle(err, options.sourceName);
		throw err;
	}
	const issues = new IssueList(options.locate);
	if (input.groups === undefined && input.package === undefined) {
		issues.add(path, 'a chameleon needs "groups" or a "package" (see `mesosim package list`)');
		throw issuesError(issues.issues, options.sourceName);
	}
	if (!validator().Check(input)) {
		explain(ChameleonSpecSchema, input, path, issues);
		if (issues.length === 0) {
			for (const e of validator().Errors(input).slice(0, 5)) {
				const p = e.instancePath.split("/").slice(1);
				issues.add([...path, ...p], e.message);
			}
		}
		throw issuesError(issues.issues, options.sourceName);
	}
	const config = new Resolver(issues, path, options).resolve(input as ChameleonSpecInput, name);
	if (issues.length > 0) throw issuesError(issues.issues, options.sourceName);
	return config;
}

/** The fields of `raw.file` (a YAML/JSON spec) with the entry's own fields deep-merged over them. */
function withFile(
	raw: Record<string, unknown>,
	path: Path,
	options: ResolveOptions,
): Record<string, unknown> {
	const file = raw.file;
	if (typeof file !== "string") return raw;
	const { file: _file, ...rest } = raw;
	const fail = (message: string): never => {
		const issues = new IssueList();
		issues.add([...path, "file"], message);
		throw issuesError(issues.issues);
	};
	if (options.readText === undefined) return fail("spec files cannot be read here; write the spec inline");
	let text = "";
	try {
		text = options.readText(file);
	} catch (err) {
		fail(`cannot read ${JSON.stringify(file)}: ${(err as Error).message}`);
	}
	const value = parseSource(text, file).value;
	if (!isPlainObject(value))
		return fail(`${file} must hold a chameleon spec (an object with groups or a package)`);
	return deepMerge(value, rest) as Record<string, unknown>;
}

/**
 * Parses and resolves a standalone chameleon spec (YAML or JSON text). Its
 * `name` names the framework (default: the file name without extension).
 * Problems carry the file name and line.
 */
export function parseChameleonSpec(
	text: string,
	sourceName: string,
	options: Omit<ResolveOptions, "locate" | "sourceName" | "path"> = {},
): ChameleonConfig {
	const { value, locate } = parseSource(text, sourceName);
	if (!isPlainObject(value)) {
		const issues = new IssueList();
		issues.add([], "a chameleon spec file holds one object (name, groups or package, …)");
		throw issuesError(issues.issues, sourceName);
	}
	const stem = sourceName.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
	const name = typeof value.name === "string" && value.name !== "" ? value.name : stem || "chameleon";
	return resolveChameleonSpec(value, name, { ...options, locate, sourceName });
}

function retitle(err: SimError, sourceName: string): SimError {
	return new SimError(
		err.code,
		`${sourceName}: ${err.message}`,
		err.details === undefined ? {} : { details: err.details },
	);
}

class Resolver {
	readonly #issues: IssueList;
	readonly #path: Path;
	readonly #options: ResolveOptions;

	constructor(issues: IssueList, path: Path, options: ResolveOptions) {
		this.#issues = issues;
		this.#path = path;
		this.#options = options;
	}

	#add(p: Path, message: string): void {
		this.#issues.add([...this.#path, ...p], message);
	}

	#duration(raw: unknown, p: Path): number {
		try {
			return parseDuration(raw as string | number);
		} catch (err) {
			if (!isSimError(err)) throw err;
			this.#issues.add([...this.#path, ...p], err.message, { code: err.code });
			return 0;
		}
	}

	#dist(raw: RawDist | undefined, p: Path, kind: "number" | "duration", fallback: Dist): Dist {
		if (raw === undefined) return fallback;
		const unit =
			kind === "duration"
				? (v: unknown, sub: (string | number)[]) => this.#duration(v, [...p, ...sub])
				: (v: unknown) => Number(v);
		return resolveDist(raw, unit, (sub, message) => this.#add([...p, ...sub], message)) ?? fallback;
	}

	resolve(s: ChameleonSpecInput, name: string): ChameleonConfig {
		if (s.role !== undefined && s.roles !== undefined)
			this.#add(["roles"], "give either role or roles, not both");
		const roles = s.roles ?? [s.role ?? "*"];
		roles.forEach((r, k) => {
			const problem = roleNameProblem(r);
			if (problem !== null)
				this.#add(
					s.roles !== undefined ? ["roles", k] : ["role"],
					`invalid role ${JSON.stringify(r)}: ${problem}`,
				);
		});
		const groups = s.groups.map((g, k) => this.#group(g, ["groups", k], roles));
		const names = groups.map((g) => g.name);
		names.forEach((n, k) => {
			if (names.indexOf(n) !== k)
				this.#add(["groups", k, "name"], `duplicate group name ${JSON.stringify(n)}`);
		});
		groups.forEach((g, k) => {
			if (g.after === null) return;
			if (!names.includes(g.after))
				this.#add(
					["groups", k, "after"],
					`unknown group ${JSON.stringify(g.after)}${suggestion(g.after, names)}`,
				);
			else if (g.after === g.name) this.#add(["groups", k, "after"], "a group cannot wait for itself");
		});
		this.#checkAfterCycles(groups);
		const p = s.offerPolicy ?? {};
		const hoarder = groups.some((g) => g.pattern === "offerHoarder");
		const decline = p.declineRefuseSeconds ?? OFFER_POLICY_DEFAULTS.declineRefuseSeconds;
		const offerPolicy: OfferPolicy = {
			declineRefuseSeconds: decline,
			unfitRefuseSeconds: p.unfitRefuseSeconds ?? Math.min(5, decline),
			suppressWhenIdle: p.suppressWhenIdle ?? OFFER_POLICY_DEFAULTS.suppressWhenIdle,
			reviveMinIntervalMs: p.reviveMinIntervalMs ?? OFFER_POLICY_DEFAULTS.reviveMinIntervalMs,
			reviveOnDemand: p.reviveOnDemand ?? OFFER_POLICY_DEFAULTS.reviveOnDemand,
			holdOffersMs:
				p.holdOffersMs ?? (hoarder ? HOARDER_HOLD.holdOffersMs : OFFER_POLICY_DEFAULTS.holdOffersMs),
			holdJitterMs:
				p.holdJitterMs ?? (hoarder ? HOARDER_HOLD.holdJitterMs : OFFER_POLICY_DEFAULTS.holdJitterMs),
			maxTasksPerOffer: p.maxTasksPerOffer ?? OFFER_POLICY_DEFAULTS.maxTasksPerOffer,
			acceptPartialGang: p.acceptPartialGang ?? OFFER_POLICY_DEFAULTS.acceptPartialGang,
		};
		const startAtMs =
			s.startAt !== undefined ? this.#duration(s.startAt, ["startAt"]) : Math.round(s.startAtMs ?? 0);
		return {
			name,
			package: s.package ?? null,
			description: s.description ?? "",
			roles,
			user: s.user ?? "root",
			failoverTimeoutMs: this.#duration(s.failoverTimeout ?? 0, ["failoverTimeout"]),
			partitionAware: s.partitionAware ?? false,
			checkpoint: s.checkpoint ?? false,
			startAtMs,
			latencyMs: Math.round(s.latencyMs ?? 0),
			offerPolicy,
			thinkTime: { perBatchMs: s.thinkTime?.perBatchMs ?? 0, perTaskMs: s.thinkTime?.perTaskMs ?? 0 },
			groups,
		};
	}

	#checkAfterCycles(groups: GroupConfig[]): void {
		const byName = new Map(groups.map((g) => [g.name, g]));
		groups.forEach((g, k) => {
			const seen = new Set<string>([g.name]);
			let cur = g.after === null ? undefined : byName.get(g.after);
			while (cur !== undefined && cur.after !== null) {
				if (seen.has(cur.after)) {
					if (cur.after === g.name)
						this.#add(["groups", k, "after"], `"after" makes a cycle through ${JSON.stringify(cur.name)}`);
					return;
				}
				seen.add(cur.name);
				cur = byName.get(cur.after);
			}
		});
	}

	#group(g: GroupInput, p: Path, roles: string[]): GroupConfig {
		const meta = PATTERNS[g.pattern];
		const allowed = new Set<string>([...COMMON_FIELDS, ...meta.fields]);
		for (const key of Object.keys(g)) {
			if (!allowed.has(key))
				this.#issues.add(
					[...this.#path, ...p, key],
					`"${key}" does not apply to pattern ${g.pattern} (it takes ${[...meta.fields].map((f) => `"${f}"`).join(", ") || "only the common fields"})`,
					{ anchor: "key" },
				);
		}
		if (g.role !== undefined && !roles.includes(g.role))
			this.#add(
				[...p, "role"],
				`role ${JSON.stringify(g.role)} is not one of the framework's roles (${roles.join(", ")})`,
			);
		if (g.instances !== undefined && g.count !== undefined && g.instances !== g.count)
			this.#add([...p, "count"], "give either instances or count (they mean the same)");
		const r = g.resources ?? {};
		const zero: Dist = { kind: "const", value: 0 };
		const resources: ResourceDists = {
			cpus: this.#dist(r.cpus as RawDist | undefined, [...p, "resources", "cpus"], "number", zero),
			mem: this.#dist(r.mem as RawDist | undefined, [...p, "resources", "mem"], "number", zero),
			disk: this.#dist(r.disk as RawDist | undefined, [...p, "resources", "disk"], "number", zero),
			gpus: this.#dist(r.gpus as RawDist | undefined, [...p, "resources", "gpus"], "number", zero),
			ports: r.ports ?? 0,
		};
		if (
			resources.cpus.kind === "const" &&
			resources.mem.kind === "const" &&
			resources.cpus.value + resources.mem.value <= 0
		)
			this.#add([...p, "resources"], "a task needs some resources: give cpus or mem greater than 0");
		const constraints: Constraint[] = [];
		(g.constraints ?? []).forEach((c, k) => {
			const parsed = parseConstraint(c);
			if ("problem" in parsed) this.#add([...p, "constraints", k, parsed.index], parsed.problem);
			else constraints.push(parsed);
		});
		if (
			g.pattern === "constrainedPlacement" &&
			constraints.length === 0 &&
			(g.constraints ?? []).length === 0
		)
			this.#add([...p, "constraints"], "constrainedPlacement needs at least one constraint");
		if (
			g.pattern === "bigNodeTasks" &&
			!constraints.some(
				(c) => c.field === "hostname" && (c.op === "UNIQUE" || (c.op === "MAX_PER" && c.max === 1)),
			)
		)
			constraints.unshift({ field: "hostname", op: "UNIQUE" });
		const lifecycle = this.#lifecycle(g.lifecycle ?? {}, [...p, "lifecycle"]);
		const arrivals = this.#arrivals(g.arrivals, [...p, "arrivals"]);
		if (meta.needsArrivals && arrivals === null)
			this.#add([...p, "arrivals"], `${g.pattern} needs "arrivals"`);
		if (g.pattern === "cronBurst" && arrivals !== null && arrivals.kind !== "cron")
			this.#add(
				[...p, "arrivals", "kind"],
				`cronBurst arrivals must be of kind "cron" (got "${arrivals.kind}")`,
			);
		let elastic: GroupConfig["elastic"] = null;
		if (g.elastic !== undefined) {
			elastic = {
				min: g.elastic.min,
				max: g.elastic.max,
				periodMs: g.elastic.periodMs,
				shape: g.elastic.shape ?? "step",
			};
			if (elastic.min > elastic.max) this.#add([...p, "elastic", "max"], `must be >= min (${elastic.min})`);
		} else if (g.pattern === "elasticScale")
			this.#add([...p, "elastic"], 'elasticScale needs "elastic" {min, max, periodMs}');
		if (g.pattern === "gang" && g.gangSize === undefined)
			this.#add([...p, "gangSize"], 'gang needs "gangSize"');
		let trace: TraceRow[] = [];
		if (g.pattern === "traceReplay") {
			if (g.trace === undefined) this.#add([...p, "trace"], 'traceReplay needs "trace" (a CSV path or rows)');
			else trace = this.#trace(g.trace, [...p, "trace"]);
		}
		const tasksPerJob = this.#dist(g.tasksPerJob as RawDist | undefined, [...p, "tasksPerJob"], "number", {
			kind: "const",
			value: 1,
		});
		return {
			name: g.name,
			pattern: g.pattern,
			role: g.role ?? null,
			instances: g.instances ?? g.count ?? meta.defaultInstances,
			resources,
			constraints,
			lifecycle,
			after: g.after ?? null,
			arrivals,
			jitterMs: g.arrivals?.kind === "cron" ? (g.arrivals.jitterMs ?? 0) : 0,
			maxJobs: g.maxJobs ?? Number.POSITIVE_INFINITY,
			tasksPerJob,
			jobsPerTick: g.jobsPerTick ?? 1,
			concurrencyPolicy: g.concurrencyPolicy ?? "ALLOW",
			startingDeadlineMs:
				g.startingDeadline === undefined
					? null
					: this.#duration(g.startingDeadline, [...p, "startingDeadline"]),
			gangSize: g.gangSize ?? 1,
			gangTimeoutMs:
				g.gangTimeout === undefined ? null : this.#duration(g.gangTimeout, [...p, "gangTimeout"]),
			elastic,
			scale: g.scale ?? "slots",
			maxSlotsPerTask: g.maxSlotsPerTask ?? Number.POSITIVE_INFINITY,
			cpusMax: g.cpusMax ?? Number.POSITIVE_INFINITY,
			idleTimeoutMs: this.#duration(g.idleTimeout ?? "3m", [...p, "idleTimeout"]),
			maxAgents: g.maxAgents ?? Number.POSITIVE_INFINITY,
			stickyTimeoutMs: this.#duration(g.stickyTimeout ?? "5m", [...p, "stickyTimeout"]),
			trace,
			timeScale: g.timeScale ?? 1,
		};
	}

	#lifecycle(l: LifecycleInput, p: Path): Lifecycle {
		const d = (raw: unknown, k: string, fallback: Dist) =>
			this.#dist(raw as RawDist | undefined, [...p, k], "duration", fallback);
		const runFor = l.runFor === "infinite" ? null : d(l.runFor, "runFor", { kind: "const", value: 60_000 });
		const rs = l.restart ?? {};
		return {
			startupDelay: d(l.startupDelay, "startupDelay", { kind: "const", value: 0 }),
			runFor,
			failureProbability: l.failureProbability ?? 0,
			failAfter: l.failAfter === undefined ? null : d(l.failAfter, "failAfter", { kind: "const", value: 0 }),
			exitCode: l.exitCode ?? 1,
			retries: l.retries ?? 0,
			restart: {
				backoffMs: rs.backoffMs ?? RESTART_DEFAULT.backoffMs,
				factor: rs.factor ?? RESTART_DEFAULT.factor,
				capMs: rs.capMs ?? RESTART_DEFAULT.capMs,
			},
		};
	}

	#arrivals(a: GroupInput["arrivals"], p: Path): Arrivals | null {
		if (a === undefined) return null;
		switch (a.kind) {
			case "poisson":
				return { kind: "poisson", ratePerMin: a.ratePerMin as number };
			case "diurnal":
				return {
					kind: "diurnal",
					ratePerMin: a.ratePerMin as number,
					amplitude: a.amplitude as number,
					peakHour: a.peakHour as number,
				};
			case "mmpp": {
				const rates = a.rates as number[];
				const raw = a.meanSojournMs as number | number[];
				const sojourn = Array.isArray(raw) ? raw : [raw];
				if (sojourn.length !== 1 && sojourn.length !== rates.length)
					this.#add([...p, "meanSojournMs"], `give one sojourn, or one per rate (${rates.length})`);
				if (sojourn.some((x) => x <= 0))
					this.#add([...p, "meanSojournMs"], "sojourns must be greater than 0");
				return { kind: "mmpp", rates, meanSojournMs: sojourn.map((x) => Math.max(1, x)) };
			}
			case "cron": {
				const everyMs = this.#duration(a.every, [...p, "every"]);
				if (everyMs <= 0) this.#add([...p, "every"], "must be longer than 0");
				return {
					kind: "cron",
					everyMs: Math.max(1, everyMs),
					atMs: a.at === undefined ? 0 : this.#duration(a.at, [...p, "at"]),
					jitterMs: (a.jitterMs as number | undefined) ?? 0,
				};
			}
			default:
				return null;
		}
	}

	#trace(t: string | number[][], p: Path): TraceRow[] {
		let rows: TraceRow[];
		if (typeof t === "string") {
			const read = this.#options.readText;
			if (read === undefined) {
				this.#add(p, "trace files cannot be read here; give the rows inline");
				return [];
			}
			let text: string;
			try {
				text = read(t);
			} catch (err) {
				this.#add(p, `cannot read trace file ${JSON.stringify(t)}: ${(err as Error).message}`);
				return [];
			}
			const parsed = parseTrace(text);
			if ("error" in parsed) {
				this.#add(p, `${t}:${parsed.line}: ${parsed.error}`);
				return [];
			}
			rows = parsed.rows;
		} else
			rows = t.map(([a, d, c, m]) => ({ arrivalMs: a! * 1000, durationMs: d! * 1000, cpus: c!, mem: m! }));
		rows.forEach((r, k) => {
			if (r.cpus + r.mem <= 0)
				this.#add(typeof t === "string" ? p : [...p, k], "a trace row needs cpus or mem > 0");
		});
		return rows.slice().sort((a, b) => a.arrivalMs - b.arrivalMs);
	}
}

const COMMON_FIELDS = ["name", "pattern", "role", "resources", "constraints", "lifecycle", "after"] as const;

export { COMMON_FIELDS };

/** Whether a value is a schema-valid spec shape (no semantic checks); used by tools. */
export function checkShape(value: unknown): boolean {
	return validator().Check(value);
}

export type { CatalogEntry };
