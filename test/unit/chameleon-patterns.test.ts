/**
 * Each chameleon pattern shows its signature in a small scenario run through
 * the real runner (master, agents, in-process transport).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fieldValue } from "../../frameworks/chameleon/constraints.js";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import type { TaskRecord } from "../../master/records.js";
import { runSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

interface ClusterOpts {
	agents?: number;
	cpus?: number;
	mem?: number;
	duration?: string;
	seed?: number;
	master?: Record<string, unknown>;
}

function scenario(frameworks: unknown[], o: ClusterOpts = {}) {
	return validateScenario({
		seed: o.seed ?? 7,
		duration: o.duration ?? "10m",
		...(o.master !== undefined ? { master: o.master } : {}),
		agents: [
			{
				group: "h",
				count: o.agents ?? 6,
				cpus: o.cpus ?? 4,
				mem: o.mem ?? 8192,
				disk: 100_000,
				hostname: "h{i}",
				attributes: { rack: "r{i % 4}", zone: "z{i % 3}" },
			},
		],
		frameworks,
	});
}

function chameleon(sim: Simulation, name: string): ChameleonFramework {
	const h = sim.frameworks.find((f) => f.name === name);
	if (h === undefined) throw new Error(`no framework ${name}`);
	return h.scheduler as ChameleonFramework;
}

/** Calls `fn` every `everyMs` of simulated time. */
function every(sim: Simulation, everyMs: number, fn: () => void): void {
	const tick = () => {
		fn();
		sim.engine.timeout(everyMs, tick);
	};
	sim.engine.timeout(everyMs, tick);
}

function shareOf(sim: Simulation, name: string): number {
	const id = sim.frameworks.find((f) => f.name === name)!.id();
	const fw = sim.master.frameworks.find((f) => f.id === id);
	return fw === undefined ? 0 : sim.master.dominantShare(fw);
}

const LIVE = new Set(["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE"]);

/** Live tasks of a framework at the master, by group (task name up to the last "-<n>"). */
function liveTasks(sim: Simulation, name: string): TaskRecord[] {
	const id = sim.frameworks.find((f) => f.name === name)!.id();
	const fw = sim.master.frameworks.find((f) => f.id === id);
	return fw === undefined ? [] : [...fw.tasks.values()].filter((t) => LIVE.has(t.state));
}

function agentValue(sim: Simulation, agent: number, field: string): string | undefined {
	const c = sim.master.cluster;
	return fieldValue(
		{
			id: { value: "" },
			framework_id: { value: "" },
			agent_id: { value: "" },
			hostname: c.hostnames[agent]!,
			resources: [],
			attributes: c.attributes[agent]!,
		},
		field,
	);
}

describe("steadyService", () => {
	it("keeps its instances running and suppresses when idle", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "web",
						offerPolicy: { suppressWhenIdle: true, maxTasksPerOffer: 1, declineRefuseSeconds: 120 },
						groups: [
							{ name: "app", pattern: "steadyService", instances: 5, resources: { cpus: 0.5, mem: 256 } },
						],
					},
				],
				{ duration: "2m" },
			),
		);
		const s = chameleon(sim, "web").stats();
		expect(s.groups.app!.running).toBe(5);
		expect(s.groups.app!.launched).toBe(5);
		expect(s.suppressed).toBe(true);
		// maxTasksPerOffer 1: no two tasks from one round on one agent.
		const byAgentAt = new Map<string, number>();
		for (const e of s.groups.app!.log.filter((x) => x.ev === "launch")) {
			const k = `${e.agent}@${e.t}`;
			byAgentAt.set(k, (byAgentAt.get(k) ?? 0) + 1);
		}
		expect(Math.max(...byAgentAt.values())).toBe(1);
		expect(s.groups.app!.commands.every((c) => c === "sleep infinity")).toBe(true);
	});
});

