/**
 * `mesosim bench allocator`: Apache Mesos's own allocator benchmarks
 * (src/tests/hierarchical_allocator_tests.cpp, HierarchicalAllocator_BENCHMARK_Test,
 * and hierarchical_allocator_benchmarks.cpp), with their parameters, run on
 * the real Master and Allocator (sim/bench/setup.ts).
 *
 * Only the allocation cycle is timed: performance.now() around
 * allocator.cycle(), which includes building the OFFERS events and handing
 * them to the frameworks' sinks (which only record them). Declines, accepts,
 * suppressions and the clock's advance happen outside the timed region, as
 * in Mesos's benchmarks (they settle before the watch starts).
 *
 * Each cell also measures the floor (sim/bench/floor.ts): the cost of reading
 * each visited agent's free resources and writing one offer record. A round's
 * floor is that per-agent cost times the agents the cycle visited.
 */
import { performance } from "node:perf_hooks";
import type { Offer } from "../../master/index.js";
import { measureFloor } from "./floor.js";
import { type AgentResources, type BenchFramework, BenchRig, fragment, REFUSE_FOREVER_S } from "./setup.js";
import { median, round } from "./stats.js";

export const BENCHMARKS = [
	"DeclineOffers",
	"SuppressOffers",
	"ExtremeSuppressOffers",
	"MultiFrameworkAllocations",
	"LargeAndSmallQuota",
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Mesos's grid: agents {1k…50k} × frameworks {1…6000} (HierarchicalAllocator_BENCHMARK_Test). */
export const GRID_AGENTS = [1000, 5000, 10_000, 20_000, 30_000, 50_000] as const;
export const GRID_FRAMEWORKS = [1, 50, 100, 200, 500, 1000, 3000, 6000] as const;
/** LargeAndSmallQuota's (small roles, large roles) sizes; agents = roles. */
export const QUOTA_SIZES = [
	[25, 5],
	[250, 50],
	[2500, 500],
] as const;

export interface RoundResult {
	/** Wall time of allocator.cycle(), ms: decisions, offer records, OFFERS events built and handed to the sinks. */
	ms: number;
	/**
	 * The part of `ms` until the master starts building OFFERS events: the
	 * allocator's decisions and the offer records — what Mesos's benchmarks time
	 * (their allocate() hands offers to a callback that stores them; building
	 * Offer messages happens in Master::offer, outside the timed region).
	 */
	allocateMs: number;
	/** Offers the cycle made. */
	offers: number;
	/** Offers declined with a filter so far (Mesos's "after filtering M offers"). */
	filtered: number;
	/** Agents the cycle visited (candidates). */
	visited: number;
}

export interface CellResult {
	benchmark: BenchmarkName;
	/** e.g. "drf" / "random" (LargeAndSmallQuota), "" otherwise. */
	variant: string;
	agents: number;
	frameworks: number;
	roles: number;
	rounds: RoundResult[];
	/** Median over the rounds that visited at least one agent ("working" rounds). */
	medianRoundMs: number;
	/** Median of those rounds' allocateMs (Mesos's allocate(): without building OFFERS events). */
	medianAllocateMs: number;
	/** Median over every round, empty ones included (those cost next to nothing here). */
	medianAllRoundsMs: number;
	minRoundMs: number;
	maxRoundMs: number;
	workingRounds: number;
	/** Sum of all rounds' times. */
	totalMs: number;
	/** The floor of a working round at the median: ns per agent × agents visited. */
	floorMs: number;
	floorNsPerAgent: number;
	/** medianRoundMs / floorMs. */
	ratio: number;
	/** Time to subscribe the frameworks and add the agents, with the cycles they trigger (Mesos: "Added N agents in T"). */
	setupMs: number;
	/** Extra figures of a benchmark (tasks launched, suppressed frameworks …). */
	extra: Record<string, number>;
}

export interface CellSpec {
	benchmark: BenchmarkName;
	agents: number;
	frameworks: number;
	/** Rounds to run (DeclineOffers: default 2 × frameworks, as Mesos). */
	rounds?: number;
	variant?: string;
	/** LargeAndSmallQuota: roles with small / large quota. */
	smallRoles?: number;
	largeRoles?: number;
	seed?: number;
	/** Record every allocation decision (docs/explain.md), to measure what recording costs. */
	recordDecisions?: boolean;
	/**
	 * LargeAndSmallQuota times one cycle: by default untimed runs at 30, 300 …
	 * agents (below the cell's size) go first, so the code is compiled, as in
	 * Mesos's run, where the smaller sizes of the same test run first in the
	 * same process.
	 */
	warmup?: boolean;
}

export interface RunHooks {
	/** After each timed round (for output lines and progress). */
	onRound?: (cell: CellSpec, index: number, total: number, r: RoundResult) => void;
	/** Just outside the timed region of every cycle (e.g. to start and stop a profiler). */
	beforeCycle?: () => void;
	afterCycle?: () => void;
}

let cycleHooks: RunHooks = {};

// ---- set-ups ----------------------------------------------------------------

/** DeclineOffers / SuppressOffers agents: cpus:24;mem:4096;disk:4096;ports:[31000-32000]. */
const DECLINE_AGENT: AgentResources = {
	cpus: 24,
	mem: 4096,
	disk: 4096,
	ports: [{ begin: 31000, end: 32000 }],
};
/** …of which cpus:16;mem:2014;disk:1024 and 16 port ranges are used by a framework. */
const DECLINE_USED: AgentResources = {
	cpus: 16,
	mem: 2014,
	disk: 1024,
	ports: fragment({ begin: 31000, end: 32000 }, 16),
};
const PARTITION_AWARE = { capabilities: [{ type: "PARTITION_AWARE" as const }] };

function pad(i: number, width: number): string {
	return String(i).padStart(width, "0");
}

/** Runs the cycle the rig's master has pending (or asks for one over all agents) and times it. */
function timedCycle(rig: BenchRig, filtered: number): RoundResult {
	const al = rig.master.allocator;
	const offers0 = al.offersMade;
	const visited0 = al.agentsVisited;
	al.request();
	cycleHooks.beforeCycle?.();
	const m = rig.master;
	const prev = m.observer;
	let decided = 0;
	m.observer = { ...prev, cycleDecided: () => (decided = performance.now()) };
	const t0 = performance.now();
	al.cycle();
	const t1 = performance.now();
	m.observer = prev;
	cycleHooks.afterCycle?.();
	const ms = t1 - t0;
	const allocateMs = decided > 0 ? decided - t0 : ms;
	return { ms, allocateMs, offers: al.offersMade - offers0, filtered, visited: al.agentsVisited - visited0 };
}

/** F partition-aware frameworks and A agents, agent i running DECLINE_USED for framework i mod F. */
function declineSetup(spec: CellSpec): { rig: BenchRig; fws: BenchFramework[]; setupMs: number } {
	const rig = new BenchRig({ seed: spec.seed ?? 1, recordDecisions: spec.recordDecisions === true });
	const width = Math.max(4, String(spec.frameworks).length);
	const t0 = performance.now();
	const fws: BenchFramework[] = [];
	for (let i = 0; i < spec.frameworks; i++)
		fws.push(rig.addFramework(`framework-${pad(i, width)}`, PARTITION_AWARE));
	rig.settle();
	for (let i = 0; i < spec.agents; i++)
		rig.addAgentWithUsed(DECLINE_AGENT, fws[i % spec.frameworks]!, DECLINE_USED);
	rig.settle();
	return { rig, fws, setupMs: performance.now() - t0 };
}

/**
 * DeclineOffers: each round every outstanding offer is declined with
 * refuse_seconds = INT_MAX (365 days in effect), then one cycle runs; so each
 * round offers every agent to the next framework that has not filtered it.
 */
function declineOffers(spec: CellSpec, hooks: RunHooks): Omit<CellResult, keyof Summary> {
	const { rig, fws, setupMs } = declineSetup(spec);
	const total = spec.rounds ?? 2 * spec.frameworks;
	const rounds: RoundResult[] = [];
	let filtered = 0;
	for (let i = 0; i < total; i++) {
		for (const f of fws) {
			const offers = f.take();
			filtered += offers.length;
			f.decline(offers, REFUSE_FOREVER_S);
		}
		rig.advance(rig.master.flags.allocationIntervalMs);
		const r = timedCycle(rig, filtered);
		rounds.push(r);
		hooks.onRound?.(spec, i, total, r);
	}
	return finish(spec, rig, rounds, setupMs, {});
}

/**
 * SuppressOffers (5 rounds; before each, another F/5 frameworks suppress) and
 * ExtremeSuppressOffers (99% of the frameworks suppress before the first
 * round). Offers are declined without a filter (refuse 0), so only
 * suppression keeps frameworks out.
 */
function suppressOffers(spec: CellSpec, hooks: RunHooks, extreme: boolean): Omit<CellResult, keyof Summary> {
	const { rig, fws, setupMs } = declineSetup(spec);
	const total = spec.rounds ?? 5;
	const rounds: RoundResult[] = [];
	let suppressed = 0;
	if (extreme) {
		const n = Math.floor(spec.frameworks * 0.99);
		for (; suppressed < n; suppressed++) fws[suppressed]!.suppress();
	}
	for (let i = 0; i < total; i++) {
		for (const f of fws) f.decline(f.take(), null);
		if (!extreme) {
			const n = Math.floor(spec.frameworks / total);
			for (let j = 0; j < n && suppressed < fws.length; j++) fws[suppressed++]!.suppress();
		}
		rig.advance(rig.master.flags.allocationIntervalMs);
		const r = timedCycle(rig, 0);
		rounds.push(r);
		hooks.onRound?.(spec, i, total, r);
	}
	return finish(spec, rig, rounds, setupMs, { suppressed });
}

interface Profile {
	name: string;
	role: string;
	instances: number;
	tasksPerInstance: number;
	cpus: number;
	mem: number;
	maxTasksPerOffer: number;
}

/** hierarchical_allocator_benchmarks.cpp, MultiFrameworkAllocations. */
export const MULTI_FRAMEWORK_PROFILES: readonly Profile[] = [
	{
		name: "Marathon",
		role: "roleA",
		instances: 4,
		tasksPerInstance: 4000,
		cpus: 0.07,
		mem: 400,
		maxTasksPerOffer: 100,
	},
	{
		name: "Jenkins",
		role: "roleB",
		instances: 500,
		tasksPerInstance: 5,
		cpus: 0.1,
		mem: 4000,
		maxTasksPerOffer: 1,
	},
	{
		name: "SparkDispatcher",
		role: "roleC",
		instances: 50,
		tasksPerInstance: 20,
		cpus: 1,
		mem: 1000,
		maxTasksPerOffer: 5,
	},
];
export const MULTI_FRAMEWORK_AGENTS = 80;
const MULTI_FRAMEWORK_AGENT: AgentResources = { cpus: 64, mem: 488_000, disk: 0 };
/** Mesos stops after 30 s of allocation; so does this. */
const MULTI_FRAMEWORK_LIMIT_MS = 30_000;

function scalarOf(o: Offer, name: string): number {
	let v = 0;
	for (const r of o.resources) if (r.name === name && r.scalar !== undefined) v += r.scalar.value;
	return v;
}

/**
 * MultiFrameworkAllocations: 80 agents of cpus:64;mem:488000 and three
 * framework profiles; each offer is used for up to maxTasksPerOffer tasks
 * (what is left returns without a filter); rounds until every task is
 * launched (or 30 s of allocation time).
 */
function multiFramework(spec: CellSpec, hooks: RunHooks): Omit<CellResult, keyof Summary> {
	const rig = new BenchRig({ seed: spec.seed ?? 1, recordDecisions: spec.recordDecisions === true });
	const t0 = performance.now();
	const fws: { f: BenchFramework; p: Profile; left: number; launched: number }[] = [];
	for (const p of MULTI_FRAMEWORK_PROFILES) {
		for (let i = 0; i < p.instances; i++) {
			const f = rig.addFramework(`${p.name}-${pad(i, 3)}`, {
				roles: [p.role],
				capabilities: [{ type: "MULTI_ROLE" }],
			});
			fws.push({ f, p, left: p.tasksPerInstance, launched: 0 });
		}
	}
	rig.settle();
	const agents = spec.agents;
	for (let i = 0; i < agents; i++) rig.registerAgent(MULTI_FRAMEWORK_AGENT);
	rig.settle();
	const setupMs = performance.now() - t0;
	const totalTasks = fws.reduce((s, x) => s + x.left, 0);
	const limit = spec.rounds ?? 10_000;
	const rounds: RoundResult[] = [];
	let launched = 0;
	let allocMs = 0;
	let serial = 0;
	for (let i = 0; i < limit && launched < totalTasks && allocMs < MULTI_FRAMEWORK_LIMIT_MS; i++) {
		for (const x of fws) {
			const offers = x.f.take();
			for (const o of offers) {
				let n = Math.min(x.left, x.p.maxTasksPerOffer);
				n = Math.min(
					n,
					Math.floor(scalarOf(o, "cpus") / x.p.cpus + 1e-9),
					Math.floor(scalarOf(o, "mem") / x.p.mem + 1e-9),
				);
				if (n <= 0) {
					x.f.decline([o], null);
					continue;
				}
				const tasks = [];
				for (let k = 0; k < n; k++) {
					serial++;
					tasks.push({
						name: `${x.p.name}-task`,
						task_id: { value: `t${serial}` },
						agent_id: o.agent_id,
						resources: [
							{
								name: "cpus",
								type: "SCALAR" as const,
								scalar: { value: x.p.cpus },
								allocation_info: { role: x.p.role },
							},
							{
								name: "mem",
								type: "SCALAR" as const,
								scalar: { value: x.p.mem },
								allocation_info: { role: x.p.role },
							},
						],
						command: { value: "sleep infinity" },
					});
				}
				x.f.call({
					type: "ACCEPT",
					accept: {
						offer_ids: [o.id],
						operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }],
						filters: { refuse_seconds: 0 },
					},
				});
				x.left -= n;
				x.launched += n;
				launched += n;
			}
		}
		if (launched >= totalTasks) break;
		rig.advance(rig.master.flags.allocationIntervalMs);
		const r = timedCycle(rig, 0);
		allocMs += r.ms;
		rounds.push(r);
		hooks.onRound?.(spec, i, limit, r);
	}
	return finish(spec, rig, rounds, setupMs, {
		tasksLaunched: launched,
		tasksTotal: totalTasks,
		roles: MULTI_FRAMEWORK_PROFILES.length,
	});
}

