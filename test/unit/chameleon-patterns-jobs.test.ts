/**
 * The chameleon's batch and job patterns (burstyQueue, gang, greedyGrabber,
 * constrainedPlacement, bigNodeTasks, traceReplay): the behaviour
 * docs/chameleon.md describes, pinned down from the mutation run's survivors
 * (docs/testing.md). Offers come every 5 s here, so a request made at t is
 * launched at the next offer round.
 */
import { describe, expect, it } from "vitest";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import type { LogEntry } from "../../frameworks/chameleon/patterns/base.js";
import { resolveChameleonSpec } from "../../frameworks/chameleon/spec/index.js";
import type { TaskRecord } from "../../master/records.js";
import { runApp } from "../helpers/chameleon-run.js";

/** "t ev id state" lines of a group's log, for exact comparisons. */
function lines(log: readonly LogEntry[]): string[] {
	return log.map((e) => `${e.t} ${e.ev} ${e.id}${e.state !== undefined ? ` ${e.state}` : ""}`);
}

/** A burstyQueue group "q" with items arriving every `every` from `at` (cron: exact times). */
function queue(over: Record<string, unknown>, every = "5s", at = "1s") {
	return { name: "q", pattern: "burstyQueue", arrivals: { kind: "cron", every, at }, ...over };
}