describe("offer policy", () => {
	it("think time delays each reply by perBatchMs + perTaskMs × tasks", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "slow",
						thinkTime: { perBatchMs: 400, perTaskMs: 50 },
						groups: [
							{ name: "app", pattern: "steadyService", instances: 4, resources: { cpus: 0.5, mem: 128 } },
						],
					},
				],
				{ agents: 2, duration: "1m" },
			),
		);
		const fw = sim.master.frameworks.find((f) => f.info.name === "slow")!;
		const placed = chameleon(sim, "slow")
			.stats()
			.groups.app!.log.filter((e) => e.ev === "launch");
		expect(placed.length).toBe(4);
		// All four placed in the first round; the master sees them 400 + 4 × 50 ms later.
		expect(fw.tasks.size).toBe(4);
		for (const t of fw.tasks.values()) expect(t.launchedAt).toBe(placed[0]!.t + 600);
	});
});

describe("revive rate", () => {
	it("REVIVEs no more often than reviveMinIntervalMs, and declines with the idle filter when nothing is pending", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "flaky",
						offerPolicy: { reviveMinIntervalMs: 10_000, declineRefuseSeconds: 30 },
						groups: [
							{
								name: "c",
								pattern: "crashLoop",
								instances: 6,
								lifecycle: {
									failAfter: { kind: "uniform", min: 2, max: 6 },
									restart: { backoffMs: 500, factor: 1, capMs: 500 },
								},
							},
						],
					},
				],
				{ duration: "5m" },
			),
		);
		const s = chameleon(sim, "flaky").stats();
		expect(s.revives).toBeGreaterThan(10);
		const gaps = s.reviveTimes.slice(1).map((t, k) => t - s.reviveTimes[k]!);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
		expect(s.groups.c!.launched).toBeGreaterThan(60);
	});
});

describe("poissonBatch", () => {
	it("arrivals follow the rate; tasks run their drawn time; failure draws become `sleep X && exit 1`", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "batch",
						groups: [
							{
								name: "etl",
								pattern: "poissonBatch",
								arrivals: { kind: "poisson", ratePerMin: 30 },
								tasksPerJob: 2,
								resources: { cpus: 0.1, mem: 64 },
								lifecycle: { runFor: { kind: "uniform", min: 5, max: 15 }, failureProbability: 0.5 },
							},
						],
					},
				],
				{ duration: "10m" },
			),
		);
		const g = chameleon(sim, "batch").stats().groups.etl!;
		expect(g.jobs).toBeGreaterThan(240);
		expect(g.jobs).toBeLessThan(360);
		const gaps = g.arrivals.slice(1).map((t, k) => t - g.arrivals[k]!);
		const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
		expect(mean).toBeGreaterThan(1600);
		expect(mean).toBeLessThan(2400);
		const failing = g.commands.filter((c) => /^sleep \d+(\.\d+)? && exit 1$/.test(c)).length;
		const ok = g.commands.filter((c) => /^sleep \d+(\.\d+)?$/.test(c)).length;
		expect(failing + ok).toBe(g.commands.length);
		expect(failing / g.commands.length).toBeGreaterThan(0.35);
		expect(failing / g.commands.length).toBeLessThan(0.65);
		expect(g.launched).toBeGreaterThanOrEqual(2 * g.jobs - 4);
		expect(g.failed).toBeGreaterThan(0.35 * (g.failed + g.finished));
		expect(g.failed).toBeLessThan(0.65 * (g.failed + g.finished));
	});
});

