/**
 * resolveChameleonSpec: raw fields -> ChameleonConfig. Steps: expansion
 * (spec/expand.ts: file, package, pattern defaults); the schema decides the
 * shape (spec/schema.ts); then the meaning: durations, distributions,
 * constraints, cross-references between groups, and what each group's
 * pattern requires or implies (its meta's `requires`, `refine`,
 * `offerPolicyDefaults`). All problems are reported together as one SimError
 * SIM_ERR_SCENARIO_INVALID whose lines name each field by JSON pointer.
 */
import { Compile } from "typebox/compile";
import { isSimError, SimError } from "../../../common/errors.js";
import { parseDuration } from "../../../common/schema/duration.js";
import { explain } from "../../../common/schema/explain.js";
import {
	IssueList,
	issuesError,
	type Locator,
	type Path,
	type ScenarioIssue,
} from "../../../common/schema/issues.js";
import { roleNameProblem } from "../../../common/schema/names.js";
import { parseSource } from "../../../common/schema/source.js";
import { suggestion } from "../../../common/suggest.js";
import { copyOfferFilters, subscribeRoleProblems } from "../../sdk/offer-filters.js";
import type { Arrivals } from "../arrivals.js";
import { type Constraint, parseConstraint } from "../constraints.js";
import { type Dist, type RawDist, resolveDist } from "../dist.js";
import { PATTERNS, requirementMessage } from "../patterns/index.js";
import { parseTrace, type TraceRow } from "../trace.js";
import {
	type ChameleonConfig,
	type GroupConfig,
	type Lifecycle,
	OFFER_POLICY_DEFAULTS,
	type OfferPolicy,
	RESTART_DEFAULT,
	type ResourceDists,
} from "./config.js";
import { expandSpec, isPlainObject, withFile } from "./expand.js";
import {
	type ChameleonSpecInput,
	ChameleonSpecSchema,
	COMMON_GROUP_FIELDS,
	type GroupInput,
	type LifecycleInput,
} from "./schema.js";

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

/** Validates and resolves a chameleon spec. Throws SimError SIM_ERR_SCENARIO_INVALID naming each wrong field. */
export function resolveChameleonSpec(
	raw: Record<string, unknown>,
	name: string,
	options: ResolveOptions = {},
): ChameleonConfig {
	const path = options.path ?? [];
	let input: Record<string, unknown>;
	try {
		input = expandSpec(withFile(raw, path, options), path, options.locate);
	} catch (err) {
		if (!isSimError(err) || options.sourceName === undefined) throw err;
		// Problems (a package, a spec file) are listed like every other, with the
		// source's name and line; anything else (a spec file that does not parse)
		// is prefixed with the source's name.
		const issues = err.details?.issues;
		if (Array.isArray(issues)) throw issuesError(issues as ScenarioIssue[], options.sourceName);
		throw retitle(err, options.sourceName);
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
		for (const [p, message] of subscribeRoleProblems(s.offerFilters ?? {}, s.suppressedRoles ?? [], roles))
			this.#add(p, message);
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
		// Defaults of the framework's offer policy, with what its groups' patterns imply over them.
		const policyDefaults: Omit<OfferPolicy, "unfitRefuseSeconds"> = { ...OFFER_POLICY_DEFAULTS };
		for (const g of groups) Object.assign(policyDefaults, PATTERNS[g.pattern].offerPolicyDefaults);
		const decline = p.declineRefuseSeconds ?? policyDefaults.declineRefuseSeconds;
		const offerPolicy: OfferPolicy = {
			declineRefuseSeconds: decline,
			unfitRefuseSeconds: p.unfitRefuseSeconds ?? Math.min(5, decline),
			suppressWhenIdle: p.suppressWhenIdle ?? policyDefaults.suppressWhenIdle,
			reviveMinIntervalMs: p.reviveMinIntervalMs ?? policyDefaults.reviveMinIntervalMs,
			reviveOnDemand: p.reviveOnDemand ?? policyDefaults.reviveOnDemand,
			holdOffersMs: p.holdOffersMs ?? policyDefaults.holdOffersMs,
			holdJitterMs: p.holdJitterMs ?? policyDefaults.holdJitterMs,
			maxTasksPerOffer: p.maxTasksPerOffer ?? policyDefaults.maxTasksPerOffer,
			acceptPartialGang: p.acceptPartialGang ?? policyDefaults.acceptPartialGang,
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
			offerFilters: copyOfferFilters(s.offerFilters ?? {}),
			suppressedRoles: [...(s.suppressedRoles ?? [])],
		};
	}

	#checkAfterCycles(groups: GroupConfig[]): void {
		const byName = new Map(groups.map((g) => [g.name, g]));
		groups.forEach((g, k) => {
			// A group that waits for itself is reported as such, not again as a cycle.
			if (g.after === g.name) return;
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
		const allowed = new Set<string>([...COMMON_GROUP_FIELDS, ...meta.fields]);
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
		const lifecycle = this.#lifecycle(g.lifecycle ?? {}, [...p, "lifecycle"]);
		const arrivals = this.#arrivals(g.arrivals, [...p, "arrivals"]);
		let elastic: GroupConfig["elastic"] = null;
		if (g.elastic !== undefined) {
			elastic = {
				min: g.elastic.min,
				max: g.elastic.max,
				periodMs: g.elastic.periodMs,
				shape: g.elastic.shape ?? "step",
			};
			if (elastic.min > elastic.max) this.#add([...p, "elastic", "max"], `must be >= min (${elastic.min})`);
		}
		for (const r of meta.requires ?? []) {
			if ((g as Record<string, unknown>)[r.field] === undefined)
				this.#add([...p, r.field], requirementMessage(g.pattern, r));
		}
		const trace = g.trace === undefined ? [] : this.#trace(g.trace, [...p, "trace"]);
		const tasksPerJob = this.#dist(g.tasksPerJob as RawDist | undefined, [...p, "tasksPerJob"], "number", {
			kind: "const",
			value: 1,
		});
		const group: GroupConfig = {
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
		meta.refine?.(group, g, (sub, message) => this.#add([...p, ...sub], message));
		return group;
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