describe("burstyQueue", () => {
	it("one of two starting agents lost: one more starts, not two", () => {
		const { app } = runApp(
			[
				queue(
					{
						maxJobs: 2,
						constraints: [["hostname", "UNIQUE"]],
						idleTimeout: "1m",
						lifecycle: { runFor: "60s", startupDelay: "20s" },
					},
					"1s",
				),
			],
			{
				duration: "5m",
				agents: 3,
				timeline: [{ at: "10s", action: "crashAgents", agents: { indices: [2] } }],
			},
		);
		const g = app.stats().groups.q!;
		expect(g.launched).toBe(3);
		expect(lines(g.log).filter((l) => l.includes("launch") || l.includes("LOST"))).toEqual([
			"5000 launch q-0",
			"5000 launch q-1",
			"10000 end q-0 TASK_LOST",
			"15000 launch q-2",
		]);
	});

	it("an item with no run time (runFor infinite) takes 60 s; agent tasks are named <group>-agent", () => {
		const { app } = runApp([queue({ maxJobs: 1, idleTimeout: "1m", lifecycle: { runFor: "infinite" } })], {
			duration: "5m",
		});
		const g = app.stats().groups.q!;
		expect(lines(g.log)).toEqual(["5000 launch q-0", "5000 running q-0", "125000 end q-0 TASK_KILLED"]);
		expect(g.log.map((e) => e.name)).toEqual(["q-agent", "q-agent", "q-agent"]);
	});

	it("items arriving faster than offers: the agent requests waiting for offers count against maxAgents", () => {
		const { app } = runApp(
			[queue({ maxJobs: 3, maxAgents: 2, idleTimeout: "1m", lifecycle: { runFor: "30s" } }, "1s")],
			{
				duration: "5m",
			},
		);
		const g = app.stats().groups.q!;
		expect(g.launched).toBe(2);
		expect(g.itemsDone).toBe(3);
	});

	it("an agent that starts after its item was taken by a freed agent idles and is reaped", () => {
		const { app } = runApp(
			[queue({ maxJobs: 2, idleTimeout: "1m", lifecycle: { runFor: "10s", startupDelay: "20s" } }, "29s")],
			{ duration: "5m" },
		);
		const g = app.stats().groups.q!;
		// q-0 runs item 1 (25–35 s), then item 2 (35–45 s), which had made q-1 start (30 s).
		expect(lines(g.log)).toEqual([
			"5000 launch q-0",
			"25000 running q-0",
			"30000 launch q-1",
			"50000 running q-1",
			"105000 end q-0 TASK_KILLED",
			"110000 end q-1 TASK_KILLED",
		]);
		expect(g.reaped).toBe(2);
		expect(g.live).toBe(0);
	});

	it("a running agent lost while another starts: only the lost item needs a new agent", () => {
		const { app } = runApp(
			[
				queue(
					{
						maxJobs: 2,
						constraints: [["hostname", "UNIQUE"]],
						idleTimeout: "1m",
						lifecycle: { runFor: "60s", startupDelay: "10s" },
					},
					"20s",
				),
			],
			{
				duration: "5m",
				agents: 3,
				timeline: [{ at: "32s", action: "crashAgents", agents: { indices: [2] } }],
			},
		);
		const g = app.stats().groups.q!;
		// q-0 (item 1) is lost at 32 s while q-1 starts for item 2: one more agent, not two.
		expect(lines(g.log).filter((l) => !l.includes("running"))).toEqual([
			"5000 launch q-0",
			"25000 launch q-1",
			"32000 end q-0 TASK_LOST",
			"35000 launch q-2",
			"155000 end q-1 TASK_KILLED",
			"165000 end q-2 TASK_KILLED",
		]);
		expect(g.itemsDone).toBe(2);
	});

	it("an agent lost while idle is not reaped later", () => {
		const { app } = runApp([queue({ maxJobs: 1, idleTimeout: "1m", lifecycle: { runFor: "10s" } })], {
			duration: "3m",
			agents: 1,
			timeline: [{ at: "30s", action: "crashAgents", agents: {}, for: "10s" }],
		});
		const g = app.stats().groups.q!;
		expect(g.itemsDone).toBe(1);
		expect(g.reaped).toBe(0);
		expect(lines(g.log)).toEqual(["5000 launch q-0", "5000 running q-0", "30000 end q-0 TASK_LOST"]);
	});

	it("the item of a lost agent goes back to the head of the queue", () => {
		const done: number[] = [];
		runApp(
			[
				queue({
					maxJobs: 3,
					maxAgents: 1,
					idleTimeout: "1m",
					lifecycle: { runFor: { kind: "uniform", min: 10, max: 100 } },
				}),
			],
			{
				duration: "5m",
				agents: 1,
				timeline: [{ at: "8s", action: "crashAgents", agents: {}, for: "2s" }],
				onBuilt: (sim) => {
					const tick = () => {
						const n = (sim.frameworks[0]!.scheduler as ChameleonFramework).stats().groups.q!.itemsDone;
						if (n > done.length) done.push(sim.engine.now);
						sim.engine.timeout(1000, tick);
					};
					sim.engine.timeout(1000, tick);
				},
			},
		);
		// Item 1 (drawn 99 s and a bit) was running when the agent went at 8 s;
		// item 2 (42 s) was waiting. The new agent (10 s) runs item 1 first.
		expect(done).toEqual([110_000, 151_000, 249_000]);
	});

	it("an agent lost while starting: another starts for its item", () => {
		const { app } = runApp(
			[queue({ maxJobs: 1, idleTimeout: "1m", lifecycle: { runFor: "30s", startupDelay: "20s" } })],
			{ duration: "5m", agents: 1, timeline: [{ at: "10s", action: "crashAgents", agents: {}, for: "10s" }] },
		);
		const g = app.stats().groups.q!;
		expect(g.itemsDone).toBe(1);
		// The new agent runs at 40 s, works until 70 s, idles 1 min.
		expect(lines(g.log)).toEqual([
			"5000 launch q-0",
			"10000 end q-0 TASK_LOST",
			"20000 launch q-1",
			"40000 running q-1",
			"130000 end q-1 TASK_KILLED",
		]);
	});

	it("an idle agent runs the next item; it is reaped idleTimeout after its last item", () => {
		const { app } = runApp(
			[queue({ maxJobs: 3, idleTimeout: "3m", lifecycle: { runFor: "30s" } }, "2m", "10s")],
			{ duration: "15m" },
		);
		const g = app.stats().groups.q!;
		expect(g.arrivals).toEqual([10_000, 130_000, 250_000]);
		expect(g.itemsDone).toBe(3);
		expect(g.reaped).toBe(1);
		// One agent for all three items: each arrives while it idles. Its last
		// item ends at 250 s + 30 s; 3 min later it is killed.
		expect(lines(g.log)).toEqual(["10000 launch q-0", "10000 running q-0", "460000 end q-0 TASK_KILLED"]);
		expect(g.commands).toEqual(["sleep infinity"]);
	});

	it("items waiting for agents that are starting launch no more agents than items", () => {
		const { app } = runApp(
			[queue({ maxJobs: 4, idleTimeout: "1m", lifecycle: { runFor: "30s", startupDelay: "20s" } })],
			{ duration: "5m" },
		);
		const g = app.stats().groups.q!;
		// Each item arrives while every agent is still starting: one agent each.
		expect(g.launched).toBe(4);
		expect(g.itemsDone).toBe(4);
		expect(g.reaped).toBe(4);
		// Each agent takes its item when it runs (20 s after its launch), and idles after 30 s.
		expect(lines(g.log).filter((l) => l.includes("end"))).toEqual([
			"115000 end q-0 TASK_KILLED",
			"120000 end q-1 TASK_KILLED",
			"125000 end q-2 TASK_KILLED",
			"130000 end q-3 TASK_KILLED",
		]);
	});

	it("up to maxAgents agents start at once; the items beyond wait for one to be free", () => {
		const { app } = runApp(
			[
				queue({
					maxJobs: 4,
					maxAgents: 2,
					idleTimeout: "1m",
					lifecycle: { runFor: "30s", startupDelay: "20s" },
				}),
			],
			{ duration: "5m" },
		);
		const g = app.stats().groups.q!;
		expect(g.launched).toBe(2);
		expect(g.peakRunning).toBe(2);
		expect(g.itemsDone).toBe(4);
		// The second item (6 s) finds the first agent still starting: a second
		// one starts at once, not after the first is running.
		expect(lines(g.log).filter((l) => !l.includes("end"))).toEqual([
			"5000 launch q-0",
			"10000 launch q-1",
			"25000 running q-0",
			"30000 running q-1",
		]);
		// Items 1 and 3 on q-0 (25–55 s, 55–85 s), 2 and 4 on q-1 (30–60 s, 60–90 s); then 1 min idle.
		expect(lines(g.log).filter((l) => l.includes("end"))).toEqual([
			"145000 end q-0 TASK_KILLED",
			"150000 end q-1 TASK_KILLED",
		]);
	});

	it("items left waiting at the end are counted", () => {
		const { app } = runApp(
			[queue({ maxJobs: 5, maxAgents: 1, idleTimeout: "1m", lifecycle: { runFor: "1m" } })],
			{ duration: "2m" },
		);
		const g = app.stats().groups.q!;
		// One agent from 5 s: items 1 (5–65 s) and 2 (65–125 s, still running); 3, 4, 5 wait.
		expect(g.launched).toBe(1);
		expect(g.itemsDone).toBe(1);
		expect(g.itemsQueued).toBe(3);
	});

	it("an agent lost with its item: the item runs again from the start on a new agent", () => {
		const { app } = runApp([queue({ maxJobs: 1, idleTimeout: "1m", lifecycle: { runFor: "60s" } })], {
			duration: "5m",
			agents: 1,
			timeline: [{ at: "30s", action: "crashAgents", agents: {}, for: "10s" }],
		});
		const g = app.stats().groups.q!;
		expect(g.jobs).toBe(1);
		expect(g.itemsDone).toBe(1);
		expect(g.reaped).toBe(1);
		// The item's 60 s start over at 40 s on the new agent; it idles 1 min after 100 s.
		expect(lines(g.log)).toEqual([
			"5000 launch q-0",
			"5000 running q-0",
			"30000 end q-0 TASK_LOST",
			"40000 launch q-1",
			"40000 running q-1",
			"160000 end q-1 TASK_KILLED",
		]);
	});
});