describe("greedyGrabber", () => {
	it("takes far more than its fair share alone, then converges toward it as its tasks end", () => {
		const samples: { t: number; greedy: number; late: number }[] = [];
		runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "greedy",
						groups: [
							{
								name: "exec",
								pattern: "greedyGrabber",
								scale: "cpus",
								resources: { cpus: 1, mem: 1024 },
								lifecycle: { runFor: { kind: "uniform", min: 60, max: 180 } },
							},
						],
					},
					{
						// Wants half the cluster: its fair share.
						type: "chameleon",
						name: "late",
						startAt: "5m",
						groups: [
							{ name: "svc", pattern: "steadyService", instances: 20, resources: { cpus: 1, mem: 256 } },
						],
					},
				],
				{ agents: 10, duration: "25m" },
			),
			{
				onBuilt: (sim) =>
					every(sim, 10_000, () =>
						samples.push({ t: sim.engine.now, greedy: shareOf(sim, "greedy"), late: shareOf(sim, "late") }),
					),
			},
		);
		const at = (ms: number) => samples.find((s) => s.t >= ms)!;
		// Alone: nearly the whole cluster (fair share with two frameworks is 0.5).
		expect(at(4 * 60_000).greedy).toBeGreaterThan(0.9);
		// The newcomer gets nothing back by preemption: right after it arrives the greedy one still holds most.
		expect(at(5 * 60_000 + 10_000).greedy).toBeGreaterThan(0.7);
		// As executors end, DRF hands freed agents to the newcomer until both hold their fair share.
		const end = samples[samples.length - 1]!;
		expect(Math.abs(end.greedy - 0.5)).toBeLessThan(0.15);
		expect(Math.abs(end.late - 0.5)).toBeLessThan(0.15);
		const mid = at(7 * 60_000);
		expect(mid.greedy).toBeLessThan(at(5 * 60_000).greedy);
		expect(mid.greedy).toBeGreaterThanOrEqual(end.greedy - 0.1);
	});
});

describe("offerHoarder", () => {
	const frameworks = (hold: number) => [
		{
			type: "chameleon",
			name: "hoarder",
			offerPolicy: { holdOffersMs: hold, holdJitterMs: 10_000 },
			groups: [{ name: "svc", pattern: "offerHoarder", instances: 0 }],
		},
		{
			type: "simple",
			name: "waiter",
			startAt: "5s",
			tasks: { count: 4, cpus: 1, mem: 512, command: "sleep 30" },
		},
	];

	it("keeps the offers for its hold time while another framework waits", () => {
		const { sim } = runSimulation(scenario(frameworks(60_000), { agents: 4, duration: "3m" }));
		const h = chameleon(sim, "hoarder").stats();
		const waiter = sim.frameworks.find((f) => f.name === "waiter")!.driver.stats();
		expect(h.maxHoldMs).toBeGreaterThanOrEqual(60_000);
		expect(h.maxHoldMs).toBeLessThanOrEqual(70_000);
		expect(h.maxOffersHeld).toBe(4);
		// The waiter subscribed at 5 s and saw no offer until the holds ran out.
		expect(waiter.firstOfferAt).not.toBeNull();
		expect(waiter.firstOfferAt!).toBeGreaterThanOrEqual(60_000);
		expect(waiter.updates.TASK_FINISHED).toBe(4);
	});

	it("the master's offerTimeout takes hoarded offers back", () => {
		const { sim } = runSimulation(
			scenario(frameworks(300_000), { agents: 4, duration: "3m", master: { offerTimeout: "15s" } }),
		);
		const h = chameleon(sim, "hoarder").stats();
		const waiter = sim.frameworks.find((f) => f.name === "waiter")!.driver.stats();
		expect(h.offersRescinded).toBeGreaterThan(0);
		expect(waiter.firstOfferAt!).toBeLessThan(30_000);
	});
});