/** LargeAndSmallQuota: agents cpus:2;mem:2048;disk:2048; quota small 1/1024/1024, large 4/4096/4096. */
const QUOTA_AGENT: AgentResources = { cpus: 2, mem: 2048, disk: 2048 };

/**
 * LargeAndSmallQuota: one framework per role, quota limits on every role;
 * a full cycle (every role gets its quota: 1 allocation per small role, 2 per
 * large one), then an empty one.
 */
function largeAndSmallQuota(spec: CellSpec, hooks: RunHooks): Omit<CellResult, keyof Summary> {
	const variant = spec.variant ?? "drf";
	const sorter = variant === "random" ? "random" : "drf";
	const rig = new BenchRig({
		seed: spec.seed ?? 1,
		flags: { roleSorter: sorter, frameworkSorter: sorter },
		recordDecisions: spec.recordDecisions === true,
	});
	const small = spec.smallRoles ?? Math.round((spec.agents * 5) / 6);
	const large = spec.largeRoles ?? spec.agents - small;
	const t0 = performance.now();
	for (let i = 0; i < spec.agents; i++) rig.registerAgent(QUOTA_AGENT);
	rig.settle();
	const roles: string[] = [];
	for (let i = 0; i < small; i++) {
		const role = `quota-small-${pad(i, 4)}`;
		rig.master.updateQuota(role, { cpus: 1, mem: 1024, disk: 1024 });
		roles.push(role);
	}
	for (let i = 0; i < large; i++) {
		const role = `quota-large-${pad(i, 4)}`;
		rig.master.updateQuota(role, { cpus: 4, mem: 4096, disk: 4096 });
		roles.push(role);
	}
	for (const role of roles)
		rig.addFramework(`fw-${role}`, { roles: [role], capabilities: [{ type: "MULTI_ROLE" }] });
	const setupMs = performance.now() - t0;
	const rounds: RoundResult[] = [];
	// The subscriptions asked for a cycle over every agent: that is the full cycle.
	for (let i = 0; i < 2; i++) {
		if (i > 0) rig.advance(rig.master.flags.allocationIntervalMs);
		const r = timedCycle(rig, 0);
		rounds.push(r);
		hooks.onRound?.(spec, i, 2, r);
	}
	rig.settle();
	return finish({ ...spec, frameworks: roles.length }, rig, rounds, setupMs, {
		roles: roles.length,
		smallRoles: small,
		largeRoles: large,
	});
}