/** A gang group "g" of 1 cpu / 256 MB members. */
function gang(over: Record<string, unknown>) {
	return { name: "g", pattern: "gang", resources: { cpus: 1, mem: 256 }, ...over };
}

/** Each distinct (reason, detail) of the records, in order, with its first time. */
function said(reasons: readonly { time: number; reason: string; detail: string }[]): string[] {
	const out: string[] = [];
	for (const r of reasons) {
		const line = `${r.reason}: ${r.detail}`;
		if (!out.some((l) => l.endsWith(line))) out.push(`${r.time} ${line}`);
	}
	return out;
}

describe("gang", () => {
	it("a failure draw fails one member after failAfter; the others are killed; the gang is retried after the backoff", () => {
		const { app } = runApp(
			[
				gang({
					gangSize: 3,
					lifecycle: {
						runFor: "60s",
						failureProbability: 1,
						failAfter: "10s",
						retries: 2,
						restart: { backoffMs: 5000, factor: 2, capMs: 60_000 },
					},
				}),
			],
			{ duration: "5m" },
		);
		const g = app.stats().groups.g!;
		expect(g.jobs).toBe(1);
		expect(g.gangLaunches).toBe(3);
		expect(g.gangFailures).toBe(3);
		expect(g.failed).toBe(3);
		expect(g.killed).toBe(6);
		// One member of each attempt (the drawn rank) fails; the rest share the run time.
		expect(g.commands).toEqual([
			...["sleep 60", "sleep 10 && exit 1", "sleep 60"],
			...["sleep 60", "sleep 10 && exit 1", "sleep 60"],
			...["sleep 60", "sleep 10 && exit 1", "sleep 60"],
		]);
		const attempt = (a: number, t: number) => [
			...[0, 1, 2].map((r) => `${t} launch g-0.${a}-${r}`),
			...[0, 1, 2].map((r) => `${t} running g-0.${a}-${r}`),
			`${t + 10_000} end g-0.${a}-1 TASK_FAILED`,
			`${t + 10_000} end g-0.${a}-0 TASK_KILLED`,
			`${t + 10_000} end g-0.${a}-2 TASK_KILLED`,
		];
		// Retries after 5 s, then 10 s (backoff × factor); none after the second retry.
		expect(lines(g.log)).toEqual([...attempt(0, 0), ...attempt(1, 15_000), ...attempt(2, 35_000)]);
	});

	it("without failAfter the failing member fails at the gang's run time; no retries, no relaunch", () => {
		const { app } = runApp([gang({ gangSize: 3, lifecycle: { runFor: "60s", failureProbability: 1 } })], {
			duration: "5m",
		});
		const g = app.stats().groups.g!;
		expect(g.commands).toEqual(["sleep 60", "sleep 60 && exit 1", "sleep 60"]);
		expect(g.launched).toBe(3);
		expect(g.gangFailures).toBe(1);
		expect(g.finished).toBe(2);
		expect(g.failed).toBe(1);
	});

	it("members share one drawn run time, the failing member's included; their task name is the gang's", () => {
		const { app } = runApp(
			[
				gang({
					gangSize: 3,
					lifecycle: { runFor: { kind: "uniform", min: 10, max: 100 }, failureProbability: 1 },
				}),
			],
			{ duration: "3m" },
		);
		const g = app.stats().groups.g!;
		const [a, b, c] = g.commands;
		expect(b).toBe(`${a} && exit 1`);
		expect(c).toBe(a);
		expect(a).not.toBe("sleep 10");
		expect(new Set(g.log.map((e) => e.name))).toEqual(new Set(["g-0"]));
	});

	it("arrivals add gangs; a gang that finishes is not retried", () => {
		const { app } = runApp(
			[
				gang({
					instances: 0,
					gangSize: 2,
					arrivals: { kind: "cron", every: "30s", at: "10s" },
					maxJobs: 2,
					lifecycle: { runFor: "10s", retries: 1 },
				}),
			],
			{ duration: "2m" },
		);
		const g = app.stats().groups.g!;
		expect(g.jobs).toBe(2);
		expect(g.gangLaunches).toBe(2);
		expect(g.finished).toBe(4);
		expect(lines(g.log).filter((l) => l.includes("launch"))).toEqual([
			"10000 launch g-0.0-0",
			"10000 launch g-0.0-1",
			"40000 launch g-1.0-0",
			"40000 launch g-1.0-1",
		]);
	});

	it("a gang that runs for ever fails, when drawn to, between 1 s and 30 s", () => {
		const { app } = runApp(
			[gang({ gangSize: 3, lifecycle: { runFor: "infinite", failureProbability: 1 } })],
			{
				duration: "2m",
			},
		);
		const g = app.stats().groups.g!;
		expect(g.commands.filter((c) => c === "sleep infinity")).toHaveLength(2);
		const failing = g.commands.find((c) => c !== "sleep infinity")!;
		const m = /^sleep ([\d.]+) && exit 1$/.exec(failing);
		expect(m, failing).not.toBeNull();
		const at = Number(m![1]) * 1000;
		expect(at).toBeGreaterThanOrEqual(1000);
		expect(at).toBeLessThanOrEqual(30_000);
		expect(g.gangFailures).toBe(1);
		expect(lines(g.log).filter((l) => l.includes("end"))).toEqual([
			`${at} end g-0.0-1 TASK_FAILED`,
			`${at} end g-0.0-0 TASK_KILLED`,
			`${at} end g-0.0-2 TASK_KILLED`,
		]);
	});

	it("failureProbability is drawn per gang: some gangs fail, the others finish", () => {
		const { app } = runApp(
			[
				gang({
					instances: 10,
					gangSize: 2,
					lifecycle: { runFor: "60s", failureProbability: 0.5, failAfter: "10s" },
				}),
			],
			{ duration: "2m" },
		);
		const g = app.stats().groups.g!;
		expect(g.gangLaunches).toBe(10);
		expect(g.gangFailures).toBeGreaterThan(0);
		expect(g.gangFailures).toBeLessThan(10);
		// One failing member per failed gang, its partner killed; every other member finishes.
		expect(g.commands.filter((c) => c === "sleep 10 && exit 1")).toHaveLength(g.gangFailures);
		expect(g.failed).toBe(g.gangFailures);
		expect(g.killed).toBe(g.gangFailures);
		expect(g.finished).toBe(20 - 2 * g.gangFailures);
	});

	it("no failure draw: every member finishes", () => {
		const { app } = runApp(
			[
				gang({
					instances: 4,
					gangSize: 2,
					lifecycle: { runFor: "60s", failureProbability: 0, failAfter: "10s" },
				}),
			],
			{ duration: "2m" },
		);
		const g = app.stats().groups.g!;
		expect(g.commands.every((c) => c === "sleep 60")).toBe(true);
		expect(g.finished).toBe(8);
		expect(g.gangFailures).toBe(0);
	});

	it("gangs wait in FIFO order: the second launches whole once the first has ended", () => {
		const { app, reasons } = runApp(
			[gang({ instances: 2, gangSize: 3, resources: { cpus: 4, mem: 256 }, lifecycle: { runFor: "60s" } })],
			{
				duration: "3m",
				agents: 2,
			},
		);
		const g = app.stats().groups.g!;
		expect(g.gangLaunches).toBe(2);
		expect(lines(g.log).filter((l) => l.includes("launch"))).toEqual([
			"0 launch g-0.0-0",
			"0 launch g-0.0-1",
			"0 launch g-0.0-2",
			"61000 launch g-1.0-0",
			"61000 launch g-1.0-1",
			"61000 launch g-1.0-2",
		]);
		// While the first runs, the second does not fit: the offer with 4 cpus left
		// holds one member of three; the full agent's offer not even one.
		expect(said(reasons).filter((l) => l.includes("DOES_NOT_FIT"))).toEqual([
			"5000 DOES_NOT_FIT: gang g-1 (3 × 4 cpus, 256 MB mem) launches all or nothing: 1 of 3 fit in the offers at hand (acceptPartialGang is off: no offer is kept for it)",
			"5000 DOES_NOT_FIT: gang g-1 (3 × 4 cpus, 256 MB mem): a task needs 4 cpus, 256 MB mem; the offer has 0 cpus, 15872 MB mem, 100000 MB disk, 1001 ports",
		]);
	});

	it("a retried gang queues behind the gangs already waiting; a gang once taken back still fails and retries whole", () => {
		const { app } = runApp(
			[
				gang({
					instances: 2,
					gangSize: 3,
					resources: { cpus: 4, mem: 256 },
					lifecycle: {
						runFor: "60s",
						failureProbability: 1,
						failAfter: "10s",
						retries: 1,
						restart: { backoffMs: 1000 },
					},
				}),
			],
			{ duration: "3m", agents: 2 },
		);
		const g = app.stats().groups.g!;
		// Gang 1 does not fit beside gang 0 at 0 s (one member placed, then taken
		// back); it launches when gang 0 fails, and gang 0's retry waits behind it.
		expect(lines(g.log).filter((l) => l.includes("launch") && l.endsWith("-0"))).toEqual([
			"0 launch g-0.0-0",
			"11000 launch g-1.0-0",
			"22000 launch g-0.1-0",
			"33000 launch g-1.1-0",
		]);
		expect(g.gangFailures).toBe(4);
		expect(g.live).toBe(0);
	});

	it("with every gang launched it wants no offers: suppressWhenIdle suppresses", () => {
		const { app } = runApp([gang({ gangSize: 2, lifecycle: { runFor: "60s" } })], {
			duration: "2m",
			framework: { offerPolicy: { suppressWhenIdle: true } },
		});
		expect(app.stats().groups.g!.gangLaunches).toBe(1);
		expect(app.stats().suppresses).toBe(1);
	});

	it("a member lost with its agent fails the gang: the others are killed and the gang is retried", () => {
		const { app, reasons } = runApp(
			[
				gang({
					gangSize: 2,
					resources: { cpus: 6, mem: 256 },
					lifecycle: { runFor: "60s", retries: 1, restart: { backoffMs: 5000 } },
				}),
			],
			{
				duration: "3m",
				agents: 3,
				timeline: [{ at: "20s", action: "crashAgents", agents: { indices: [0] } }],
			},
		);
		const g = app.stats().groups.g!;
		expect(g.gangFailures).toBe(1);
		expect(lines(g.log).filter((l) => l.includes("end"))).toEqual([
			"20000 end g-0.0-1 TASK_LOST",
			"20000 end g-0.0-0 TASK_KILLED",
		]);
		// The retry is queued 5 s later as attempt 2.
		expect(g.commands).toHaveLength(4);
		const lines2 = said(reasons);
		expect(lines2).toContain(
			"21000 BACKING_OFF: g: 1 restart waits out the backoff (the last until t=25 s, 4 s from now)",
		);
		expect(
			lines2.some((l) => l.startsWith("25000 DOES_NOT_FIT: gang g-0 (2 × 6 cpus, 256 MB mem, attempt 2)")),
		).toBe(true);
	});

	it("a gang not placed by gangTimeout fails and is retried; its retry times out in turn", () => {
		const group = gang({
			gangSize: 3,
			gangTimeout: "1m",
			resources: { cpus: 4, mem: 256 },
			lifecycle: { runFor: "60s", retries: 1, restart: { backoffMs: 5000, factor: 2, capMs: 60_000 } },
		});
		// Two agents of 4 cpus: two members of three fit, never the third.
		const cluster = { agents: 2, cpus: 4 };
		const early = runApp([group], { ...cluster, duration: "2m" }).app.stats().groups.g!;
		expect(early.gangTimeouts).toBe(1); // the retry (queued at 65 s) times out at 125 s
		const { app, reasons } = runApp([group], { ...cluster, duration: "2m10s" });
		const g = app.stats().groups.g!;
		expect(g.gangTimeouts).toBe(2);
		expect(g.launched).toBe(0);
		expect(g.jobs).toBe(1);
		expect(g.commands).toHaveLength(6);
		expect(said(reasons)).toEqual([
			"0 DOES_NOT_FIT: gang g-0 (3 × 4 cpus, 256 MB mem) launches all or nothing: 2 of 3 fit in the offers at hand (acceptPartialGang is off: no offer is kept for it)",
			"60000 BACKING_OFF: g: 1 restart waits out the backoff (the last until t=65 s, 5 s from now)",
			"65000 DOES_NOT_FIT: gang g-0 (3 × 4 cpus, 256 MB mem, attempt 2) launches all or nothing: 2 of 3 fit in the offers at hand (acceptPartialGang is off: no offer is kept for it)",
			"125000 NOTHING_PENDING: no task waiting (g 0 live)",
		]);
	});

	it("acceptPartialGang keeps the offers that hold members until gangTimeout, then releases them", () => {
		const { app, reasons } = runApp(
			[
				gang({
					gangSize: 3,
					gangTimeout: "1m",
					resources: { cpus: 4, mem: 256 },
					lifecycle: { runFor: "60s", retries: 1, restart: { backoffMs: 5000, factor: 2, capMs: 60_000 } },
				}),
			],
			{ duration: "2m10s", agents: 2, cpus: 4, framework: { offerPolicy: { acceptPartialGang: true } } },
		);
		expect(app.stats().groups.g!.gangTimeouts).toBe(2);
		expect(said(reasons)).toEqual([
			"0 HOLDING_FOR_GANG: gang g-0 (3 × 4 cpus, 256 MB mem): 2 of 3 fit in the offers held so far; kept until t=60 s, 60 s from now (gangTimeout)",
			"60000 NOTHING_PENDING: gang g-0 (3 × 4 cpus, 256 MB mem) gave up at its gangTimeout; no task waiting (g 0 live)",
			"65000 HOLDING_FOR_GANG: gang g-0 (3 × 4 cpus, 256 MB mem, attempt 2): 2 of 3 fit in the offers held so far; kept until t=125 s, 60 s from now (gangTimeout)",
			"125000 NOTHING_PENDING: gang g-0 (3 × 4 cpus, 256 MB mem, attempt 2) gave up at its gangTimeout; no task waiting (g 0 live)",
			"130000 NOTHING_PENDING: no task waiting (g 0 live)",
		]);
		// Both offers were held: one record each at the first hold.
		expect(
			reasons.filter((r) => r.time === 0 && r.reason === "HOLDING_FOR_GANG").flatMap((r) => r.offer_ids),
		).toHaveLength(2);
	});

	it("without gangTimeout the offers are held with no time limit; a member too big for every offer says so", () => {
		const held = runApp(
			[gang({ gangSize: 3, resources: { cpus: 5, mem: 256 }, lifecycle: { runFor: "60s" } })],
			{
				duration: "20s",
				agents: 2,
				framework: { offerPolicy: { acceptPartialGang: true } },
			},
		);
		expect(said(held.reasons)).toEqual([
			"0 HOLDING_FOR_GANG: gang g-0 (3 × 5 cpus, 256 MB mem): 2 of 3 fit in the offers held so far; kept until no time limit (gangTimeout)",
		]);
		const big = runApp(
			[gang({ gangSize: 2, resources: { cpus: 10, mem: 256 }, lifecycle: { runFor: "60s" } })],
			{
				duration: "20s",
				agents: 2,
				framework: { offerPolicy: { acceptPartialGang: true } },
			},
		);
		// No member fits any offer: nothing is held.
		expect(said(big.reasons)).toEqual([
			"0 DOES_NOT_FIT: gang g-0 (2 × 10 cpus, 256 MB mem): a task needs 10 cpus, 256 MB mem; the offer has 8 cpus, 16384 MB mem, 100000 MB disk, 1001 ports",
		]);
	});
});