describe("gang", () => {
	/** Checks at every event that no gang runs partially; returns counters. */
	function watchGangs(sim: Simulation, fw: string, size: number) {
		const launched = new Map<string, Set<string>>();
		const running = new Map<string, Set<string>>();
		const out = { checks: 0, partial: 0, gangsSeen: 0, partialAtTimeBoundary: 0 };
		const gangOf = (id: string) => id.slice(0, id.lastIndexOf("-"));
		const prev = sim.master.observer;
		sim.master.observer = {
			...prev,
			taskChanged: (t, before) => {
				prev.taskChanged?.(t, before);
				if (sim.frameworks.find((f) => f.name === fw)!.id() !== t.fw.id) return;
				const g = gangOf(t.id);
				let l = launched.get(g);
				if (l === undefined) {
					l = new Set();
					launched.set(g, l);
					out.gangsSeen++;
				}
				l.add(t.id);
				let r = running.get(g);
				if (r === undefined) {
					r = new Set();
					running.set(g, r);
				}
				if (t.state === "TASK_RUNNING") r.add(t.id);
				else r.delete(t.id);
			},
		};
		let lastT = -1;
		sim.engine.afterEvent = () => {
			out.checks++;
			const now = sim.engine.now;
			for (const [g, r] of running) if (r.size > 0 && launched.get(g)!.size !== size) out.partial++;
			if (now !== lastT) {
				// Launches of one gang go out together: between instants a gang is all there or not at all.
				for (const l of launched.values()) if (l.size !== size) out.partialAtTimeBoundary++;
				lastT = now;
			}
		};
		return out;
	}

	it("never runs a partial gang, even when the cluster is contended", () => {
		let watch: ReturnType<typeof watchGangs> | undefined;
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "mpi",
						groups: [
							{
								name: "rank",
								pattern: "gang",
								gangSize: 6,
								instances: 1,
								arrivals: { kind: "poisson", ratePerMin: 2 },
								resources: { cpus: 1, mem: 512 },
								lifecycle: { runFor: { kind: "uniform", min: 30, max: 90 }, failureProbability: 0.3 },
							},
						],
					},
					{
						type: "simple",
						name: "noise",
						tasks: { count: 10, cpus: 1, mem: 512, command: "sleep 45", relaunch: true },
					},
				],
				{ agents: 4, duration: "15m" },
			),
			{ onBuilt: (s) => (watch = watchGangs(s, "mpi", 6)) },
		);
		const g = chameleon(sim, "mpi").stats().groups.rank!;
		expect(watch!.checks).toBeGreaterThan(1000);
		expect(watch!.partial).toBe(0);
		expect(watch!.partialAtTimeBoundary).toBe(0);
		expect(g.gangLaunches).toBeGreaterThan(3);
		expect(g.gangFailures).toBeGreaterThan(0);
		expect(watch!.gangsSeen).toBe(g.gangLaunches);
	});

	it("acceptPartialGang holds partial allocations (two gangs deadlock) but still launches no partial gang", () => {
		const mpi = (name: string) => ({
			type: "chameleon",
			name,
			offerPolicy: { acceptPartialGang: true },
			groups: [
				{
					name: "rank",
					pattern: "gang",
					gangSize: 10,
					gangTimeout: "2m",
					resources: { cpus: 1, mem: 512 },
					lifecycle: { runFor: "10m" },
				},
			],
		});
		let a: ReturnType<typeof watchGangs> | undefined;
		let b: ReturnType<typeof watchGangs> | undefined;
		const { sim } = runSimulation(scenario([mpi("mpi-a"), mpi("mpi-b")], { agents: 4, duration: "5m" }), {
			onBuilt: (s) => {
				a = watchGangs(s, "mpi-a", 10);
				const first = s.engine.afterEvent!;
				b = watchGangs(s, "mpi-b", 10);
				const second = s.engine.afterEvent!;
				s.engine.afterEvent = () => {
					first();
					second();
				};
			},
		});
		const sa = chameleon(sim, "mpi-a").stats();
		const sb = chameleon(sim, "mpi-b").stats();
		// 16 cpus, two gangs of 10: each holds part of the cluster and neither fits until one times out.
		expect(sa.maxOffersHeld + sb.maxOffersHeld).toBeGreaterThan(0);
		expect(sa.groups.rank!.gangTimeouts + sb.groups.rank!.gangTimeouts).toBeGreaterThan(0);
		expect(a!.partial + b!.partial + a!.partialAtTimeBoundary + b!.partialAtTimeBoundary).toBe(0);
	});
});

