/**
 * The chameleon's batch and job patterns (burstyQueue, gang, greedyGrabber,
 * constrainedPlacement, bigNodeTasks, traceReplay): the behaviour
 * docs/chameleon.md describes, pinned down from the mutation run's survivors
 * (docs/testing.md). Offers come every 5 s here, so a request made at t is
 * launched at the next offer round.
 */
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../frameworks/chameleon/patterns/base.js";
import { runApp } from "../helpers/chameleon-jobs.js";

/** "t ev id state" lines of a group's log, for exact comparisons. */
function lines(log: readonly LogEntry[]): string[] {
	return log.map((e) => `${e.t} ${e.ev} ${e.id}${e.state !== undefined ? ` ${e.state}` : ""}`);
}

/** A burstyQueue group "q" with items arriving every `every` from `at` (cron: exact times). */
function queue(over: Record<string, unknown>, every = "5s", at = "1s") {
	return { name: "q", pattern: "burstyQueue", arrivals: { kind: "cron", every, at }, ...over };
}

describe("burstyQueue", () => {
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
