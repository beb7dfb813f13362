/**
 * The parts every chameleon pattern shares (patterns/base.ts): what counts as
 * an agent-side loss, a launch that never happened, groups waiting for others
 * (`after`), and the constraint bigNodeTasks adds. Written from the mutation
 * run's survivors (docs/testing.md).
 */
import { describe, expect, it } from "vitest";
import { isAgentLoss, type LiveTask, neverStarted } from "../../frameworks/chameleon/patterns/base.js";
import { resolveChameleonSpec } from "../../frameworks/chameleon/spec/index.js";
import type { TaskState, TaskStatus } from "../../master/protocol/index.js";
import { runApp } from "../helpers/chameleon-run.js";

interface Cluster {
	seed: number;
	duration: string;
	agents: number;
	cpus?: number;
	mem?: number;
}

/** Runs one chameleon framework, "app", with `groups`; the statistics of its groups. */
function runGroups(groups: unknown[], c: Cluster) {
	return runApp(groups, c).app.stats().groups;
}

function status(state: TaskState, reason?: string): TaskStatus {
	return { task_id: { value: "t" }, state, ...(reason !== undefined ? { reason } : {}) } as TaskStatus;
}

describe("isAgentLoss", () => {
	it("is true for the states that mean the agent or its host went away", () => {
		for (const s of [
			"TASK_LOST",
			"TASK_GONE",
			"TASK_GONE_BY_OPERATOR",
			"TASK_UNREACHABLE",
			"TASK_DROPPED",
		] as const)
			expect(isAgentLoss(s, status(s)), s).toBe(true);
	});

	it("is true for a kill or failure whose reason is the agent's removal or disconnection", () => {
		for (const r of ["REASON_AGENT_REMOVED", "REASON_AGENT_DISCONNECTED", "REASON_AGENT_REMOVED_BY_OPERATOR"])
			expect(isAgentLoss("TASK_FAILED", status("TASK_FAILED", r)), r).toBe(true);
	});

	it("is false for the task's own ending, whatever else the reason says", () => {
		for (const s of ["TASK_FAILED", "TASK_FINISHED", "TASK_KILLED", "TASK_ERROR"] as const) {
			expect(isAgentLoss(s, status(s)), s).toBe(false);
			expect(isAgentLoss(s), s).toBe(false);
		}
		expect(isAgentLoss("TASK_FAILED", status("TASK_FAILED", "REASON_COMMAND_EXECUTOR_FAILED"))).toBe(false);
		expect(isAgentLoss("TASK_KILLED", status("TASK_KILLED", "REASON_TASK_KILLED_DURING_LAUNCH"))).toBe(false);
	});
});

describe("neverStarted", () => {
	const task = (runningAt: number | null) => ({ runningAt }) as LiveTask;
	it("is true only for a task that never ran and whose offers were gone", () => {
		expect(neverStarted(task(null), status("TASK_ERROR", "REASON_INVALID_OFFERS"))).toBe(true);
		expect(neverStarted(task(5_000), status("TASK_ERROR", "REASON_INVALID_OFFERS"))).toBe(false);
		expect(neverStarted(task(null), status("TASK_FAILED", "REASON_COMMAND_EXECUTOR_FAILED"))).toBe(false);
		expect(neverStarted(task(null), status("TASK_LOST"))).toBe(false);
		expect(neverStarted(task(null))).toBe(false);
	});
});

describe("bigNodeTasks: one task per host, added unless the group already says so", () => {
	const constraintsOf = (constraints: unknown[]) =>
		resolveChameleonSpec({ groups: [{ name: "k", pattern: "bigNodeTasks", constraints }] }, "x").groups[0]!
			.constraints;

	it("keeps a group that already allows one task per host as it is", () => {
		expect(constraintsOf([["hostname", "UNIQUE"]])).toEqual([{ field: "hostname", op: "UNIQUE" }]);
		expect(constraintsOf([["hostname", "MAX_PER", 1]])).toEqual([
			{ field: "hostname", op: "MAX_PER", max: 1 },
		]);
	});

	it("adds hostname UNIQUE in front of any other constraint", () => {
		expect(constraintsOf([["hostname", "MAX_PER", 2]])).toEqual([
			{ field: "hostname", op: "UNIQUE" },
			{ field: "hostname", op: "MAX_PER", max: 2 },
		]);
		expect(constraintsOf([["rack", "UNIQUE"]])).toEqual([
			{ field: "hostname", op: "UNIQUE" },
			{ field: "rack", op: "UNIQUE" },
		]);
		expect(constraintsOf([["rack", "MAX_PER", 1]])).toEqual([
			{ field: "hostname", op: "UNIQUE" },
			{ field: "rack", op: "MAX_PER", max: 1 },
		]);
	});
});