describe("stateful", () => {
	it("deploys serially and relaunches each ordinal on its agent", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "db",
						groups: [
							{
								name: "node",
								pattern: "stateful",
								instances: 3,
								resources: { cpus: 1, mem: 1024 },
								lifecycle: {
									startupDelay: "10s",
									failureProbability: 1,
									failAfter: "40s",
									restart: { backoffMs: 2000, factor: 1, capMs: 2000 },
								},
							},
						],
					},
					{
						type: "simple",
						name: "noise",
						tasks: { count: 6, cpus: 0.5, mem: 256, command: "sleep 20", relaunch: true },
					},
				],
				{ agents: 6, duration: "6m" },
			),
		);
		const g = chameleon(sim, "db").stats().groups.node!;
		const first = (name: string, ev: "launch" | "running") =>
			g.log.find((e) => e.name === name && e.ev === ev)!.t;
		expect(first("node-1", "launch")).toBeGreaterThanOrEqual(first("node-0", "running"));
		expect(first("node-2", "launch")).toBeGreaterThanOrEqual(first("node-1", "running"));
		for (const name of ["node-0", "node-1", "node-2"]) {
			const agents = new Set(g.log.filter((e) => e.name === name && e.ev === "launch").map((e) => e.agent));
			expect(g.log.filter((e) => e.name === name && e.ev === "launch").length).toBeGreaterThan(3);
			expect(agents.size).toBe(1);
		}
		const ids = g.log.filter((e) => e.ev === "launch").map((e) => e.id);
		expect(ids).toContain("node-0__0");
		expect(ids).toContain("node-0__1");
	});
});

describe("cronBurst", () => {
	it("launches cluster at each tick", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "cron",
						groups: [
							{
								name: "job",
								pattern: "cronBurst",
								arrivals: { kind: "cron", every: "10m", at: "1m" },
								jobsPerTick: 20,
								resources: { cpus: 0.2, mem: 128 },
								lifecycle: { runFor: "30s" },
							},
						],
					},
				],
				{ duration: "25m" },
			),
		);
		const g = chameleon(sim, "cron").stats().groups.job!;
		const launches = g.log.filter((e) => e.ev === "launch").map((e) => e.t);
		expect(launches.length).toBe(60);
		const ticks = [60_000, 660_000, 1_260_000];
		for (const t of launches) expect(ticks.some((tick) => t >= tick && t <= tick + 3000)).toBe(true);
		for (const tick of ticks) expect(launches.filter((t) => t >= tick && t <= tick + 3000).length).toBe(20);
	});

	it("jitter spreads a tick's jobs; FORBID skips busy ticks", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "cron",
						groups: [
							{
								name: "job",
								pattern: "cronBurst",
								arrivals: { kind: "cron", every: "1m", jitterMs: 20_000 },
								jobsPerTick: 10,
								concurrencyPolicy: "FORBID",
								resources: { cpus: 0.2, mem: 128 },
								lifecycle: { runFor: "90s" },
							},
						],
					},
				],
				{ duration: "6m" },
			),
		);
		const g = chameleon(sim, "cron").stats().groups.job!;
		const first = g.log.filter((e) => e.ev === "launch" && e.t < 60_000).map((e) => e.t);
		expect(first.length).toBe(10);
		expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(5000);
		expect(Math.max(...first)).toBeLessThanOrEqual(22_000);
		expect(g.skippedTicks).toBeGreaterThan(0);
	});
});