/** A greedyGrabber group "e" of 1 cpu / 1024 MB. */
function grabber(over: Record<string, unknown>) {
	return { name: "e", pattern: "greedyGrabber", resources: { cpus: 1, mem: 1024 }, ...over };
}

/** The LAUNCHED details: "1 task of group e (greedyGrabber, <size> each: <id>)" → "<id> <size>". */
function sizes(reasons: readonly { reason: string; detail: string }[]): string[] {
	return reasons
		.filter((r) => r.reason === "LAUNCHED")
		.map((r) => /^1 task of group e \(greedyGrabber, (.*) each: (e-\d+)\)$/.exec(r.detail)!)
		.map((m) => `${m[2]} ${m[1]}`);
}

describe("greedyGrabber", () => {
	it("a group that waits for another (after) grabs nothing before it starts, then revives the suppressed framework", () => {
		const { app } = runApp(
			[
				grabber({ after: "db", scale: "none", instances: 2, resources: { cpus: 1, mem: 100 } }),
				{
					name: "db",
					pattern: "steadyService",
					instances: 1,
					resources: { cpus: 1, mem: 128 },
					lifecycle: { startupDelay: "20s" },
				},
			],
			{ duration: "1m", agents: 3, framework: { offerPolicy: { suppressWhenIdle: true } } },
		);
		// db launched, nothing is pending: suppressed. db runs at 20 s: the grabber starts and revives.
		expect(lines(app.stats().groups.e!.log).filter((l) => l.includes("launch"))).toEqual([
			"20000 launch e-0",
			"20000 launch e-1",
		]);
		expect(app.stats().revives).toBe(1);
	});

	it("scale cpus: one task per agent taking all its cpus, with the fixed memory", () => {
		const { app, reasons } = runApp([grabber({ scale: "cpus" })], { duration: "10s", agents: 2 });
		expect(sizes(reasons)).toEqual(["e-0 8 cpus, 1024 MB mem", "e-1 8 cpus, 1024 MB mem"]);
		expect(app.stats().groups.e!.launched).toBe(2);
		// The agents' next offers (with memory left) are not for it: one task per agent.
		expect(said(reasons).filter((l) => l.includes("CONSTRAINT_NOT_MET"))).toEqual([
			"5000 CONSTRAINT_NOT_MET: one task per agent: a task of e already runs on h1",
			"5000 CONSTRAINT_NOT_MET: one task per agent: a task of e already runs on h0",
		]);
	});

	it("cpusMax caps the cpus it takes: the last task gets what is left; then it wants nothing", () => {
		const { app, reasons } = runApp([grabber({ scale: "cpus", cpusMax: 12 })], {
			duration: "10s",
			agents: 3,
		});
		expect(sizes(reasons)).toEqual(["e-0 8 cpus, 1024 MB mem", "e-1 4 cpus, 1024 MB mem"]);
		expect(app.stats().groups.e!.launched).toBe(2);
		expect(said(reasons).filter((l) => !l.includes("LAUNCHED"))).toEqual([
			"0 NOTHING_PENDING: no task waiting (e 2 live)",
		]);
	});

	it("less than a task left under cpusMax: the offer does not fit, and the record says how much is left", () => {
		const { app, reasons } = runApp([grabber({ scale: "cpus", cpusMax: 8.5 })], {
			duration: "3s",
			agents: 2,
		});
		expect(app.stats().groups.e!.launched).toBe(1);
		expect(said(reasons)).toEqual([
			"0 LAUNCHED: 1 task of group e (greedyGrabber, 8 cpus, 1024 MB mem each: e-0)",
			"0 DOES_NOT_FIT: a task needs at least 1 cpus, 1024 MB mem (0.5 cpus left under cpusMax); the offer has 8 cpus, 16384 MB mem, 100000 MB disk, 1001 ports",
		]);
	});

	it("scale slots: as many whole slots as the offer holds, at most maxSlotsPerTask", () => {
		const capped = runApp([grabber({ scale: "slots", maxSlotsPerTask: 3 })], { duration: "3s", agents: 2 });
		expect(sizes(capped.reasons)).toEqual(["e-0 3 cpus, 3072 MB mem", "e-1 3 cpus, 3072 MB mem"]);
		// Memory for two slots only.
		const byMem = runApp([grabber({ scale: "slots", maxSlotsPerTask: 3 })], {
			duration: "3s",
			agents: 2,
			mem: 2048,
		});
		expect(sizes(byMem.reasons)).toEqual(["e-0 2 cpus, 2048 MB mem", "e-1 2 cpus, 2048 MB mem"]);
		// cpus for two and a half: two.
		const byCpus = runApp([grabber({ scale: "slots", resources: { cpus: 3, mem: 100, disk: 10 } })], {
			duration: "3s",
			agents: 1,
		});
		expect(sizes(byCpus.reasons)).toEqual(["e-0 6 cpus, 200 MB mem, 20 MB disk"]);
		// Under cpusMax: the slots that fit in what is left.
		const byMax = runApp([grabber({ scale: "slots", cpusMax: 5 })], { duration: "3s", agents: 2 });
		expect(sizes(byMax.reasons)).toEqual(["e-0 5 cpus, 5120 MB mem"]);
	});

	it("scale slots: GPUs bound the slots too, and a task takes its slots' GPUs", () => {
		const { reasons } = runApp(
			[grabber({ scale: "slots", maxSlotsPerTask: 3, resources: { cpus: 1, mem: 1024, gpus: 1 } })],
			{ duration: "3s", agents: 1, gpus: 2 },
		);
		expect(sizes(reasons)).toEqual(["e-0 2 cpus, 2048 MB mem, 2 gpus"]);
	});

	it("sizes survive floating point: 0.3 cpus hold three 0.1-cpu slots; 2.01 cpus are taken whole", () => {
		const slots = runApp([grabber({ scale: "slots", resources: { cpus: 0.1, mem: 100 } })], {
			duration: "3s",
			agents: 1,
			cpus: 0.3,
		});
		expect(sizes(slots.reasons)).toEqual(["e-0 0.3 cpus, 300 MB mem"]);
		const cpus = runApp([grabber({ scale: "cpus", resources: { cpus: 0.1, mem: 100 } })], {
			duration: "3s",
			agents: 1,
			cpus: 2.01,
		});
		expect(sizes(cpus.reasons)).toEqual(["e-0 2.01 cpus, 100 MB mem"]);
	});

	it("scale none: cpusMax is a bound it may reach", () => {
		const { reasons } = runApp([grabber({ scale: "none", cpusMax: 2, resources: { cpus: 1, mem: 100 } })], {
			duration: "3s",
			agents: 3,
		});
		expect(sizes(reasons)).toEqual(["e-0 1 cpus, 100 MB mem", "e-1 1 cpus, 100 MB mem"]);
	});

	it("scale slots: not even one slot fits, and the record says what a slot needs", () => {
		const { app, reasons } = runApp([grabber({ scale: "slots", resources: { cpus: 1, mem: 4096 } })], {
			duration: "3s",
			agents: 1,
			mem: 2048,
		});
		expect(app.stats().groups.e!.launched).toBe(0);
		expect(said(reasons)).toEqual([
			"0 DOES_NOT_FIT: a task needs at least 1 cpus, 4096 MB mem; the offer has 8 cpus, 2048 MB mem, 100000 MB disk, 1001 ports",
		]);
	});

	it("scale none: the resources as given, up to instances; a task that ends is replaced", () => {
		const { app, reasons } = runApp(
			[grabber({ scale: "none", instances: 2, lifecycle: { runFor: "60s" } })],
			{
				duration: "2m",
				agents: 3,
			},
		);
		const g = app.stats().groups.e!;
		expect(sizes(reasons)).toEqual([
			"e-0 1 cpus, 1024 MB mem",
			"e-1 1 cpus, 1024 MB mem",
			"e-2 1 cpus, 1024 MB mem",
			"e-3 1 cpus, 1024 MB mem",
		]);
		expect(g.peakRunning).toBe(2);
		expect(lines(g.log).filter((l) => l.includes("launch"))).toEqual([
			"0 launch e-0",
			"0 launch e-1",
			"61000 launch e-2",
			"61000 launch e-3",
		]);
	});

	it("scale none: one task per agent even when the agent has room for more", () => {
		const { app } = runApp([grabber({ scale: "none", instances: 4, resources: { cpus: 1, mem: 100 } })], {
			duration: "30s",
			agents: 2,
		});
		expect(app.stats().groups.e!.launched).toBe(2);
	});

	it("an offer of exactly one slot, or exactly the base cpus, still takes a task", () => {
		const slot = runApp([grabber({ scale: "slots", resources: { cpus: 5, mem: 100 } })], {
			duration: "3s",
			agents: 1,
		});
		expect(sizes(slot.reasons)).toEqual(["e-0 5 cpus, 100 MB mem"]);
		const cpus = runApp([grabber({ scale: "cpus", resources: { cpus: 1, mem: 100 } })], {
			duration: "3s",
			agents: 1,
			cpus: 1,
		});
		expect(sizes(cpus.reasons)).toEqual(["e-0 1 cpus, 100 MB mem"]);
	});

	it("a task that ends gives its cpus back under cpusMax, no more", () => {
		const { app } = runApp(
			[grabber({ scale: "none", instances: 3, cpusMax: 2, resources: { cpus: 1, mem: 100 } })],
			{
				duration: "1m",
				agents: 4,
				onBuilt: (sim) => {
					const fw = () => sim.frameworks.find((f) => f.name === "app")!.scheduler as ChameleonFramework;
					sim.engine.timeout(20_000, () => fw().scale(1, "e"));
					sim.engine.timeout(40_000, () => fw().scale(3, "e"));
				},
			},
		);
		const g = app.stats().groups.e!;
		// Two under cpusMax 2; one killed (1 cpu back); scaled up again: one more, not two.
		expect(lines(g.log).filter((l) => !l.includes("running"))).toEqual([
			"0 launch e-0",
			"0 launch e-1",
			"20000 end e-1 TASK_KILLED",
			"40000 launch e-2",
		]);
		expect(g.live).toBe(2);
	});

	it("scale none above cpusMax: nothing launches", () => {
		const { app } = runApp([grabber({ scale: "none", cpusMax: 0.5 })], { duration: "10s", agents: 2 });
		expect(app.stats().groups.e!.launched).toBe(0);
	});

	it("a drawn size too big where the nominal one fits: the record says so; a later draw fits", () => {
		const { app, reasons } = runApp(
			[
				grabber({
					scale: "none",
					resources: { cpus: 1, mem: { kind: "uniform", min: 15_000, max: 17_000 } },
				}),
			],
			{ duration: "1m", agents: 4 },
		);
		expect(app.stats().groups.e!.launched).toBe(4);
		expect(said(reasons)).toContain(
			"0 DOES_NOT_FIT: a task sized 1 cpus, 16000 MB mem would fit; the drawn size did not",
		);
	});

	it("a group bound to a role takes only offers for that role", () => {
		const { app, reasons, sim } = runApp([grabber({ scale: "cpus", role: "ml" })], {
			duration: "10s",
			agents: 2,
			framework: { roles: ["web", "ml"] },
		});
		const g = app.stats().groups.e!;
		expect(lines(g.log).filter((l) => l.includes("launch"))).toEqual(["0 launch e-0", "1000 launch e-1"]);
		expect(said(reasons)).toContain("0 DOES_NOT_FIT: runs in role ml; the offer is for role web");
		const fw = sim.master.frameworks[0]!;
		for (const t of fw.tasks.values())
			expect(t.info.resources.map((r) => r.allocation_info?.role)).toEqual(["ml", "ml"]);
	});

	it("scaled down, the newest tasks are killed (a kill in flight counts); scaled up, it grabs again", () => {
		const { app } = runApp([grabber({ scale: "none", instances: 3 })], {
			duration: "1m",
			agents: 4,
			onBuilt: (sim) => {
				const fw = () => sim.frameworks.find((f) => f.name === "app")!.scheduler as ChameleonFramework;
				// Two scale-downs at once: the second must not pick the task the first is killing.
				sim.engine.timeout(20_000, () => {
					fw().scale(2, "e");
					fw().scale(1, "e");
				});
				sim.engine.timeout(40_000, () => fw().scale(3, "e"));
			},
		});
		const g = app.stats().groups.e!;
		expect(lines(g.log)).toEqual([
			"0 launch e-0",
			"0 launch e-1",
			"0 launch e-2",
			"0 running e-0",
			"0 running e-1",
			"0 running e-2",
			"20000 end e-2 TASK_KILLED",
			"20000 end e-1 TASK_KILLED",
			"40000 launch e-3",
			"40000 running e-3",
			"41000 launch e-4",
			"41000 running e-4",
		]);
		expect(g.live).toBe(3);
	});
});

