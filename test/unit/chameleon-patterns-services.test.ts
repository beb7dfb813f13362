/**
 * The chameleon's service patterns and their base class, driven by hand
 * (test/helpers/chameleon-services.ts): what a group queues, kills and says
 * about an offer after exact sequences of launches, failures, scale changes
 * and time. Written from the mutation run's survivors (docs/testing.md).
 */
import { describe, expect, it } from "vitest";
import { idleWhy } from "../../frameworks/chameleon/explain.js";
import type { Pattern } from "../../frameworks/chameleon/patterns/base.js";
import { end, launch, launchAll, makeGroup, poolOffer, running } from "../helpers/chameleon-services.js";

const NO_BACKOFF = { backoffMs: 0, factor: 1, capMs: 0 };
const BACKOFF_10S = { backoffMs: 10_000, factor: 2, capMs: 60_000 };

const ids = (g: Pattern) => g.queue.map((r) => r.id);

describe("reason records of a stateful task waiting for its own agent", () => {
	/** Two ordinals deployed on a1 and a2, both failed at t=10 s: each relaunch waits for its agent until t=70 s. */
	function failedBoth() {
		const { g, host } = makeGroup({
			pattern: "stateful",
			instances: 2,
			stickyTimeout: "60s",
			resources: { cpus: 1, mem: 1024 },
			lifecycle: { restart: NO_BACKOFF },
		});
		g.maybeStart();
		const t0 = launch(g, g.queue[0]!, "a1");
		running(g, t0);
		const t1 = launch(g, g.queue[0]!, "a2");
		running(g, t1);
		host.advance(10_000);
		end(g, t0, "TASK_FAILED");
		end(g, t1, "TASK_FAILED");
		expect(ids(g)).toEqual(["g-0__1", "g-1__1"]);
		return { g, host };
	}

	it("another agent's offer: CONSTRAINT_NOT_MET naming the first waiting task, its agent and until when", () => {
		const { g } = failedBoth();
		expect(g.explainUnused(poolOffer("a3"), 10_000)).toEqual({
			reason: "CONSTRAINT_NOT_MET",
			detail: "g-0 waits for its own agent a1 until t=70 s, 60 s from now",
		});
		expect(g.explainUnused(poolOffer("a3"), 45_500)?.detail).toBe(
			"g-0 waits for its own agent a1 until t=70 s, 24.5 s from now",
		);
	});

	it("its own agent's offer is not ruled out for it; one too small for the other says how many more are too big", () => {
		const { g } = failedBoth();
		// a1 has room for g-0: the round could place it there (it did not try).
		expect(g.explainUnused(poolOffer("a1"), 10_000)?.detail).toMatch(/^2 tasks wait; some would fit/);
		// a2 is g-1's agent but too small; g-0 waits for a1.
		expect(g.explainUnused(poolOffer("a2", { cpus: 0.5, mem: 512 }), 10_000)).toEqual({
			reason: "CONSTRAINT_NOT_MET",
			detail: "g-0 waits for its own agent a1 until t=70 s, 60 s from now; 1 more too big for the offer",
		});
	});

	it("once stickyTimeout is over (at t=70 s exactly) the tasks go anywhere: judged by size only", () => {
		const { g } = failedBoth();
		expect(g.explainUnused(poolOffer("a3"), 70_000)?.detail).toMatch(/^2 tasks wait; some would fit/);
		expect(g.explainUnused(poolOffer("a3", { cpus: 0.5, mem: 512 }), 70_000)).toEqual({
			reason: "DOES_NOT_FIT",
			detail:
				"2 tasks wait, needing 1 cpus, 1024 MB mem, 5000 MB disk; the offer has 0.5 cpus, 512 MB mem, 100000 MB disk, 0 ports",
		});
	});

	it("after an agent-side loss the relaunch goes anywhere at once", () => {
		const { g, host } = makeGroup({
			pattern: "stateful",
			instances: 1,
			stickyTimeout: "60s",
			resources: { cpus: 1, mem: 1024 },
			lifecycle: { restart: NO_BACKOFF },
		});
		g.maybeStart();
		const t0 = launch(g, g.queue[0]!, "a1");
		running(g, t0);
		host.advance(10_000);
		end(g, t0, "TASK_LOST");
		expect(ids(g)).toEqual(["g-0__1"]);
		expect(g.queue[0]!.agentId).toBeNull();
		expect(g.explainUnused(poolOffer("a3"), 10_000)?.detail).toMatch(/^1 tasks wait; some would fit/);
	});
});