// ---- results ------------------------------------------------------------------

type Summary = Pick<
	CellResult,
	| "medianRoundMs"
	| "medianAllocateMs"
	| "medianAllRoundsMs"
	| "minRoundMs"
	| "maxRoundMs"
	| "workingRounds"
	| "totalMs"
	| "floorMs"
	| "floorNsPerAgent"
	| "ratio"
>;

function finish(
	spec: CellSpec,
	rig: BenchRig,
	rounds: RoundResult[],
	setupMs: number,
	extra: Record<string, number>,
): Omit<CellResult, keyof Summary> {
	// The floor is measured on the same cluster, after the rounds (warm caches, like theirs).
	const floor = measureFloor(rig.master.cluster);
	const out = {
		benchmark: spec.benchmark,
		variant: spec.variant ?? "",
		agents: spec.agents,
		frameworks: rig.frameworks.length,
		roles: extra.roles ?? 1,
		rounds,
		setupMs,
		// Deterministic: the same cell and seed give the same hash (a check that optimisations change nothing).
		extra: { ...extra, eventLogHash: rig.master.eventLogHash, floorNsPerAgent: floor.nsPerAgent },
	};
	return out;
}

function summarize(partial: Omit<CellResult, keyof Summary>): CellResult {
	const rounds = partial.rounds;
	const working = rounds.filter((r) => r.visited > 0);
	const ms = working.map((r) => r.ms);
	const medianRoundMs = ms.length === 0 ? 0 : median(ms);
	const nsPerAgent = partial.extra.floorNsPerAgent ?? 0;
	const floorMs = working.length === 0 ? 0 : median(working.map((r) => (r.visited * nsPerAgent) / 1e6));
	const { floorNsPerAgent: _drop, ...extra } = partial.extra;
	return {
		...partial,
		extra,
		rounds: rounds.map((r) => ({ ...r, ms: round(r.ms, 4), allocateMs: round(r.allocateMs, 4) })),
		setupMs: round(partial.setupMs, 2),
		medianRoundMs: round(medianRoundMs, 4),
		medianAllocateMs: round(working.length === 0 ? 0 : median(working.map((r) => r.allocateMs)), 4),
		medianAllRoundsMs: round(rounds.length === 0 ? 0 : median(rounds.map((r) => r.ms)), 4),
		minRoundMs: round(ms.length === 0 ? 0 : Math.min(...ms), 4),
		maxRoundMs: round(ms.length === 0 ? 0 : Math.max(...ms), 4),
		workingRounds: working.length,
		totalMs: round(
			rounds.reduce((s, r) => s + r.ms, 0),
			3,
		),
		floorMs: round(floorMs, 5),
		floorNsPerAgent: round(nsPerAgent, 3),
		ratio: round(floorMs > 0 ? medianRoundMs / floorMs : 0, 2),
	};
}

