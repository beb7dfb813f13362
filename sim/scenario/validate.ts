/**
 * validateScenario: input value -> fully resolved Scenario. Two passes:
 *  1. shape: the TypeBox schema (compiled once) decides; if it fails, explain.ts
 *     lists every wrong field;
 *  2. meaning: defaults, durations -> ms, port specs -> ranges, templates and
 *     commands compile, role/group names, unique names, cross-references
 *     (timeline groups and frameworks), per-action timeline fields.
 * Problems from a pass are all reported together as one SimError.
 */
import { basename, extname } from "node:path";
import { Compile } from "typebox/compile";
import { compileTemplate, isTemplate, parseCommand, UNDERSTOOD_SUBSET } from "../../agents/index.js";
import { isSimError } from "../../common/errors.js";
import {
	formatCount,
	LIMITS,
	limitTail,
	nameLengthProblem,
	nestingDepth,
	quoteName,
} from "../../common/limits.js";
import { parseDuration } from "../../common/schema/duration.js";
import { explain } from "../../common/schema/explain.js";
import { IssueList, issuesError, type Locator, type Path } from "../../common/schema/issues.js";
import { groupNameProblem, roleNameProblem } from "../../common/schema/names.js";
import { suggestion } from "../../common/suggest.js";
import { PACKAGE_NAMES } from "../../frameworks/chameleon/index.js";
import { copyOfferFilters, subscribeRoleProblems } from "../../frameworks/sdk/offer-filters.js";
import { normalizeRanges } from "../../master/protocol/resources.js";
import {
	AGENT_DEFAULTS,
	type AgentGroupInput,
	FLAP_DEFAULTS,
	FRAMEWORK_DEFAULTS,
	MASTER_DEFAULTS,
	type MasterInput,
	ROLE_DEFAULTS,
	type RoleInput,
	SCENARIO_DEFAULTS,
	type ScenarioInput,
	ScenarioSchema,
	type SimpleFrameworkInput,
	TASK_DEFAULTS,
	type TimelineEventInput,
	TimelineEventSchema,
} from "./schema.js";
import { ScriptResolver } from "./script-validate.js";
import type {
	AgentGroup,
	AgentSelector,
	FrameworkSpec,
	MasterConfig,
	Range,
	RoleSpec,
	ScalarQuantities,
	ScalarResourceName,
	Scenario,
	SimpleFrameworkSpec,
	TimelineAction,
	TimelineEvent,
} from "./types.js";

export interface ValidateOptions {
	/** File name for messages and the default scenario name. */
	sourceName?: string;
	/** Maps a path to its line in the source (from parseSource). */
	locate?: Locator;
}

const compile = () => Compile(ScenarioSchema);
let compiled: ReturnType<typeof compile> | undefined;
/** Compiled on first use (a few ms), then reused. */
function validator(): ReturnType<typeof compile> {
	compiled ??= compile();
	return compiled;
}

const SCALARS: readonly ScalarResourceName[] = ["cpus", "mem", "disk", "gpus"];
const NULL_WORDS = new Set(["none", "never"]);
/** Mesos's MIN_AGENT_REREGISTER_TIMEOUT (src/master/constants.hpp). */
const MIN_AGENT_REREGISTER_TIMEOUT_MS = 600_000;
const MAX_HOSTNAME_CHECK = 2_000_000;

/** Checks and resolves a parsed scenario. Throws SimError SIM_ERR_SCENARIO_INVALID listing every problem. */
export function validateScenario(input: unknown, options: ValidateOptions = {}): Scenario {
	const issues = new IssueList(options.locate);
	if (input === null || input === undefined) {
		issues.add([], "the scenario is empty; it needs at least an `agents` list");
		throw issuesError(issues.issues, options.sourceName);
	}
	refuseDeepNesting(input, issues, options.sourceName);
	if (!validator().Check(input)) {
		explain(ScenarioSchema, input, [], issues);
		if (issues.length === 0) {
			// The explainer should always find something; fall back to TypeBox's own words.
			for (const e of validator().Errors(input).slice(0, 5)) {
				issues.add(
					e.instancePath
						.split("/")
						.slice(1)
						.map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~")),
					e.message,
				);
			}
		}
		throw issuesError(issues.issues, options.sourceName);
	}
	const scenario = new Resolver(issues, options).resolve(input);
	if (issues.length > 0) throw issuesError(issues.issues, options.sourceName);
	return scenario;
}

const compileAction = () => Compile(TimelineEventSchema);
let compiledAction: ReturnType<typeof compileAction> | undefined;