// Written from the mutation run's survivors (docs/testing.md).
describe("cronBurst, policies", () => {
	const cron = (extra: Record<string, unknown>, resources = { cpus: 0.2, mem: 128 }) =>
		chameleon(
			runSimulation(
				scenario(
					[
						{
							type: "chameleon",
							name: "cron",
							groups: [
								{
									name: "job",
									pattern: "cronBurst",
									arrivals: { kind: "cron", every: "1m" },
									jobsPerTick: 2,
									resources,
									lifecycle: { runFor: "90s" },
									...extra,
								},
							],
						},
					],
					{ duration: "5m" },
				),
			).sim,
			"cron",
		).stats().groups.job!;

	it("by default a tick runs even while the last one's jobs still run", () => {
		const g = cron({});
		// Ticks at 0, 1, …, 5 min.
		expect(g.skippedTicks).toBe(0);
		expect(g.jobs).toBe(12);
		expect(g.launched).toBe(12);
	});

	it("maxJobs stops within a tick: 2 jobs a tick, at most 3", () => {
		const g = cron({ maxJobs: 3 });
		expect(g.jobs).toBe(3);
		expect(g.launched).toBe(3);
	});

	it("FORBID skips a tick while the last one's jobs still wait for offers", () => {
		// 16-cpu tasks never fit: the first tick's jobs wait for ever, every later tick is skipped.
		const g = cron({ concurrencyPolicy: "FORBID" }, { cpus: 16, mem: 128 });
		expect(g.jobs).toBe(2);
		expect(g.skippedTicks).toBe(5);
		expect(g.launched).toBe(0);
	});

	it("a task not launched within startingDeadline of its job's arrival is dropped and counted", () => {
		const g = cron({ startingDeadline: "30s" }, { cpus: 16, mem: 128 });
		expect(g.jobs).toBe(12);
		expect(g.launched).toBe(0);
		// Dropped: the tasks of every tick but the last (at the run's end, not yet late).
		expect(g.deadlineMisses).toBe(10);
	});
});

describe("burstyQueue", () => {
	it("launches an agent task per waiting item, reaps idle agents, revives on enqueue", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "ci",
						offerPolicy: { declineRefuseSeconds: 600 },
						groups: [
							{
								name: "agent",
								pattern: "burstyQueue",
								arrivals: { kind: "poisson", ratePerMin: 20 },
								maxJobs: 20,
								idleTimeout: "1m",
								maxAgents: 8,
								resources: { cpus: 0.1, mem: 512 },
								lifecycle: { runFor: "30s" },
							},
						],
					},
				],
				{ duration: "8m" },
			),
		);
		const s = chameleon(sim, "ci").stats();
		const g = s.groups.agent!;
		expect(g.jobs).toBe(20);
		expect(g.itemsDone).toBe(20);
		expect(g.launched).toBeGreaterThan(1);
		expect(g.launched).toBeLessThanOrEqual(20);
		expect(g.peakRunning).toBeLessThanOrEqual(8);
		expect(g.reaped).toBe(g.launched);
		expect(g.running).toBe(0);
		expect(g.commands.every((c) => c === "sleep infinity")).toBe(true);
		expect(s.revives).toBeGreaterThan(0);
	});
});

describe("crashLoop", () => {
	it("restart gaps grow by the factor up to the cap", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "crashy",
						offerPolicy: { declineRefuseSeconds: 60 },
						groups: [
							{
								name: "c",
								pattern: "crashLoop",
								lifecycle: { failAfter: "5s", restart: { backoffMs: 1000, factor: 2, capMs: 16_000 } },
							},
						],
					},
				],
				{ duration: "5m" },
			),
		);
		const g = chameleon(sim, "crashy").stats().groups.c!;
		expect(g.commands.every((c) => c === "sleep 5 && exit 1")).toBe(true);
		const gaps = g.restartGaps;
		expect(gaps.length).toBeGreaterThan(8);
		const expected = [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000];
		expected.forEach((e, k) => {
			expect(gaps[k]!).toBeGreaterThanOrEqual(e);
			expect(gaps[k]!).toBeLessThanOrEqual(e + 1500);
		});
		for (const gap of gaps.slice(4)) expect(gap).toBeLessThanOrEqual(16_000 + 1500);
	});
});