describe("constrainedPlacement", () => {
	/** The problems resolving one constrainedPlacement group reports, as "pointer message". */
	function problems(group: Record<string, unknown>): string[] {
		try {
			resolveChameleonSpec({ groups: [{ name: "a", pattern: "constrainedPlacement", ...group }] }, "x");
			return [];
		} catch (err) {
			const issues = (err as { details: { issues: { pointer: string; message: string }[] } }).details.issues;
			return issues.map((i) => `${i.pointer} ${i.message}`);
		}
	}

	it("needs at least one constraint; none given means hostname UNIQUE", () => {
		expect(problems({ constraints: [] })).toEqual([
			"/groups/0/constraints constrainedPlacement needs at least one constraint",
		]);
		expect(problems({})).toEqual([]);
		const g = resolveChameleonSpec({ groups: [{ name: "a", pattern: "constrainedPlacement" }] }, "x")
			.groups[0]!;
		expect(g.constraints).toEqual([{ field: "hostname", op: "UNIQUE" }]);
	});

	it("a constraint that is given but wrong is reported as such, not as a missing one", () => {
		expect(problems({ constraints: [["rack", "MAX_PR", 2]] })).toEqual([
			'/groups/0/constraints/0/1 unknown operator "MAX_PR" (one of UNIQUE, CLUSTER, GROUP_BY, MAX_PER, LIKE, UNLIKE, IS)',
		]);
	});
});