/** Runs one cell of one benchmark. */
export function runCell(spec: CellSpec, hooks: RunHooks = {}): CellResult {
	cycleHooks = hooks;
	switch (spec.benchmark) {
		case "DeclineOffers":
			return summarize(declineOffers(spec, hooks));
		case "SuppressOffers":
			return summarize(suppressOffers(spec, hooks, false));
		case "ExtremeSuppressOffers":
			return summarize(suppressOffers(spec, hooks, true));
		case "MultiFrameworkAllocations":
			return summarize(multiFramework(spec, hooks));
		case "LargeAndSmallQuota":
			if (spec.warmup !== false) {
				// Mesos's sizes run smallest first: 30, 300, then 3000 agents.
				for (let n = 30; n < spec.agents; n *= 10) {
					const small = Math.round((n * (spec.smallRoles ?? (spec.agents * 5) / 6)) / spec.agents);
					largeAndSmallQuota(
						{ ...spec, agents: n, frameworks: n, smallRoles: small, largeRoles: n - small },
						{},
					);
				}
				cycleHooks = hooks;
			}
			return summarize(largeAndSmallQuota(spec, hooks));
	}
}

/** Rounds a grid cell runs: Mesos's 2 × frameworks, or at most `cap`. */
export function declineRounds(frameworks: number, cap: number | "full"): number {
	return cap === "full" ? 2 * frameworks : Math.min(2 * frameworks, cap);
}
