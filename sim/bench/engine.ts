/**
 * `mesosim bench engine`: whole simulated clusters on the virtual clock.
 *
 *  - catalog-day: 10,000 agents running the whole chameleon catalog (one
 *    framework per catalog package) for one simulated day;
 *  - mixed-hour:  60,000 agents with a mixed workload (services, batch, short
 *    jobs, a crash-looping job, plus the catalog) for one simulated hour;
 *  - build:       the time to build a 1k- and a 60k-agent cluster (scenario
 *    to every agent registered with the master);
 *  - idle-heap:   heap per idle agent at 60k (master + fleet + engine, after GC).
 *
 * Each figure is best taken in a fresh process (peak RSS is per process):
 * the CLI runs every part in its own child process unless told otherwise.
 *
 * Hook: the catalog workload comes from frameworks/chameleon. Should it be
 * unavailable, `catalogFrameworks()` falls back to a mix of the built-in
 * "simple" framework (and says so in the result's `workload`).
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildSimulation } from "../runner/build.js";
import { runSimulation } from "../runner/run.js";
import type { Scenario } from "../scenario/index.js";
import { validateScenario } from "../scenario/index.js";

export const ENGINE_PARTS = ["catalog-day", "mixed-hour", "build", "idle-heap"] as const;
export type EnginePart = (typeof ENGINE_PARTS)[number];

export interface EngineResult {
	part: EnginePart;
	agents: number;
	/** What ran: "chameleon catalog (16 packages)", "simple mix" … */
	workload: string;
	frameworks: number;
	simulatedMs: number;
	wallMs: number;
	/** Simulated seconds per wall second. */
	simPerWall: number;
	events: number;
	eventsPerSecond: number;
	tasksLaunched: number;
	/** Offers the master made (each one built, sent, answered by its framework). */
	offers: number;
	/** Peak resident set of the process so far (MB). */
	peakRssMb: number;
	/** Heap used at the end (after GC where available), MB. */
	heapUsedMb: number;
	/** (heap at the end − heap before building) / agents, bytes. */
	heapPerAgentBytes: number;
	/** build: time to build 1k / 60k clusters (ms). */
	buildMs?: Record<string, number>;
}