describe("traceReplay", () => {
	it("a row is due at its arrival times timeScale: a later row does not come with an earlier one", () => {
		const { app } = runApp(
			[
				{
					name: "t",
					pattern: "traceReplay",
					timeScale: 2,
					trace: [
						[5, 100, 1, 128],
						[15, 100, 1, 128],
					],
				},
			],
			{ duration: "1m" },
		);
		// Due at 10 s and 30 s (15 s / 2 = 7.5 s would already be past at 10 s).
		expect(app.stats().groups.t!.arrivals).toEqual([10_000, 30_000]);
	});

	it("a group that starts late replays its trace from its own start; rows due together arrive together", () => {
		const { app, sim, reasons } = runApp(
			[
				{
					name: "db",
					pattern: "steadyService",
					instances: 1,
					resources: { cpus: 1, mem: 128 },
					lifecycle: { startupDelay: "20s" },
				},
				{
					name: "t",
					pattern: "traceReplay",
					after: "db",
					timeScale: 2,
					trace: [
						[5, 100, 1, 128],
						[5, 90, 2, 256],
						[30, 80, 1, 128],
					],
				},
			],
			{ duration: "3m" },
		);
		const g = app.stats().groups.t!;
		// db runs at 20 s; the rows are due 10 s, 10 s and 60 s (× timeScale) after that.
		expect(g.arrivals).toEqual([30_000, 30_000, 80_000]);
		expect(g.commands).toEqual(["sleep 200", "sleep 180", "sleep 160"]);
		expect(lines(g.log).filter((l) => l.includes("launch"))).toEqual([
			"30000 launch t-0",
			"30000 launch t-1",
			"80000 launch t-2",
		]);
		// Each row's own size (all three still run at the end).
		const size = (t: TaskRecord) => t.info.resources.map((r) => `${r.name} ${r.scalar?.value}`).join(", ");
		const tasks = [...sim.master.frameworks[0]!.tasks.values()].filter((t) => t.id.startsWith("t-"));
		expect(tasks.map((t) => `${t.id}: ${size(t)}`)).toEqual([
			"t-0: cpus 1, mem 128",
			"t-1: cpus 2, mem 256",
			"t-2: cpus 1, mem 128",
		]);
		// The offer's LAUNCHED record gives the spread of the sizes, not the first task's.
		expect(
			reasons.filter((r) => r.reason === "LAUNCHED" && r.detail.includes("t-1")).map((r) => r.detail),
		).toEqual(["2 tasks of group t (traceReplay, 1 to 2 cpus, 128 to 256 MB mem each: t-0, t-1)"]);
	});
});