describe("the base class's hold description", () => {
	it("a service group that keeps an offer says it is kept by the group", () => {
		const { g } = makeGroup({ pattern: "steadyService", instances: 1 });
		expect(g.describeKeep(poolOffer("a1"), 0)).toBe("kept by group g");
	});
});

describe("steadyService: replacing a task that ended", () => {
	function service(instances = 1, extra: Record<string, unknown> = {}) {
		const { g, host } = makeGroup({
			pattern: "steadyService",
			instances,
			resources: { cpus: 1, mem: 128 },
			lifecycle: { restart: BACKOFF_10S },
			...extra,
		});
		g.maybeStart();
		return { g, host };
	}

	it("after a failure waits backoffMs × factor^(n−1), n consecutive failures, at most capMs; counted as a restart waiting", () => {
		const { g, host } = service();
		let t = launch(g, g.queue[0]!);
		running(g, t);
		const due: number[] = [];
		for (let n = 1; n <= 4; n++) {
			host.advance(host.t + 5_000);
			end(g, t, "TASK_FAILED");
			expect(g.queue).toHaveLength(0);
			const delay = Math.min(60_000, 10_000 * 2 ** (n - 1));
			expect(g.restartsWaiting).toEqual({ count: 1, until: host.t + delay });
			host.advance(host.t + delay - 1);
			expect(g.queue).toHaveLength(0);
			host.advance(host.t + 1);
			expect(ids(g)).toEqual([`g-0__${n}`]);
			expect(g.restartsWaiting.count).toBe(0);
			due.push(delay);
			t = launch(g, g.queue[0]!);
			running(g, t);
		}
		expect(due).toEqual([10_000, 20_000, 40_000, 60_000]);
		expect(g.stats.restartGaps).toEqual(due);
	});

	it("a clean exit is replaced at once and resets the failure count", () => {
		const { g, host } = service();
		let t = launch(g, g.queue[0]!);
		host.advance(5_000);
		end(g, t, "TASK_FAILED");
		host.advance(15_000);
		t = launch(g, g.queue[0]!);
		host.advance(20_000);
		end(g, t, "TASK_FINISHED");
		expect(ids(g)).toEqual(["g-0__2"]);
		expect(g.restartsWaiting.count).toBe(0);
		t = launch(g, g.queue[0]!);
		host.advance(25_000);
		end(g, t, "TASK_FAILED");
		// First failure again: 10 s, not 20 s.
		expect(g.restartsWaiting.until).toBe(35_000);
		expect(g.stats.restartGaps).toEqual([10_000, 0]);
	});

	it("a task the framework killed is replaced at once; one killed by someone else waits the backoff", () => {
		const { g, host } = service();
		let t = launch(g, g.queue[0]!);
		host.advance(5_000);
		t.killed = true;
		end(g, t, "TASK_KILLED");
		expect(ids(g)).toEqual(["g-0__1"]);
		t = launch(g, g.queue[0]!);
		host.advance(6_000);
		end(g, t, "TASK_KILLED");
		expect(g.queue).toHaveLength(0);
		expect(g.restartsWaiting).toEqual({ count: 1, until: 16_000 });
	});

	it("a launch whose offers were gone is queued again at once: not a failure, no restart gap", () => {
		const { g, host } = service();
		const t = launch(g, g.queue[0]!);
		host.advance(1_000);
		end(g, t, "TASK_ERROR", "REASON_INVALID_OFFERS");
		expect(ids(g)).toEqual(["g-0__1"]);
		const again = launch(g, g.queue[0]!);
		host.advance(2_000);
		end(g, again, "TASK_FAILED");
		// The first real failure: 10 s.
		expect(g.restartsWaiting.until).toBe(12_000);
		expect(g.stats.restartGaps).toEqual([]);
	});

	it("scaled down during a backoff: the restart is cancelled and no longer counted, even after its due time", () => {
		const { g, host } = service(2);
		const [a, b] = launchAll(g);
		running(g, a!);
		running(g, b!);
		host.advance(1_000);
		end(g, a!, "TASK_FAILED");
		host.advance(3_000);
		end(g, b!, "TASK_FAILED");
		expect(g.restartsWaiting).toEqual({ count: 2, until: 13_000 });
		g.scaleTo(1);
		// Slot 1's restart (due at 13 s) is gone: one waits, the last until 11 s.
		expect(g.restartsWaiting).toEqual({ count: 1, until: 11_000 });
		host.advance(11_000);
		expect(ids(g)).toEqual(["g-0__1"]);
		expect(g.restartsWaiting.count).toBe(0);
		host.advance(60_000);
		expect(ids(g)).toEqual(["g-0__1"]);
		expect(g.restartsWaiting.count).toBe(0);
	});

	it("scaled back up before the cancelled restart was due: relaunched at once with its failures forgotten, counted right", () => {
		const { g, host } = service(1);
		const a = launch(g, g.queue[0]!);
		host.advance(1_000);
		end(g, a, "TASK_FAILED");
		host.advance(11_000);
		end(g, launch(g, g.queue[0]!), "TASK_FAILED");
		// Two failures: 20 s backoff, due at 31 s.
		expect(g.restartsWaiting).toEqual({ count: 1, until: 31_000 });
		g.scaleTo(0);
		expect(g.restartsWaiting.count).toBe(0);
		g.scaleTo(1);
		expect(ids(g)).toEqual(["g-0__2"]);
		const c = launch(g, g.queue[0]!);
		host.advance(25_000);
		end(g, c, "TASK_FAILED");
		// Failures were reset by the scale-up: 10 s, due at 35 s; the cancelled restart's 31 s is forgotten.
		expect(g.restartsWaiting).toEqual({ count: 1, until: 35_000 });
		expect(idleWhy([g], [], null, 25_000)).toEqual({
			reason: "BACKING_OFF",
			detail: "g: 1 restart waits out the backoff (the last until t=35 s, 10 s from now)",
		});
		// The cancelled timer (due at 31 s) neither launches nor uncounts anything.
		host.advance(31_000);
		expect(g.queue).toHaveLength(0);
		expect(g.restartsWaiting).toEqual({ count: 1, until: 35_000 });
		host.advance(35_000);
		expect(ids(g)).toEqual(["g-0__3"]);
		expect(g.restartsWaiting.count).toBe(0);
		// No gap across the retirement.
		expect(g.stats.restartGaps).toEqual([10_000]);
	});

	it("scaled down: queued requests dropped, running tasks killed newest first, and their ends not replaced", () => {
		const { g, host } = service(4);
		const [t0, t1, t2] = [launch(g, g.queue[0]!), launch(g, g.queue[0]!), launch(g, g.queue[0]!)];
		expect(ids(g)).toEqual(["g-3__0"]);
		const before = host.demands;
		g.scaleTo(1);
		expect(g.queue).toHaveLength(0);
		expect(host.killed.map((t) => t.id)).toEqual(["g-2__0", "g-1__0"]);
		expect(host.demands).toBe(before);
		end(g, t2!, "TASK_KILLED");
		end(g, t1!, "TASK_KILLED");
		expect(g.queue).toHaveLength(0);
		expect(g.restartsWaiting.count).toBe(0);
		// Ready: the one slot left runs.
		expect(g.ready()).toBe(false);
		running(g, t0!);
		expect(g.ready()).toBe(true);
	});

	it("scaled back up while a killed task is still ending: its slot is relaunched when the kill completes", () => {
		const { g } = service(2);
		const [, t1] = launchAll(g);
		g.scaleTo(1);
		expect(g.queue).toHaveLength(0);
		g.scaleTo(2);
		// Still running (being killed): no second task for the slot yet.
		expect(g.queue).toHaveLength(0);
		end(g, t1!, "TASK_KILLED");
		expect(ids(g)).toEqual(["g-1__1"]);
	});

	it("scaled up: new slots are queued; before it starts, only the count changes", () => {
		const { g } = makeGroup({ pattern: "steadyService", instances: 1 });
		g.scaleTo(3);
		expect(g.instances).toBe(3);
		expect(g.queue).toHaveLength(0);
		expect(g.ready()).toBe(false);
		g.maybeStart();
		expect(ids(g)).toEqual(["g-0__0", "g-1__0", "g-2__0"]);
		g.scaleTo(4);
		expect(ids(g)).toEqual(["g-0__0", "g-1__0", "g-2__0", "g-3__0"]);
	});
});