describe("elasticScale", () => {
	it.each(["step", "ramp"] as const)("oscillates between min and max (%s)", (shape) => {
		const counts: number[] = [];
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "elastic",
						groups: [
							{
								name: "w",
								pattern: "elasticScale",
								elastic: { min: 2, max: 8, periodMs: 120_000, shape },
								resources: { cpus: 0.5, mem: 256 },
							},
						],
					},
				],
				{ duration: "10m" },
			),
			{
				onBuilt: (s) => every(s, 2000, () => counts.push(chameleon(s, "elastic").stats().groups.w!.running)),
			},
		);
		expect(Math.max(...counts)).toBe(8);
		expect(Math.min(...counts.slice(30))).toBe(2);
		// Several swings: count the times it reaches max after having been at min.
		let swings = 0;
		let low = false;
		for (const c of counts) {
			if (c === 2) low = true;
			if (c === 8 && low) {
				swings++;
				low = false;
			}
		}
		expect(swings).toBeGreaterThanOrEqual(3);
		if (shape === "ramp") expect(new Set(counts).size).toBeGreaterThan(4);
		expect(chameleon(sim, "elastic").stats().groups.w!.killed).toBeGreaterThan(0);
	});
});

describe("constrainedPlacement", () => {
	it("never breaks UNIQUE, MAX_PER, CLUSTER, GROUP_BY, LIKE or UNLIKE", () => {
		const churn = {
			failureProbability: 0.5,
			failAfter: { kind: "uniform", min: 20, max: 60 },
			restart: { backoffMs: 500 },
		};
		const groups = [
			{ name: "uniq", instances: 8, constraints: [["hostname", "UNIQUE"]] },
			{ name: "maxper", instances: 8, constraints: [["rack", "MAX_PER", 2]] },
			{ name: "clus", instances: 5, constraints: [["zone", "CLUSTER", "z1"]] },
			{ name: "clusany", instances: 4, constraints: [["rack", "CLUSTER"]] },
			{ name: "spread", instances: 9, constraints: [["rack", "GROUP_BY", 4]], churn: false },
			{ name: "like", instances: 4, constraints: [["hostname", "LIKE", "h[0-5]"]] },
			{ name: "unlike", instances: 4, constraints: [["rack", "UNLIKE", "r0|r1"]] },
		];
		let checks = 0;
		const broken: string[] = [];
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "placed",
						groups: groups.map((g) => ({
							name: g.name,
							pattern: "constrainedPlacement",
							instances: g.instances,
							constraints: g.constraints,
							resources: { cpus: 0.1, mem: 64 },
							lifecycle: g.churn === false ? {} : churn,
						})),
					},
				],
				{ agents: 12, duration: "10m" },
			),
			{
				onBuilt: (s) => {
					s.engine.afterEvent = () => {
						checks++;
						const byGroup = new Map<string, number[]>();
						for (const t of liveTasks(s, "placed")) {
							const g = t.info.name.slice(0, t.info.name.lastIndexOf("-"));
							byGroup.set(g, [...(byGroup.get(g) ?? []), t.agent]);
						}
						const count = (agents: number[], field: string) => {
							const m = new Map<string, number>();
							for (const a of agents) {
								const v = agentValue(s, a, field)!;
								m.set(v, (m.get(v) ?? 0) + 1);
							}
							return m;
						};
						const fail = (why: string) => {
							if (broken.length < 5) broken.push(`${s.engine.now}: ${why}`);
						};
						const uniq = count(byGroup.get("uniq") ?? [], "hostname");
						if ([...uniq.values()].some((n) => n > 1)) fail("UNIQUE hostname");
						const maxper = count(byGroup.get("maxper") ?? [], "rack");
						if ([...maxper.values()].some((n) => n > 2)) fail("MAX_PER rack 2");
						const clus = count(byGroup.get("clus") ?? [], "zone");
						if ([...clus.keys()].some((z) => z !== "z1")) fail("CLUSTER zone z1");
						if (count(byGroup.get("clusany") ?? [], "rack").size > 1) fail("CLUSTER rack");
						for (const a of byGroup.get("like") ?? [])
							if (!/^h[0-5]$/.test(agentValue(s, a, "hostname")!)) fail("LIKE hostname");
						for (const a of byGroup.get("unlike") ?? [])
							if (/^(r0|r1)$/.test(agentValue(s, a, "rack")!)) fail("UNLIKE rack");
					};
				},
			},
		);
		expect(checks).toBeGreaterThan(1000);
		expect(broken).toEqual([]);
		const st = chameleon(sim, "placed").stats().groups;
		for (const g of groups) expect(st[g.name]!.launched, g.name).toBeGreaterThanOrEqual(g.instances);
		expect(st.maxper!.running).toBe(8);
		expect(st.spread!.running).toBe(9);
		// GROUP_BY spreads evenly: 9 over 4 racks is 3, 2, 2, 2.
		const racks = new Map<string, number>();
		for (const t of liveTasks(sim, "placed").filter((x) => x.info.name.startsWith("spread-"))) {
			const r = agentValue(sim, t.agent, "rack")!;
			racks.set(r, (racks.get(r) ?? 0) + 1);
		}
		expect([...racks.values()].sort()).toEqual([2, 2, 2, 3]);
	});
});