export interface EngineOptions {
	part: EnginePart;
	agents?: number;
	/** Simulated duration (ms). */
	durationMs?: number;
	seed?: number;
	/** "catalog" (default) or "simple": the built-in framework mix instead of the chameleon catalog. */
	workload?: "catalog" | "simple";
	onProgress?: (simMs: number, totalMs: number) => void;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A GC handle without --expose-gc on the command line. */
function gcFunction(): (() => void) | null {
	try {
		setFlagsFromString("--expose-gc");
		return runInNewContext("gc") as () => void;
	} catch {
		return null;
	}
}

function heapNow(gc: (() => void) | null): number {
	if (gc !== null) {
		gc();
		gc();
	}
	return process.memoryUsage().heapUsed;
}

function peakRssMb(): number {
	return process.resourceUsage().maxRSS / 1024;
}

/** Catalog package names, or null when the chameleon is not there (the hook). */
async function catalogPackages(): Promise<readonly string[] | null> {
	try {
		const mod = (await import("../../frameworks/chameleon/index.js")) as {
			PACKAGE_NAMES?: readonly string[];
		};
		return mod.PACKAGE_NAMES ?? null;
	} catch {
		return null;
	}
}

/** The chameleon catalog, one framework per package — or the simple-framework fallback. */
export async function catalogFrameworks(
	workload: "catalog" | "simple",
): Promise<{ frameworks: Record<string, unknown>[]; label: string }> {
	const names = workload === "catalog" ? await catalogPackages() : null;
	if (names !== null && names.length > 0) {
		return {
			frameworks: names.map((name) => ({ type: "chameleon", name, package: name })),
			label: `chameleon catalog (${names.length} packages)`,
		};
	}
	return {
		frameworks: simpleMix(1),
		label: workload === "catalog" ? "simple mix (chameleon catalog unavailable)" : "simple mix",
	};
}

/** The built-in framework in a realistic mix: services, batch, short jobs, a flaky job; `scale` per 10k agents. */
function simpleMix(scale: number): Record<string, unknown>[] {
	const n = (x: number) => Math.max(1, Math.round(x * scale));
	return [
		{
			type: "simple",
			name: "web",
			role: "services",
			tasks: { count: n(3000), cpus: 1, mem: 2048, ports: 1, command: "sleep infinity", relaunch: true },
		},
		{
			type: "simple",
			name: "batch",
			role: "analytics",
			tasks: { count: n(20_000), cpus: 2, mem: 4096, command: "sleep 600", relaunch: true, maxPerOffer: 8 },
		},
		{
			type: "simple",
			name: "short-jobs",
			role: "analytics",
			tasks: { count: n(5000), cpus: 0.5, mem: 512, command: "sleep 30", relaunch: true },
		},
		{
			type: "simple",
			name: "flaky",
			tasks: { count: n(200), cpus: 0.5, mem: 512, command: "sleep 45 && exit 1", relaunch: true },
		},
	];
}

function scenarioOf(input: Record<string, unknown>): Scenario {
	return validateScenario(input, { sourceName: "bench" });
}

function agentGroups(count: number): Record<string, unknown>[] {
	const big = Math.floor(count / 5);
	return [
		{
			group: "general",
			count: count - big,
			cpus: 8,
			mem: 32768,
			disk: 204800,
			ports: "[31000-32000]",
			hostname: "gen-{i}",
			attributes: { rack: "r{i / 20}", zone: "z{i % 3}" },
		},
		{
			group: "big",
			count: big,
			cpus: 32,
			mem: 131072,
			disk: 819200,
			ports: "[31000-32000]",
			hostname: "big-{i}",
			attributes: { rack: "b{i / 20}", zone: "z{i % 3}" },
		},
	].filter((g) => (g.count as number) > 0);
}

async function runWorkload(opts: EngineOptions, agents: number, durationMs: number, mixed: boolean) {
	const workload = opts.workload ?? "catalog";
	const cat = await catalogFrameworks(workload);
	const frameworks = mixed ? [...simpleMix(agents / 10_000), ...cat.frameworks] : cat.frameworks;
	const label = mixed ? `simple mix ×${(agents / 10_000).toFixed(1)} + ${cat.label}` : cat.label;
	const scenario = scenarioOf({
		name: `bench-${opts.part}`,
		seed: opts.seed ?? 42,
		duration: durationMs / 1000,
		agents: agentGroups(agents),
		roles: [{ name: "services", weight: 2 }, { name: "analytics" }],
		frameworks,
	});
	const gc = gcFunction();
	const heap0 = heapNow(gc);
	const t0 = performance.now();
	const { sim } = runSimulation(
		scenario,
		opts.onProgress === undefined ? {} : { onProgress: opts.onProgress },
	);
	const wallMs = performance.now() - t0;
	const heap1 = heapNow(gc);
	const events = sim.engine.eventsRun;
	const result: EngineResult = {
		part: opts.part,
		agents,
		workload: label,
		frameworks: sim.frameworks.length,
		simulatedMs: sim.engine.now,
		wallMs,
		simPerWall: sim.engine.now / wallMs,
		events,
		eventsPerSecond: events / (wallMs / 1000),
		tasksLaunched: sim.master.metrics.tasksLaunched,
		offers: sim.master.metrics.offersSent,
		peakRssMb: peakRssMb(),
		heapUsedMb: heap1 / 1048576,
		heapPerAgentBytes: (heap1 - heap0) / agents,
	};
	return result;
}

/** Builds a cluster of `agents` idle agents and runs until every one is registered; returns the wall time. */
function buildCluster(agents: number, seed: number) {
	const scenario = scenarioOf({
		name: "bench-build",
		seed,
		duration: 60,
		agents: agentGroups(agents),
		frameworks: [],
	});
	const t0 = performance.now();
	const sim = buildSimulation(scenario);
	sim.engine.runUntil(0);
	const ms = performance.now() - t0;
	if (sim.master.cluster.activeCount !== agents)
		throw new Error(`bench: ${sim.master.cluster.activeCount} of ${agents} agents registered`);
	return { ms, sim };
}

export async function runEnginePart(opts: EngineOptions): Promise<EngineResult> {
	switch (opts.part) {
		case "catalog-day":
			return runWorkload(opts, opts.agents ?? 10_000, opts.durationMs ?? DAY_MS, false);
		case "mixed-hour":
			return runWorkload(opts, opts.agents ?? 60_000, opts.durationMs ?? HOUR_MS, true);
		case "build": {
			const big = opts.agents ?? 60_000;
			const sizes = [1000, big];
			const buildMs: Record<string, number> = {};
			// Warm the code paths once (a small cluster), as any later build in a process would be.
			buildCluster(100, 1);
			for (const n of sizes) buildMs[String(n)] = buildCluster(n, opts.seed ?? 42).ms;
			return {
				part: "build",
				agents: big,
				workload: "idle agents",
				frameworks: 0,
				simulatedMs: 0,
				wallMs: Object.values(buildMs).reduce((s, x) => s + x, 0),
				simPerWall: 0,
				events: 0,
				eventsPerSecond: 0,
				tasksLaunched: 0,
				offers: 0,
				peakRssMb: peakRssMb(),
				heapUsedMb: process.memoryUsage().heapUsed / 1048576,
				heapPerAgentBytes: 0,
				buildMs,
			};
		}
		case "idle-heap": {
			const n = opts.agents ?? 60_000;
			const gc = gcFunction();
			const heap0 = heapNow(gc);
			const { ms, sim } = buildCluster(n, opts.seed ?? 42);
			// Let the first periodic cycle and heartbeats pass: the cluster is idle and settled.
			sim.master.start();
			sim.engine.runUntil(5000);
			const heap1 = heapNow(gc);
			return {
				part: "idle-heap",
				agents: n,
				workload: "idle agents",
				frameworks: 0,
				simulatedMs: sim.engine.now,
				wallMs: ms,
				simPerWall: 0,
				events: sim.engine.eventsRun,
				eventsPerSecond: 0,
				tasksLaunched: 0,
				offers: 0,
				peakRssMb: peakRssMb(),
				heapUsedMb: heap1 / 1048576,
				heapPerAgentBytes: (heap1 - heap0) / n,
				buildMs: { [String(n)]: ms },
			};
		}
	}
}