/**
 * Checks and resolves one timeline action given on its own (the live control
 * API, /sim/v1): the same schema and per-action rules as a scenario's
 * `timeline[]` entry, with `at` optional (default 0: now). Cross-references
 * (framework, group, agents) are the caller's: they depend on the live state.
 * Throws SimError SIM_ERR_SCENARIO_INVALID naming each wrong field.
 */
export function validateAction(input: unknown, sourceName = "<request body>"): TimelineEvent {
	const issues = new IssueList();
	if (input === null || typeof input !== "object" || Array.isArray(input)) {
		issues.add([], 'expected a JSON object such as {"action": "crashAgents", "agents": {"count": 1}}');
		throw issuesError(issues.issues, sourceName);
	}
	refuseDeepNesting(input, issues, sourceName);
	const withAt = { at: 0, ...(input as Record<string, unknown>) };
	compiledAction ??= compileAction();
	if (!compiledAction.Check(withAt)) {
		explain(TimelineEventSchema, withAt, [], issues);
		if (issues.length === 0)
			for (const e of compiledAction.Errors(withAt).slice(0, 5)) issues.add([], e.message);
		throw issuesError(issues.issues, sourceName);
	}
	const event = new Resolver(issues, {}).action(withAt as TimelineEventInput);
	if (issues.length > 0) throw issuesError(issues.issues, sourceName);
	return event;
}

/** Nesting past LIMITS.nestingDepth is refused before the schema checks, which recurse. */
function refuseDeepNesting(input: unknown, issues: IssueList, sourceName: string | undefined): void {
	const depth = nestingDepth(input);
	if (depth <= LIMITS.nestingDepth) return;
	issues.add([], `lists and maps nested ${formatCount(depth)} levels deep; ${limitTail("nestingDepth")}`);
	throw issuesError(issues.issues, sourceName);
}

/** Adds "what: N <noun> in all; the limit is L (docs…)" when `n` is over the limit. */
function checkCount(
	issues: IssueList,
	path: Path,
	n: number,
	limit: "agents" | "frameworks" | "timelineEvents" | "tasksPerFramework",
	noun: string,
): boolean {
	if (n <= LIMITS[limit]) return true;
	issues.add(path, `${formatCount(n)} ${noun}; ${limitTail(limit)}`);
	return false;
}