describe("groups that wait for another (after)", () => {
	it("a group starts only once every task of the group it waits for is running", () => {
		const log = runGroups(
			[
				{ name: "web", pattern: "steadyService", instances: 2, after: "db" },
				{
					name: "db",
					pattern: "steadyService",
					instances: 3,
					lifecycle: { startupDelay: { kind: "const", value: "20s" } },
				},
				{ name: "cache", pattern: "steadyService", instances: 1, after: "web" },
			],
			{ seed: 3, duration: "3m", agents: 4 },
		);
		const times = (g: string, ev: string) => log[g]!.log.filter((e) => e.ev === ev).map((e) => e.t);
		const dbRunning = times("db", "running");
		expect(dbRunning).toHaveLength(3);
		const dbReady = Math.max(...dbRunning);
		expect(dbReady).toBeGreaterThanOrEqual(20_000);
		const webLaunches = times("web", "launch");
		expect(webLaunches).toHaveLength(2);
		expect(Math.min(...webLaunches)).toBeGreaterThanOrEqual(dbReady);
		const cacheLaunches = times("cache", "launch");
		expect(cacheLaunches).toHaveLength(1);
		expect(cacheLaunches[0]).toBeGreaterThanOrEqual(Math.max(...times("web", "running")));
		for (const g of ["db", "web", "cache"])
			expect(log[g]!.running, g).toBe(g === "db" ? 3 : g === "web" ? 2 : 1);
	});

	it("a group whose tasks cannot all be placed keeps the groups after it waiting", () => {
		const groups = runGroups(
			[
				{ name: "db", pattern: "steadyService", instances: 3, constraints: [["hostname", "UNIQUE"]] },
				{ name: "web", pattern: "steadyService", instances: 1, after: "db" },
			],
			{ seed: 3, duration: "2m", agents: 2 },
		);
		expect(groups.db!.running).toBe(2);
		expect(groups.web!.launched).toBe(0);
	});

	// What "ready" means differs by pattern: a service or stateful set is ready
	// when every instance runs, a gang when every gang is placed, a greedy
	// grabber once it holds something, a batch or a trace as soon as it starts.
	const SLOW = { startupDelay: { kind: "const", value: "10s" } };
	it.each([
		["steadyService", { instances: 2, lifecycle: SLOW }, "all running"],
		["stateful", { instances: 2, lifecycle: SLOW }, "all running"],
		["gang", { gangSize: 3, lifecycle: { ...SLOW, runFor: "infinite" } }, "all running"],
		["greedyGrabber", { instances: 2, lifecycle: SLOW }, "one running"],
		["poissonBatch", { arrivals: { kind: "poisson", ratePerMin: 1 }, lifecycle: SLOW }, "started"],
		["traceReplay", { trace: [[30, 5, 1, 128]] }, "started"],
	] as const)("after a %s group: the next one starts when it is ready (%s)", (pattern, extra, when) => {
		const groups = runGroups(
			[
				{ name: "first", pattern, ...extra },
				{ name: "then", pattern: "steadyService", instances: 1, after: "first" },
			],
			{ seed: 5, duration: "2m", agents: 4 },
		);
		const running = groups.first!.log.filter((e) => e.ev === "running").map((e) => e.t);
		const readyAt =
			when === "started" ? 0 : when === "one running" ? Math.min(...running) : Math.max(...running);
		if (when !== "started") expect(readyAt).toBeGreaterThanOrEqual(10_000);
		const launches = groups.then!.log.filter((e) => e.ev === "launch").map((e) => e.t);
		expect(launches).toHaveLength(1);
		// Launched at the first offer round once ready (rounds come every few seconds).
		expect(launches[0]!).toBeGreaterThanOrEqual(readyAt);
		expect(launches[0]!).toBeLessThan(readyAt + 10_000);
	});
});

describe("random streams", () => {
	it("each group draws from its own stream: adding a group leaves another group's draws as they were", () => {
		const batch = (name: string) => ({
			name,
			pattern: "poissonBatch",
			arrivals: { kind: "poisson", ratePerMin: 6 },
			resources: { cpus: { kind: "uniform", min: 0.1, max: 1 }, mem: 128 },
			lifecycle: { runFor: { kind: "lognormal", median: 30, sigma: 1 } },
		});
		const commands = (groups: unknown[]) =>
			runGroups(groups, { seed: 9, duration: "5m", agents: 8, cpus: 16, mem: 65_536 }).a!.commands;
		const alone = commands([batch("a")]);
		expect(alone.length).toBeGreaterThan(10);
		expect(new Set(alone).size).toBeGreaterThan(5);
		expect(commands([batch("a"), batch("b")])).toEqual(alone);
	});
});

describe("first fit over a group's queue", () => {
	const traceRun = (rows: number[][], duration = "1m") =>
		runGroups([{ name: "q", pattern: "traceReplay", trace: rows }], { seed: 1, duration, agents: 2 }).q!;

	it("stops scanning after 16 misses in a row: a small task behind 16 that never fit waits (head-of-line blocking)", () => {
		const big = Array.from({ length: 16 }, () => [0, 60, 100, 128]);
		const blocked = traceRun([...big, [0, 600, 1, 128]]);
		expect(blocked.launched).toBe(0);
		// Behind 15 only, it is tried and runs.
		const tried = traceRun([...big.slice(1), [0, 600, 1, 128]]);
		expect(tried.launched).toBe(1);
		expect(tried.running).toBe(1);
	});

	it("keeps the first 200 commands of a group for the report", () => {
		const g = traceRun(
			Array.from({ length: 250 }, (_, i) => [i * 0.1, 1 + i, 0.01, 1]),
			"2m",
		);
		expect(g.launched).toBe(250);
		expect(g.commands).toHaveLength(200);
		expect(g.commands[0]).toBe("sleep 1");
		expect(g.commands[199]).toBe("sleep 200");
	});
});

describe("poissonBatch's limits", () => {
	it("maxJobs ends the arrivals; a failing task is retried `retries` times, then given up", () => {
		const g = runGroups(
			[
				{
					name: "b",
					pattern: "poissonBatch",
					arrivals: { kind: "poisson", ratePerMin: 30 },
					maxJobs: 3,
					resources: { cpus: 0.5, mem: 128 },
					lifecycle: {
						failureProbability: 1,
						failAfter: { kind: "const", value: "5s" },
						retries: 2,
						restart: { backoffMs: 1_000, factor: 1, capMs: 1_000 },
					},
				},
			],
			{ seed: 2, duration: "5m", agents: 2 },
		).b!;
		expect(g.jobs).toBe(3);
		// Each task runs three times: once, then two retries.
		expect(g.launched).toBe(9);
		expect(g.failed).toBe(9);
	});
});