describe("bigNodeTasks", () => {
	it("puts one big task per host", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "k8s",
						groups: [{ name: "node", pattern: "bigNodeTasks", instances: 4 }],
					},
				],
				{ agents: 6, duration: "2m" },
			),
		);
		const tasks = chameleon(sim, "k8s").tasks();
		expect(tasks.length).toBe(4);
		expect(new Set(tasks.map((t) => t.hostname)).size).toBe(4);
		const fw = sim.master.frameworks.find((f) => f.info.name === "k8s")!;
		expect(fw.tasks.size).toBe(4);
		for (const t of fw.tasks.values()) expect([t.q[0], t.q[1], t.q[2]]).toEqual([3, 3072, 10240]);
	});
});

describe("traceReplay", () => {
	it("replays a CSV trace: one task per row at its arrival, running its duration", () => {
		const dir = mkdtempSync(join(tmpdir(), "mesosim-trace-"));
		const path = join(dir, "trace.csv");
		writeFileSync(
			path,
			[
				"arrival_s,duration_s,cpus,mem",
				"0,20,1,512",
				"10,5.5,0.5,256",
				"10,30,2,1024",
				"# a comment",
				"",
				"65,12,1,128",
			].join("\n"),
		);
		const { sim } = runSimulation(
			scenario(
				[{ type: "chameleon", name: "replay", groups: [{ name: "t", pattern: "traceReplay", trace: path }] }],
				{
					duration: "3m",
				},
			),
		);
		const g = chameleon(sim, "replay").stats().groups.t!;
		expect(g.jobs).toBe(4);
		expect(g.commands).toEqual(["sleep 20", "sleep 5.5", "sleep 30", "sleep 12"]);
		const launches = g.log.filter((e) => e.ev === "launch").map((e) => e.t);
		expect(launches.length).toBe(4);
		[0, 10_000, 10_000, 65_000].forEach((t, k) => {
			expect(launches[k]!).toBeGreaterThanOrEqual(t);
			expect(launches[k]!).toBeLessThanOrEqual(t + 2000);
		});
		expect(g.finished).toBe(4);
	});

	it("timeScale stretches the trace; inline rows work too", () => {
		const { sim } = runSimulation(
			scenario(
				[
					{
						type: "chameleon",
						name: "replay",
						groups: [{ name: "t", pattern: "traceReplay", timeScale: 2, trace: [[5, 10, 1, 128]] }],
					},
				],
				{ duration: "1m" },
			),
		);
		const g = chameleon(sim, "replay").stats().groups.t!;
		expect(g.commands).toEqual(["sleep 20"]);
		expect(g.log.find((e) => e.ev === "launch")!.t).toBeGreaterThanOrEqual(10_000);
	});
});
