/**
 * The headless driver: runs a scenario as fast as the CPU allows and builds
 * the report. Wall-clock readings happen only here (the driver layer) and go
 * to the report's `wall` section, outside the determinism rule.
 */
import { performance } from "node:perf_hooks";
import { InvariantChecker } from "../../master/index.js";
import type { FrameworkReport, Report } from "../report/types.js";
import type { Scenario } from "../scenario/index.js";
import { buildSimulation, type Simulation } from "./build.js";
import { LOST_STATES, RunMetrics } from "./metrics.js";

export const MESOSIM_VERSION = "0.1.0";

export interface RunOptions {
	/** Check the invariants after every event. */
	checkInvariants?: boolean;
	/** Called about 200 times during the run with simulated progress. */
	onProgress?: (simulatedMs: number, totalMs: number) => void;
	/** Called with the simulation before it runs (tests, live drivers). */
	onBuilt?: (sim: Simulation) => void;
}

export interface RunResult {
	report: Report;
	sim: Simulation;
}

export function runScenario(scenario: Scenario, opts: RunOptions = {}): Report {
	return runSimulation(scenario, opts).report;
}

export function runSimulation(scenario: Scenario, opts: RunOptions = {}): RunResult {
	const wallStart = performance.now();
	const sim = buildSimulation(scenario);
	const metrics = new RunMetrics(sim);
	let checker: InvariantChecker | null = null;
	if (opts.checkInvariants === true) {
		const c = new InvariantChecker(sim.master);
		c.addCheck(() => sim.fleet.auditRedelivery());
		checker = c;
		sim.engine.afterEvent = () => {
			c.check();
		};
	}
	opts.onBuilt?.(sim);
	const total = scenario.durationMs;
	const step = Math.max(1, Math.ceil(total / 200));
	for (let t = 0; t < total; ) {
		t = Math.min(total, t + step);
		sim.engine.runUntil(t);
		opts.onProgress?.(t, total);
	}
	metrics.sample(true);
	if (checker !== null) checker.checkAll();
	const wallMs = performance.now() - wallStart;
	return { report: buildReport(sim, metrics, checker, wallMs), sim };
}

/** Counts without zeros, keys in order (the report is byte-stable). */
function sortedCounts(counts: Record<string, number>): Record<string, number> {
	return Object.fromEntries(
		Object.entries(counts)
			.filter(([, v]) => v !== 0)
			.sort(([a], [b]) => (a < b ? -1 : 1)),
	);
}