function defaultName(sourceName: string | undefined): string {
	if (sourceName === undefined || sourceName === "" || sourceName.startsWith("<"))
		return SCENARIO_DEFAULTS.name;
	const stem = basename(sourceName, extname(sourceName));
	return stem === "" ? SCENARIO_DEFAULTS.name : stem;
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? "" : "s"}`;
}

class Resolver {
	readonly #issues: IssueList;
	readonly #options: ValidateOptions;
	/** False once the cluster is over LIMITS.agents: per-agent templates are not rendered then. */
	#renderTemplates = true;

	constructor(issues: IssueList, options: ValidateOptions) {
		this.#issues = issues;
		this.#options = options;
	}

	#add(path: Path, message: string, anchor: "value" | "key" = "value"): void {
		this.#issues.add(path, message, { anchor });
	}

	/** A framework's or the scenario's name: at most LIMITS.nameLength characters. */
	#name(name: string, path: Path): void {
		const problem = nameLengthProblem(name);
		if (problem !== null) this.#add(path, problem);
	}

	/** Parses a duration; on error records it and returns `fallback`. */
	#duration(raw: string | number, path: Path, opts: { positive?: boolean } = {}): number {
		try {
			const ms = parseDuration(raw);
			if (opts.positive === true && ms <= 0) {
				this.#add(path, `must be longer than 0 (got ${JSON.stringify(raw)})`);
			}
			return ms;
		} catch (err) {
			if (!isSimError(err)) throw err;
			this.#issues.add(path, err.message, { code: err.code });
			return 0;
		}
	}

	#nullableDuration(raw: string | number | null, path: Path): number | null {
		if (raw === null) return null;
		if (typeof raw === "string" && NULL_WORDS.has(raw.trim().toLowerCase())) return null;
		return this.#duration(raw, path, { positive: true });
	}

	/** One timeline entry on its own (validateAction). */
	action(e: TimelineEventInput): TimelineEvent {
		return this.#event(e, []);
	}

	resolve(input: ScenarioInput): Scenario {
		const name = input.name ?? defaultName(this.#options.sourceName);
		const seed = input.seed ?? SCENARIO_DEFAULTS.seed;
		const durationMs = this.#duration(input.duration ?? SCENARIO_DEFAULTS.duration, ["duration"], {
			positive: true,
		});
		this.#name(name, ["name"]);
		const master = this.#master(input.master ?? {});
		const timelineInput = input.timeline ?? [];
		const added = timelineInput.reduce((n, e) => n + (e.action === "addAgents" ? (e.count ?? 0) : 0), 0);
		const totalAgents = input.agents.reduce((n, g) => n + g.count, 0) + added;
		// Templates are rendered per agent: only for a cluster the run can hold.
		this.#renderTemplates = checkCount(
			this.#issues,
			["agents"],
			totalAgents,
			"agents",
			"agents in all (groups and timeline addAgents)",
		);
		const installs = timelineInput.filter((e) => e.action === "installPackage").length;
		checkCount(
			this.#issues,
			["frameworks"],
			(input.frameworks ?? []).length + installs,
			"frameworks",
			"frameworks in all (with timeline installPackage)",
		);
		checkCount(this.#issues, ["timeline"], timelineInput.length, "timelineEvents", "timeline entries");
		const agents = input.agents.map((g, k) => this.#agentGroup(g, ["agents", k]));
		this.#checkGroups(input.agents, agents);
		const roles = (input.roles ?? []).map((r, k) => this.#role(r, ["roles", k], master.hierarchicalQuota));
		this.#checkUnique(
			roles.map((r) => r.name),
			(k) => ["roles", k, "name"],
			"role",
		);
		const frameworks = (input.frameworks ?? []).map((f, k) => this.#framework(f, ["frameworks", k]));
		this.#checkUnique(
			frameworks.map((f) => f.name),
			(k) => ["frameworks", k, "name"],
			"framework",
		);
		const timeline = this.#timeline(timelineInput, agents, frameworks);
		const scenario: Scenario = { name, seed, durationMs, master, agents, roles, frameworks, timeline };
		if (input.script !== undefined || input.lesson !== undefined) this.#script(input, scenario);
		return scenario;
	}

	/** `script:` and `lesson:` (script-validate.ts), with the names the rest of the file defines. */
	#script(input: ScenarioInput, scenario: Scenario): void {
		const frameworks = scenario.frameworks.map((f) => f.name);
		for (const e of scenario.timeline)
			if (e.action === "installPackage" && e.name !== undefined) frameworks.push(e.name);
		const roles = new Set(scenario.roles.map((r) => r.name));
		for (const f of scenario.frameworks) if (f.type === "simple") roles.add(f.role);
		const resolver = new ScriptResolver(
			this.#issues,
			{
				frameworks,
				roles: [...roles],
				groups: scenario.agents.map((g) => g.group),
				validateVariant: (variant) => {
					try {
						validateScenario(variant, { sourceName: this.#options.sourceName ?? "<exercise>" });
						return [];
					} catch (err) {
						if (!isSimError(err)) throw err;
						return [err.message];
					}
				},
			},
			input.lesson !== undefined,
		);
		if (input.script !== undefined) scenario.script = resolver.script(input.script);
		if (input.lesson !== undefined) scenario.lesson = resolver.lesson(input.lesson, input);
	}

	#master(m: MasterInput): MasterConfig {
		const d = MASTER_DEFAULTS;
		const path = (k: string): Path => ["master", k];
		const excluded = m.fairSharingExcludedResourceNames ?? [...d.fairSharingExcludedResourceNames];
		excluded.forEach((r, k) => {
			if (!(SCALARS as readonly string[]).includes(r))
				this.#add(
					["master", "fairSharingExcludedResourceNames", k],
					`unknown resource "${r}"${suggestion(r, SCALARS)} (one of ${SCALARS.join(", ")})`,
				);
		});
		return {
			allocationIntervalMs: this.#duration(
				m.allocationInterval ?? d.allocationInterval,
				path("allocationInterval"),
				{
					positive: true,
				},
			),
			offerTimeoutMs: this.#nullableDuration(m.offerTimeout ?? d.offerTimeout, path("offerTimeout")),
			agentPingTimeoutMs: this.#duration(m.agentPingTimeout ?? d.agentPingTimeout, path("agentPingTimeout"), {
				positive: true,
			}),
			maxAgentPingTimeouts: m.maxAgentPingTimeouts ?? d.maxAgentPingTimeouts,
			minAllocatable: this.#minAllocatable(m.minAllocatable, path("minAllocatable")),
			maxCompletedFrameworks: m.maxCompletedFrameworks ?? d.maxCompletedFrameworks,
			maxCompletedTasksPerFramework: m.maxCompletedTasksPerFramework ?? d.maxCompletedTasksPerFramework,
			maxUnreachableTasksPerFramework: m.maxUnreachableTasksPerFramework ?? d.maxUnreachableTasksPerFramework,
			roleSorter: m.roleSorter ?? d.roleSorter,
			frameworkSorter: m.frameworkSorter ?? d.frameworkSorter,
			fairSharingExcludedResourceNames: excluded,
			heartbeatIntervalMs: this.#duration(
				m.heartbeatInterval ?? d.heartbeatInterval,
				path("heartbeatInterval"),
				{
					positive: true,
				},
			),
			hierarchicalQuota: m.hierarchicalQuota ?? d.hierarchicalQuota,
			filterGpuResources: m.filterGpuResources ?? d.filterGpuResources,
			agentRemovalRateLimit: this.#removalRate(
				m.agentRemovalRateLimit ?? d.agentRemovalRateLimit,
				path("agentRemovalRateLimit"),
			),
			agentReregisterTimeoutMs: this.#reregisterTimeout(
				m.agentReregisterTimeout ?? d.agentReregisterTimeout,
				path("agentReregisterTimeout"),
			),
		};
	}

	/** Mesos's "N/DURATION" (src/master/main.cpp): N a positive integer, DURATION longer than 0. */
	#removalRate(raw: string | null, path: Path): MasterConfig["agentRemovalRateLimit"] {
		if (raw === null || NULL_WORDS.has(raw.trim().toLowerCase())) return null;
		const parts = raw.split("/");
		const permits = Number(parts[0]);
		if (parts.length !== 2 || !/^\s*\d+\s*$/.test(parts[0]!) || permits < 1) {
			this.#add(
				path,
				`cannot read ${JSON.stringify(raw)}: write "N/DURATION" with N a whole number of agents >= 1, e.g. "1/20mins"`,
			);
			return null;
		}
		return { permits, perMs: this.#duration(parts[1]!, path, { positive: true }) };
	}

	/** Mesos refuses a value under MIN_AGENT_REREGISTER_TIMEOUT (src/master/constants.hpp). */
	#reregisterTimeout(raw: string | number, path: Path): number {
		const ms = this.#duration(raw, path);
		if (ms < MIN_AGENT_REREGISTER_TIMEOUT_MS)
			this.#add(path, `must be at least 10m, as in Mesos (got ${JSON.stringify(raw)})`);
		return ms;
	}

	/** A list of quantity sets, or Mesos's flag syntax "cpus:0.01|mem:32" (";" within a set). */
	#minAllocatable(raw: MasterInput["minAllocatable"], path: Path): ScalarQuantities[] {
		if (raw === undefined) return MASTER_DEFAULTS.minAllocatable.map((q) => ({ ...q }));
		if (typeof raw !== "string") {
			raw.forEach((q, k) => {
				if (Object.keys(q).length === 0)
					this.#add([...path, k], "a quantity set must name at least one resource");
			});
			return raw.map((q) => ({ ...q }));
		}
		const sets: ScalarQuantities[] = [];
		for (const part of raw.split("|")) {
			const set: ScalarQuantities = {};
			for (const item of part.split(";")) {
				const m = /^\s*([a-z]+)\s*:\s*([0-9]*\.?[0-9]+)\s*$/.exec(item);
				const name = m?.[1] as ScalarResourceName | undefined;
				if (m === null || name === undefined || !SCALARS.includes(name)) {
					this.#add(
						path,
						`cannot read ${JSON.stringify(item.trim())}: write quantity sets as "cpus:0.01|mem:32" (resources ${SCALARS.join(", ")}; ";" joins resources within a set)`,
					);
					return [];
				}
				set[name] = Number(m[2]);
			}
			sets.push(set);
		}
		return sets;
	}

	#ports(raw: AgentGroupInput["ports"], path: Path): Range[] {
		const spec = raw ?? AGENT_DEFAULTS.ports;
		const ranges: Range[] = [];
		const bad = (p: Path, what: string, why: string): void =>
			this.#add(p, `invalid port range ${what}: ${why}`);
		const addRange = (begin: number, end: number, p: Path, what: string): void => {
			if (begin > 65535 || end > 65535) bad(p, what, "ports go up to 65535");
			else if (begin > end) bad(p, what, "begin is greater than end");
			else ranges.push({ begin, end });
		};
		const fromText = (text: string, p: Path): void => {
			const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
			if (m === null) {
				bad(p, JSON.stringify(text), 'write "begin-end", e.g. "31000-32000"');
				return;
			}
			const begin = Number(m[1]);
			addRange(begin, m[2] === undefined ? begin : Number(m[2]), p, JSON.stringify(text));
		};
		if (typeof spec === "string") {
			const inner = spec.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
			if (inner !== "") for (const part of inner.split(",")) fromText(part, path);
		} else {
			spec.forEach((item, k) => {
				const p = [...path, k];
				if (typeof item === "string") fromText(item, p);
				else if (typeof item === "number") addRange(item, item, p, String(item));
				else addRange(item.begin, item.end, p, `{begin: ${item.begin}, end: ${item.end}}`);
			});
		}
		return normalizeRanges(ranges);
	}

	/** Compiles a template; returns the renderer, or undefined after recording the problem. */
	#template(text: string, path: Path): ((i: number, group: string) => string) | undefined {
		try {
			return compileTemplate(text);
		} catch (err) {
			this.#issues.add(path, (err as Error).message, { code: "SIM_ERR_TEMPLATE" });
			return undefined;
		}
	}

	#agentGroup(g: AgentGroupInput, path: Path): AgentGroup {
		const group = g.group ?? AGENT_DEFAULTS.group;
		const problem = groupNameProblem(group);
		if (problem !== null) this.#add([...path, "group"], `${problem} (got ${quoteName(group)})`);
		const attributes: Record<string, string | number> = { ...(g.attributes ?? AGENT_DEFAULTS.attributes) };
		for (const [key, value] of Object.entries(attributes)) {
			const p = [...path, "attributes", key];
			if (key.trim() === "") this.#add(p, "an attribute name must not be empty", "key");
			if (typeof value === "string" && isTemplate(value) && this.#renderTemplates) {
				const t = this.#template(value, p);
				if (t !== undefined) this.#renderAll(t, group, g.count, p);
			}
		}
		return {
			group,
			count: g.count,
			cpus: g.cpus,
			mem: g.mem,
			disk: g.disk ?? AGENT_DEFAULTS.disk,
			gpus: g.gpus ?? AGENT_DEFAULTS.gpus,
			ports: this.#ports(g.ports, [...path, "ports"]),
			hostname: g.hostname ?? AGENT_DEFAULTS.hostname,
			attributes,
		};
	}

	/** Renders a template for every agent of a group, catching evaluation errors (e.g. division by zero). */
	#renderAll(t: (i: number, group: string) => string, group: string, count: number, path: Path): string[] {
		const out: string[] = [];
		try {
			for (let i = 0; i < count; i++) out.push(t(i, group));
		} catch (err) {
			this.#issues.add(path, (err as Error).message, { code: "SIM_ERR_TEMPLATE" });
			return [];
		}
		return out;
	}

	/** Unique group names; hostname templates compile and give distinct hostnames. */
	#checkGroups(input: AgentGroupInput[], groups: AgentGroup[]): void {
		this.#checkUnique(
			groups.map((g) => g.group),
			(k) => ["agents", k, "group"],
			"group",
			input.some((g) => g.group === undefined)
				? ` (the default group name is "${AGENT_DEFAULTS.group}"; give each group its own "group")`
				: "",
		);
		const total = groups.reduce((n, g) => n + g.count, 0);
		const seen = new Map<string, string>();
		const groupNames = new Set<string>();
		groups.forEach((g, k) => {
			const path: Path = ["agents", k, "hostname"];
			const t = this.#template(g.hostname, path);
			// A duplicate or too long group name is reported already; its hostnames would clash or be too long too.
			const duplicate = groupNames.has(g.group) || nameLengthProblem(g.group) !== null;
			groupNames.add(g.group);
			if (t === undefined || duplicate || total > MAX_HOSTNAME_CHECK || !this.#renderTemplates) return;
			const names = this.#renderAll(t, g.group, g.count, path);
			for (let i = 0; i < names.length; i++) {
				const host = names[i]!;
				const here = `agent ${i} of group "${g.group}"`;
				const tooLong = nameLengthProblem(host);
				if (tooLong !== null) {
					this.#add(path, `hostname of ${here}: ${tooLong}`);
					return;
				}
				const other = seen.get(host);
				if (other !== undefined) {
					this.#add(
						path,
						`hostname ${JSON.stringify(host)} of ${here} is also the hostname of ${other}; include {i} in the template`,
					);
					return;
				}
				seen.set(host, here);
			}
		});
	}

	#checkUnique(names: string[], pathOf: (k: number) => Path, what: string, hint = ""): void {
		const first = new Map<string, number>();
		names.forEach((n, k) => {
			const prev = first.get(n);
			if (prev === undefined) first.set(n, k);
			else {
				const prevPointer = pathOf(prev)
					.map((s) => `/${s}`)
					.join("");
				this.#add(pathOf(k), `duplicate ${what} name ${quoteName(n)} (also at ${prevPointer})${hint}`);
			}
		});
	}

	#roleName(name: string, path: Path): void {
		const problem = roleNameProblem(name);
		if (problem !== null) this.#add(path, `invalid role ${quoteName(name)}: ${problem}`);
	}

	#role(r: RoleInput, path: Path, hierarchicalQuota: boolean): RoleSpec {
		this.#roleName(r.name, [...path, "name"]);
		const out: RoleSpec = { name: r.name, weight: r.weight ?? ROLE_DEFAULTS.weight };
		if (r.quota !== undefined) {
			// As Mesos 1.11 (quota_handler.cpp, MESOS-7402); quota on "*" is allowed since Mesos 1.10.
			if (r.name.includes("/") && !hierarchicalQuota)
				this.#add(
					[...path, "quota"],
					`quota on nested role "${r.name}" is not supported (as in Mesos); set master.hierarchicalQuota: true to allow it`,
				);
			out.quota = { ...r.quota };
		}
		return out;
	}

	#framework(f: NonNullable<ScenarioInput["frameworks"]>[number], path: Path): FrameworkSpec {
		this.#name(f.name, [...path, "name"]);
		if (f.type === "chameleon") {
			const {
				type: _type,
				name,
				...spec
			} = f as { type: "chameleon"; name: string } & Record<string, unknown>;
			return { type: "chameleon", name, spec };
		}
		return this.#simple(f as SimpleFrameworkInput, path);
	}

	#simple(f: SimpleFrameworkInput, path: Path): SimpleFrameworkSpec {
		const d = FRAMEWORK_DEFAULTS;
		const role = f.role ?? d.role;
		this.#roleName(role, [...path, "role"]);
		const t = f.tasks;
		const tp: Path = [...path, "tasks"];
		checkCount(this.#issues, [...tp, "count"], t.count, "tasksPerFramework", "tasks");
		if (t.cpus + t.mem + (t.disk ?? 0) + (t.gpus ?? 0) <= 0)
			this.#add(tp, "a task needs some resources: give cpus or mem greater than 0");
		if ((t.ports ?? 0) > 65536) this.#add([...tp, "ports"], `a task cannot need more than 65536 ports`);
		const offerFilters = f.offerFilters ?? {};
		const suppressedRoles = f.suppressedRoles ?? [];
		for (const [p, message] of subscribeRoleProblems(offerFilters, suppressedRoles, [role]))
			this.#add([...path, ...p], message);
		const command = t.command ?? TASK_DEFAULTS.command;
		const parsed = parseCommand(command);
		if ("error" in parsed)
			this.#add(
				[...tp, "command"],
				`${parsed.error} (simulated agents understand only ${UNDERSTOOD_SUBSET}; "sleep infinity" runs forever)`,
			);
		return {
			type: "simple",
			name: f.name,
			role,
			user: f.user ?? d.user,
			startAtMs: this.#duration(f.startAt ?? d.startAt, [...path, "startAt"]),
			failoverTimeoutMs: this.#duration(f.failoverTimeout ?? d.failoverTimeout, [...path, "failoverTimeout"]),
			partitionAware: f.partitionAware ?? d.partitionAware,
			checkpoint: f.checkpoint ?? d.checkpoint,
			latencyMs: this.#duration(f.latency ?? d.latency, [...path, "latency"]),
			declineRefuseSeconds: f.declineRefuseSeconds ?? d.declineRefuseSeconds,
			offerFilters: copyOfferFilters(offerFilters),
			suppressedRoles: [...suppressedRoles],
			tasks: {
				count: t.count,
				cpus: t.cpus,
				mem: t.mem,
				disk: t.disk ?? TASK_DEFAULTS.disk,
				gpus: t.gpus ?? TASK_DEFAULTS.gpus,
				ports: t.ports ?? TASK_DEFAULTS.ports,
				command,
				maxPerOffer: t.maxPerOffer ?? TASK_DEFAULTS.maxPerOffer,
				relaunch: t.relaunch ?? TASK_DEFAULTS.relaunch,
			},
		};
	}

	#timeline(
		events: TimelineEventInput[],
		groups: AgentGroup[],
		frameworks: FrameworkSpec[],
	): TimelineEvent[] {
		const resolved = events.map((e, k) => ({ k, event: this.#event(e, ["timeline", k]) }));
		resolved.sort((a, b) => a.event.atMs - b.event.atMs);
		// Cross-references, in time order so that agents added earlier count.
		const sizes = new Map(groups.map((g) => [g.group, g.count]));
		const groupNames = groups.map((g) => g.group);
		const frameworkNames = frameworks.map((f) => f.name);
		for (const { k, event } of resolved) {
			const path: Path = ["timeline", k];
			if (event.package !== undefined && !PACKAGE_NAMES.includes(event.package))
				this.#add(
					[...path, "package"],
					`unknown package ${JSON.stringify(event.package)}${suggestion(event.package, PACKAGE_NAMES)} (see mesosim package list)`,
				);
			if (event.action === "installPackage" && event.name !== undefined) {
				if (frameworkNames.includes(event.name))
					this.#add([...path, "name"], `a framework named ${JSON.stringify(event.name)} exists already`);
				frameworkNames.push(event.name);
			}
			if (event.framework !== undefined && !frameworkNames.includes(event.framework))
				this.#add(
					[...path, "framework"],
					`unknown framework ${JSON.stringify(event.framework)}${suggestion(event.framework, frameworkNames)}`,
				);
			if (event.action === "addAgents" && event.group !== undefined) {
				const size = sizes.get(event.group);
				if (size === undefined)
					this.#add(
						[...path, "group"],
						`unknown agent group ${JSON.stringify(event.group)}${suggestion(event.group, groupNames)}`,
					);
				else sizes.set(event.group, size + (event.count ?? 0));
			}
			const sel = event.agents;
			if (sel === undefined) continue;
			let size = 0;
			if (sel.group !== undefined) {
				const s = sizes.get(sel.group);
				if (s === undefined) {
					this.#add(
						[...path, "agents", "group"],
						`unknown agent group ${JSON.stringify(sel.group)}${suggestion(sel.group, groupNames)}`,
					);
					continue;
				}
				size = s;
			} else for (const s of sizes.values()) size += s;
			const of = sel.group === undefined ? "the cluster" : `group ${JSON.stringify(sel.group)}`;
			if (sel.count !== undefined && sel.count > size)
				this.#add(
					[...path, "agents", "count"],
					`${plural(sel.count, "agent")} asked for, but ${of} has ${plural(size, "agent")} by then`,
				);
			sel.indices?.forEach((i, j) => {
				if (i >= size)
					this.#add(
						[...path, "agents", "indices", j],
						`index ${i} is out of range: ${of} has ${plural(size, "agent")} by then (indices are 0-based)`,
					);
			});
		}
		return resolved.map((r) => r.event);
	}

	#event(e: TimelineEventInput, path: Path): TimelineEvent {
		const action = e.action as TimelineAction;
		const rule = ACTION_FIELDS[action];
		for (const key of Object.keys(e)) {
			if (key === "at" || key === "action") continue;
			if (!rule.allowed.includes(key as EventField))
				this.#add(
					[...path, key],
					`"${key}" does not apply to ${action} (it takes ${rule.allowed.map((f) => `"${f}"`).join(", ") || "nothing more"})`,
					"key",
				);
		}
		for (const key of rule.required) {
			if (e[key] === undefined || (key === "for" && e.for === null && action === "flapAgents"))
				this.#add([...path, key], `${action} needs "${key}"${REQUIRED_HINT[key]}`);
		}
		const event: TimelineEvent = { atMs: this.#duration(e.at, [...path, "at"]), action };
		if (e.agents !== undefined && rule.allowed.includes("agents"))
			event.agents = this.#selector(e.agents, path);
		if (rule.allowed.includes("for")) {
			if (action === "flapAgents") {
				if (e.for !== undefined && e.for !== null)
					event.downForMs = this.#nullableDuration(e.for, [...path, "for"]);
				event.times = e.times ?? FLAP_DEFAULTS.times;
				event.upForMs =
					e.upFor !== undefined
						? this.#duration(e.upFor, [...path, "upFor"], { positive: true })
						: (event.downForMs ?? 0);
			} else if (action === "restartAgentProcesses")
				event.downForMs =
					e.for === undefined || e.for === null
						? AGENT_RESTART_DEFAULT_MS
						: this.#duration(e.for, [...path, "for"], { positive: true });
			else event.downForMs = e.for === undefined ? null : this.#nullableDuration(e.for, [...path, "for"]);
		}
		if (action === "installPackage") {
			if ((e.package === undefined) === (e.spec === undefined))
				this.#add(
					[...path, "package"],
					'installPackage needs "package" (a catalog name) or "spec", not both',
				);
			if (e.package === undefined && e.name === undefined)
				this.#add([...path, "name"], 'installPackage with "spec" needs "name"');
			if (e.name !== undefined) this.#name(e.name, [...path, "name"]);
			event.name = e.name ?? e.package!;
			if (e.package !== undefined) event.package = e.package;
			if (e.spec !== undefined) event.spec = { ...e.spec };
			if (e.instances !== undefined) event.instances = e.instances;
		}
		if (e.role !== undefined && rule.allowed.includes("role")) {
			const problem = roleNameProblem(e.role);
			if (problem !== null) this.#add([...path, "role"], problem);
			event.role = e.role;
		}
		if (e.weight !== undefined && rule.allowed.includes("weight")) event.weight = e.weight;
		if (e.quota !== undefined && rule.allowed.includes("quota")) event.quota = { ...e.quota };
		if (e.framework !== undefined && rule.allowed.includes("framework")) event.framework = e.framework;
		if (e.group !== undefined && rule.allowed.includes("group")) event.group = e.group;
		if (e.count !== undefined && rule.allowed.includes("count")) event.count = e.count;
		if (action === "scalePackage" && e.instances !== undefined) event.instances = e.instances;
		return event;
	}

	#selector(s: AgentSelector, path: Path): AgentSelector {
		const given = (["count", "fraction", "indices"] as const).filter((k) => s[k] !== undefined);
		if (given.length > 1)
			this.#add(
				[...path, "agents", given[1]!],
				`give at most one of count, fraction, indices (got ${given.join(" and ")})`,
				"key",
			);
		const out: AgentSelector = {};
		if (s.group !== undefined) out.group = s.group;
		if (s.count !== undefined) out.count = s.count;
		if (s.fraction !== undefined) out.fraction = s.fraction;
		if (s.indices !== undefined) out.indices = [...s.indices];
		if (s.ids !== undefined) out.ids = [...s.ids];
		if (s.hostnames !== undefined) out.hostnames = [...s.hostnames];
		if (s.attribute !== undefined) out.attribute = s.attribute;
		return out;
	}
}

type EventField =
	| "agents"
	| "for"
	| "times"
	| "upFor"
	| "framework"
	| "group"
	| "count"
	| "role"
	| "weight"
	| "quota"
	| "package"
	| "name"
	| "spec"
	| "instances";

const AGENTS_ONLY = { allowed: ["agents"], required: ["agents"] } as const;
const ACTION_FIELDS: Record<
	TimelineAction,
	{ allowed: readonly EventField[]; required: readonly EventField[] }
> = {
	crashAgents: { allowed: ["agents", "for"], required: ["agents"] },
	restartAgents: AGENTS_ONLY,
	partitionAgents: { allowed: ["agents", "for"], required: ["agents"] },
	flapAgents: { allowed: ["agents", "for", "times", "upFor"], required: ["agents", "for"] },
	teardownFramework: { allowed: ["framework"], required: ["framework"] },
	reviveFramework: { allowed: ["framework"], required: ["framework"] },
	addAgents: { allowed: ["group", "count"], required: ["group", "count"] },
	healAgents: AGENTS_ONLY,
	restartAgentProcesses: { allowed: ["agents", "for"], required: ["agents"] },
	drainAgents: AGENTS_ONLY,
	deactivateAgents: AGENTS_ONLY,
	reactivateAgents: AGENTS_ONLY,
	markAgentsGone: AGENTS_ONLY,
	updateWeights: { allowed: ["role", "weight"], required: ["role", "weight"] },
	updateQuota: { allowed: ["role", "quota"], required: ["role", "quota"] },
	disconnectFramework: { allowed: ["framework", "for"], required: ["framework"] },
	installPackage: { allowed: ["package", "name", "spec", "instances"], required: [] },
	uninstallPackage: { allowed: ["framework"], required: ["framework"] },
	scalePackage: { allowed: ["framework", "instances"], required: ["framework", "instances"] },
};

/** restartAgentProcesses: how long the agent process is down by default. */
export const AGENT_RESTART_DEFAULT_MS = 5_000;

const REQUIRED_HINT: Record<EventField, string> = {
	agents: " (e.g. agents: {count: 10}, agents: {group: web, fraction: 0.1}; {} means all agents)",
	for: ' (the down time, e.g. for: "30s")',
	times: "",
	upFor: "",
	framework: " (the framework's name)",
	group: " (the agent group whose shape the new agents take)",
	count: " (how many agents)",
	role: " (the role's name)",
	weight: " (a number > 0)",
	quota: " (e.g. quota: {cpus: 100, mem: 409600})",
	package: "",
	name: "",
	spec: "",
	instances: " (the new instance count)",
};