function round(x: number, digits = 6): number {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

export function buildReport(
	sim: Simulation,
	metrics: RunMetrics,
	checker: InvariantChecker | null,
	wallMs: number,
): Report {
	const { master, engine, scenario } = sim;
	const total = master.allocator.total;
	const frameworks: FrameworkReport[] = sim.frameworks.map((h) => {
		const id = h.id();
		const fw = id === null ? undefined : master.frameworks.find((f) => f.id === id);
		const stats = h.driver.stats();
		const series = fw === undefined ? undefined : metrics.series(fw.idx);
		const reached = series?.reached ?? {};
		const n = (s: string) => reached[s] ?? 0;
		const parts = fw === undefined ? { inTasks: 0, inHeldOffers: 0 } : metrics.shareParts(fw);
		let running = 0;
		if (fw !== undefined) for (const t of fw.tasks.values()) if (t.state === "TASK_RUNNING") running++;
		return {
			name: h.name,
			id: id ?? "",
			type: h.type,
			roles: fw?.roles ?? [],
			offers: {
				received: stats.offersReceived,
				accepted: stats.offersAccepted,
				declined: stats.offersDeclined,
				rescinded: stats.offersRescinded,
				held: fw?.offers.size ?? 0,
			},
			tasks: {
				launched: fw?.counters.tasksLaunched ?? 0,
				running,
				finished: n("TASK_FINISHED"),
				failed: n("TASK_FAILED"),
				killed: n("TASK_KILLED"),
				lost: LOST_STATES.reduce((sum, st) => sum + n(st), 0),
				error: n("TASK_ERROR"),
				byState: sortedCounts(series?.byState ?? {}),
				transitions: sortedCounts(series?.transitions ?? {}),
			},
			dominantShare: {
				final: round(fw === undefined || fw.removed ? 0 : master.dominantShare(fw)),
				mean: round(
					series === undefined || series.shareSamples === 0 ? 0 : series.shareSum / series.shareSamples,
				),
				finalInTasks: round(fw === undefined || fw.removed ? 0 : parts.inTasks),
				finalInHeldOffers: round(fw === undefined || fw.removed ? 0 : parts.inHeldOffers),
			},
			timeToFirstOfferMs:
				stats.firstOfferAt === null || stats.subscribedAt === null
					? null
					: stats.firstOfferAt - stats.subscribedAt,
		};
	});
	const shares = frameworks.map((f) => f.dominantShare.mean);
	const sum = shares.reduce((s, x) => s + x, 0);
	const sumSq = shares.reduce((s, x) => s + x * x, 0);
	const jain = shares.length === 0 || sumSq === 0 ? 1 : (sum * sum) / (shares.length * sumSq);
	const u = metrics.utilization();
	const violations = checker?.violations ?? master.violations;
	const report: Report = {
		mesosim: MESOSIM_VERSION,
		scenario: scenario.name,
		seed: scenario.seed,
		simulatedMs: engine.now,
		cluster: {
			agents: master.cluster.size,
			agentsActive: master.cluster.activeCount,
			resources: {
				cpus: round(total[0]!, 3),
				mem: round(total[1]!, 3),
				disk: round(total[2]!, 3),
				gpus: round(total[3]!, 3),
			},
		},
		frameworks,
		utilization: {
			cpus: {
				mean: round(metrics.samples === 0 ? 0 : metrics.cpuUtilSum / metrics.samples),
				final: round(u.cpus),
			},
			mem: {
				mean: round(metrics.samples === 0 ? 0 : metrics.memUtilSum / metrics.samples),
				final: round(u.mem),
			},
		},
		fairness: { jain: round(jain) },
		allocator: {
			cycles: master.allocator.cycles,
			offersMade: master.allocator.offersMade,
			agentsVisited: master.allocator.agentsVisited,
		},
		master: {
			offersOutstanding: master.outstandingOffers,
			agentsUnreachable: master.metrics.agentsUnreachable,
			agentRegistrations: master.metrics.agentRegistrations,
			agentReregistrations: master.metrics.agentReregistrations,
			statusUpdates: master.metrics.statusUpdates,
		},
		invariants: { checked: checker?.checked ?? 0, violations: violations.length },
		series: {
			tMs: metrics.tMs.slice(),
			cpus: metrics.cpus.map((x) => round(x, 4)),
			mem: metrics.mem.map((x) => round(x, 4)),
			shares: sim.frameworks.map((h) => {
				const id = h.id();
				const fw = id === null ? undefined : master.frameworks.find((f) => f.id === id);
				const points = fw === undefined ? undefined : metrics.shares.get(fw.idx);
				return (points ?? new Array<number>(metrics.tMs.length).fill(0)).map((x) => round(x, 4));
			}),
		},
		timeline: metrics.timeline(),
		eventLogHash: master.eventLogHash.toString(16).padStart(8, "0"),
		engine: { events: engine.eventsRun },
		wall: {
			ms: round(wallMs, 1),
			eventsPerSecond: Math.round(engine.eventsRun / Math.max(wallMs / 1000, 1e-9)),
			simulatedPerWall: round(engine.now / Math.max(wallMs, 1e-9), 1),
		},
	};
	if (violations.length > 0) report.invariants.firstViolation = violations[0]!;
	return report;
}
