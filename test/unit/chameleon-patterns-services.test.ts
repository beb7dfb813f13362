/**
 * The chameleon's service patterns and their base class, driven by hand
 * (test/helpers/chameleon-services.ts): what a group queues, kills and says
 * about an offer after exact sequences of launches, failures, scale changes
 * and time. Written from the mutation run's survivors (docs/testing.md).
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/index.js";
import { arrivalProcess } from "../../frameworks/chameleon/arrivals.js";
import { idleWhy } from "../../frameworks/chameleon/explain.js";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import type { Pattern, Round } from "../../frameworks/chameleon/patterns/base.js";
import type { ElasticScale } from "../../frameworks/chameleon/patterns/elasticScale.js";
import { requirementMessage } from "../../frameworks/chameleon/patterns/meta.js";
import { resolveChameleonSpec } from "../../frameworks/chameleon/spec/index.js";
import { buildSimulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";
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
		expect(g.explainUnused(poolOffer("a3"), 10_000)?.detail).toMatch(
			/^1 task waits; it would fit but first fit stopped/,
		);
	});
});

describe("reason records of a constrained group", () => {
	it("a task that fits an offer and breaks no constraint is not ruled out (the round did not try it)", () => {
		const { g } = makeGroup({
			pattern: "constrainedPlacement",
			instances: 2,
			constraints: [["hostname", "UNIQUE"]],
			resources: { cpus: 1, mem: 1024 },
		});
		g.maybeStart();
		expect(g.queue).toHaveLength(2);
		expect(g.explainUnused(poolOffer("a1"), 0)?.detail).toMatch(/^2 tasks wait; some would fit/);
	});
});

describe("a group bound to a role", () => {
	it("an offer of another role, or of none, does not fit, and says which", () => {
		const { g } = makeGroup({ pattern: "steadyService", instances: 1, role: "ml" }, undefined, {
			roles: ["web", "ml"],
		});
		g.maybeStart();
		expect(g.explainUnused(poolOffer("a1", { cpus: 8, mem: 16_384 }, "web"), 0)).toEqual({
			reason: "DOES_NOT_FIT",
			detail: "runs in role ml; the offer is for role web",
		});
		expect(g.explainUnused(poolOffer("a1"), 0)?.detail).toBe("runs in role ml; the offer is for role *");
		expect(g.explainUnused(poolOffer("a1", { cpus: 8, mem: 16_384 }, "ml"), 0)?.detail).toMatch(
			/^1 task waits; it would fit but first fit stopped/,
		);
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

	it("BACKING_OFF's last due time is the latest, not the last scheduled", () => {
		const { g, host } = service(2);
		const [a, b] = launchAll(g);
		host.advance(1_000);
		end(g, a!, "TASK_FAILED");
		host.advance(11_000);
		const a2 = launch(g, g.queue[0]!);
		host.advance(12_000);
		end(g, a2, "TASK_FAILED"); // second failure: 20 s, due at 32 s
		host.advance(13_000);
		end(g, b!, "TASK_FAILED"); // first failure: 10 s, due at 23 s
		expect(g.restartsWaiting).toEqual({ count: 2, until: 32_000 });
	});

	it("the first restart timer a host hands out (handle 0) is cancelled like any other", () => {
		const { g, host } = service(1);
		const a = launch(g, g.queue[0]!);
		host.advance(1_000);
		end(g, a, "TASK_FAILED");
		expect(host.pending().map((t) => t.seq)).toEqual([0]);
		g.scaleTo(0);
		expect(host.pending()).toEqual([]);
		expect(g.restartsWaiting.count).toBe(0);
		g.scaleTo(1);
		expect(ids(g)).toEqual(["g-0__1"]);
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

	it("a retired slot's timer bookkeeping never cancels another slot's restart", () => {
		const { g, host } = service(2);
		const [a, b] = launchAll(g);
		host.advance(1_000);
		end(g, b!, "TASK_FAILED"); // slot 1: restart due at 11 s
		host.advance(5_000);
		end(g, a!, "TASK_FAILED"); // slot 0: restart due at 15 s
		host.advance(11_000);
		expect(ids(g)).toEqual(["g-1__1"]);
		g.scaleTo(1);
		g.scaleTo(2);
		g.scaleTo(1);
		host.advance(15_000);
		expect(ids(g)).toEqual(["g-0__1"]);
	});

	it("a slot retired during its backoff keeps no stale timer: retired again later, it cancels no other slot's restart", () => {
		const { g, host } = service(2);
		const [a, b] = launchAll(g);
		host.advance(1_000);
		end(g, b!, "TASK_FAILED"); // slot 1: restart timer 0, due at 11 s
		g.scaleTo(1); // cancelled
		g.scaleTo(2); // slot 1 queued again at once
		const c = launch(g, g.queue[0]!);
		running(g, c);
		host.advance(2_000);
		end(g, a!, "TASK_FAILED"); // slot 0: restart timer 1, due at 12 s
		expect(host.pending().map((t) => t.seq)).toEqual([1]);
		g.scaleTo(1); // slot 1 retired again, its task killed
		expect(g.restartsWaiting).toEqual({ count: 1, until: 12_000 });
		host.advance(12_000);
		expect(ids(g)).toEqual(["g-0__1"]);
	});

	it("scaled up during a backoff: the slot backing off waits, only new slots are queued; a slot is never queued twice", () => {
		const { g, host } = service(2);
		const [a] = launchAll(g);
		host.advance(1_000);
		end(g, a!, "TASK_FAILED");
		g.scaleTo(3);
		expect(ids(g)).toEqual(["g-2__0"]);
		g.scaleTo(4);
		g.scaleTo(5);
		expect(ids(g)).toEqual(["g-2__0", "g-3__0", "g-4__0"]);
	});

	it("a retired slot's task ending does not count as a restart: no gap across the retirement", () => {
		const { g, host } = service(2);
		const [, b] = launchAll(g);
		g.scaleTo(1);
		host.advance(5_000);
		end(g, b!, "TASK_FAILED");
		expect(g.restartsWaiting.count).toBe(0);
		host.advance(10_000);
		g.scaleTo(2);
		launch(g, g.queue[0]!);
		expect(g.stats.restartGaps).toEqual([]);
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

describe("elasticScale: the target curve", () => {
	function elastic(shape: "step" | "ramp", startAt = 5_000, min = 2, max = 6) {
		const { g, host } = makeGroup<ElasticScale>({
			pattern: "elasticScale",
			elastic: { min, max, periodMs: 100_000, shape },
			resources: { cpus: 0.5, mem: 256 },
		});
		host.advance(startAt);
		g.maybeStart();
		return { g, host };
	}

	it("step: min for the first half of each period from the group's start, max for the second", () => {
		const { g } = elastic("step");
		const at = (dt: number) => g.targetAt(5_000 + dt);
		expect([at(0), at(49_999), at(50_000), at(99_999), at(100_000), at(150_000)]).toEqual([2, 2, 6, 6, 2, 6]);
		// Before the start, the curve runs backwards from it.
		expect(g.targetAt(4_000)).toBe(6);
		expect(g.targetAt(-50_000 + 5_000)).toBe(6);
		expect(g.targetAt(-60_000 + 5_000)).toBe(2);
	});

	it("ramp: linearly from min up to max at half the period and back down", () => {
		const { g } = elastic("ramp");
		const at = (dt: number) => g.targetAt(5_000 + dt);
		expect([0, 12_500, 25_000, 37_500, 50_000, 62_500, 75_000, 87_500, 100_000].map(at)).toEqual([
			2, 3, 4, 5, 6, 5, 4, 3, 2,
		]);
		expect(g.targetAt(4_000)).toBe(2);
	});

	it("step: the count changes at each half period, aligned to the start; scaling down kills the newest", () => {
		const { g, host } = elastic("step");
		expect(g.target).toBe(2);
		expect(ids(g)).toEqual(["g-0__0", "g-1__0"]);
		const first = launchAll(g);
		for (const t of first) running(g, t);
		host.advance(54_999);
		expect(g.queue).toHaveLength(0);
		host.advance(55_000);
		expect(g.target).toBe(6);
		expect(ids(g)).toEqual(["g-2__0", "g-3__0", "g-4__0", "g-5__0"]);
		const more = launchAll(g);
		for (const t of more) running(g, t);
		expect(g.ready()).toBe(true);
		host.advance(104_999);
		expect(host.killed).toHaveLength(0);
		host.advance(105_000);
		expect(g.target).toBe(2);
		expect(host.killed.map((t) => t.id)).toEqual(["g-5__0", "g-4__0", "g-3__0", "g-2__0"]);
		for (const t of more) end(g, t, "TASK_KILLED");
		expect(g.queue).toHaveLength(0);
		// Up again: the retired slots come back.
		host.advance(155_000);
		expect(ids(g)).toEqual(["g-2__1", "g-3__1", "g-4__1", "g-5__1"]);
	});

	it("ramp: one instance at a time, a change every periodMs / (2 × (max − min))", () => {
		const { g, host } = elastic("ramp");
		const targets: [number, number][] = [];
		for (let t = 5_000; t <= 105_000; t += 2_500) {
			host.advance(t);
			targets.push([t - 5_000, g.target]);
		}
		const changes = targets.filter(([, n], k) => k > 0 && n !== targets[k - 1]![1]).map(([t]) => t);
		expect(changes).toEqual([12_500, 25_000, 37_500, 50_000, 62_500, 75_000, 87_500, 100_000]);
		// Queued: 2, then one more per step up to 6.
		expect(g.slots.filter((s) => !s.retired)).toHaveLength(2);
		expect(g.slots).toHaveLength(6);
	});

	it("ramp with min = max, or a steep ramp: updates every half period, or every second at least", () => {
		const flat = elastic("ramp", 0, 3, 3);
		expect(flat.host.pending().map((t) => t.at)).toEqual([50_000]);
		expect(flat.g.target).toBe(3);
		const steep = makeGroup<ElasticScale>({
			pattern: "elasticScale",
			elastic: { min: 0, max: 100, periodMs: 10_000, shape: "ramp" },
		});
		steep.g.maybeStart();
		expect(steep.host.pending().map((t) => t.at)).toEqual([1_000]);
	});

	it("step: the change comes at the half period even when it is shorter than a second", () => {
		const { g, host } = makeGroup<ElasticScale>({
			pattern: "elasticScale",
			elastic: { min: 0, max: 10, periodMs: 2_500, shape: "step" },
		});
		g.maybeStart();
		expect(host.pending().map((t) => t.at)).toEqual([1_250]);
		host.advance(1_250);
		expect(g.target).toBe(10);
		expect(g.queue).toHaveLength(10);
	});

	it("the change points are counted from the group's start, however late it starts", () => {
		const { g, host } = elastic("step", 30_000);
		expect(host.pending().map((t) => t.at)).toEqual([80_000]);
		host.advance(79_999);
		expect(g.target).toBe(2);
		host.advance(80_000);
		expect(g.target).toBe(6);
		expect(host.pending().map((t) => t.at)).toEqual([130_000]);
	});

	it("a change of target leaves an instance waiting out its restart backoff alone", () => {
		const { g, host } = makeGroup<ElasticScale>({
			pattern: "elasticScale",
			elastic: { min: 2, max: 6, periodMs: 100_000, shape: "ramp" },
			lifecycle: { restart: BACKOFF_10S },
		});
		g.maybeStart();
		const [t0] = launchAll(g);
		host.advance(12_000);
		end(g, t0!, "TASK_FAILED");
		// The ramp's next step (12.5 s) queues one more instance, not the one backing off.
		host.advance(12_500);
		expect(g.target).toBe(3);
		expect(ids(g)).toEqual(["g-2__0"]);
		host.advance(22_000);
		expect(ids(g)).toEqual(["g-2__0", "g-0__1"]);
	});

	it("follows its own target: `package scale` refuses it, and picks another group", () => {
		const sim = buildSimulation(
			validateScenario({
				seed: 1,
				agents: [{ group: "a", count: 2, cpus: 8, mem: 32_768, disk: 100_000 }],
				frameworks: [
					{
						type: "chameleon",
						name: "mixed",
						groups: [
							{ name: "svc", pattern: "steadyService", instances: 1 },
							{ name: "w", pattern: "elasticScale", elastic: { min: 5, max: 8, periodMs: 60_000 } },
						],
					},
				],
			}),
		);
		sim.engine.runUntil(5_000);
		const c = sim.frameworks.find((f) => f.name === "mixed")!.scheduler as ChameleonFramework;
		expect(c.scale(3, "w")).toEqual({
			ok: false,
			reason: 'group: "w" (elasticScale) has no instance count to change',
		});
		expect(c.scale(3)).toEqual({ ok: true, group: "svc", from: 1, to: 3 });
	});
});

describe("stateful: the serial deploy when scaled", () => {
	function stateful(instances: number) {
		const { g, host } = makeGroup({
			pattern: "stateful",
			instances,
			resources: { cpus: 1, mem: 1024 },
			lifecycle: { restart: NO_BACKOFF },
		});
		g.maybeStart();
		return { g, host };
	}
	/** Launches and runs the head of the queue. */
	const runNext = (g: Pattern, agent = "a1") => {
		const t = launch(g, g.queue[0]!, agent);
		running(g, t);
		return t;
	};

	it("scaled up before the last ordinal runs: the next waits for it; then one at a time", () => {
		const { g } = stateful(1);
		expect(ids(g)).toEqual(["g-0__0"]);
		g.scaleTo(3);
		expect(ids(g)).toEqual(["g-0__0"]);
		expect(g.ready()).toBe(false);
		runNext(g);
		expect(ids(g)).toEqual(["g-1__0"]);
		runNext(g);
		expect(ids(g)).toEqual(["g-2__0"]);
		expect(g.ready()).toBe(false);
		runNext(g);
		expect(g.queue).toHaveLength(0);
		expect(g.ready()).toBe(true);
	});

	it("scaled up once deployed: the deploy goes on from the next ordinal", () => {
		const { g } = stateful(1);
		runNext(g);
		expect(g.ready()).toBe(true);
		g.scaleTo(2);
		expect(ids(g)).toEqual(["g-1__0"]);
		expect(g.ready()).toBe(false);
	});

	it("scaled down mid-deploy: the highest ordinals retire newest first; up again, they come back in order", () => {
		const { g } = stateful(3);
		const t0 = runNext(g);
		const t1 = runNext(g);
		expect(ids(g)).toEqual(["g-2__0"]);
		g.scaleTo(1);
		expect(g.queue).toHaveLength(0);
		expect(g.instances).toBe(1);
		expect(g.ready()).toBe(true);
		end(g, t1, "TASK_KILLED");
		expect(g.queue).toHaveLength(0);
		g.scaleTo(3);
		// Ordinal 1 first (on its old agent), ordinal 2 once it runs.
		expect(ids(g)).toEqual(["g-1__1"]);
		expect(g.queue[0]!.agentId).toBe("a1");
		runNext(g);
		expect(ids(g)).toEqual(["g-2__1"]);
		expect(t0.state).toBe("TASK_RUNNING");
	});

	it("scaled to 0 and up again: the deploy starts over from ordinal 0", () => {
		const { g } = stateful(2);
		const t0 = runNext(g);
		g.scaleTo(0);
		expect(g.queue).toHaveLength(0);
		expect(g.ready()).toBe(true);
		end(g, t0, "TASK_KILLED");
		g.scaleTo(2);
		expect(ids(g)).toEqual(["g-0__1"]);
	});

	it("an earlier ordinal running again (after a failure) does not deploy the next one early", () => {
		const { g, host } = stateful(4);
		const t0 = runNext(g);
		expect(ids(g)).toEqual(["g-1__0"]);
		host.advance(5_000);
		end(g, t0, "TASK_FAILED");
		expect(ids(g)).toEqual(["g-1__0", "g-0__1"]);
		runNext(g, "a2"); // g-1
		expect(ids(g)).toEqual(["g-0__1", "g-2__0"]);
		const again = launch(g, g.queue[0]!, "a1");
		running(g, again);
		expect(ids(g)).toEqual(["g-2__0"]);
	});

	it("scaled before it starts: only the count changes", () => {
		const { g } = makeGroup({ pattern: "stateful", instances: 2 });
		g.scaleTo(4);
		expect(g.instances).toBe(4);
		expect(g.queue).toHaveLength(0);
		g.maybeStart();
		expect(ids(g)).toEqual(["g-0__0"]);
	});
});

describe("cronBurst: startingDeadline", () => {
	function cron(extra: Record<string, unknown> = {}) {
		const { g, host } = makeGroup({
			pattern: "cronBurst",
			arrivals: { kind: "cron", every: "10m", at: "1m" },
			jobsPerTick: 1,
			startingDeadline: "30s",
			resources: { cpus: 0.1, mem: 128 },
			lifecycle: { runFor: "1m", retries: 1, restart: NO_BACKOFF },
			...extra,
		});
		g.maybeStart();
		host.advance(60_000);
		expect(g.queue).toHaveLength(1);
		return { g, host };
	}
	const roundSeeing = (seen: string[]) =>
		({
			place: (r: { id: string }) => {
				seen.push(r.id);
				return null;
			},
		}) as unknown as Round;

	it("a task still queued startingDeadline after its job arrived is dropped (at the deadline it still waits)", () => {
		const { g, host } = cron();
		host.advance(90_000);
		expect(g.wantsOffers()).toBe(true);
		expect(g.stats.deadlineMisses).toBe(0);
		host.advance(90_001);
		expect(g.wantsOffers()).toBe(false);
		expect(g.queue).toHaveLength(0);
		expect(g.stats.deadlineMisses).toBe(1);
	});

	it("a placement round drops late tasks before placing: they are never tried", () => {
		const { g, host } = cron();
		host.advance(90_001);
		const seen: string[] = [];
		g.place(roundSeeing(seen));
		expect(seen).toEqual([]);
		expect(g.stats.deadlineMisses).toBe(1);
	});

	it("a retried task is exempt: it waits for offers past the deadline", () => {
		const { g, host } = cron();
		const t = launch(g, g.queue[0]!);
		running(g, t);
		host.advance(70_000);
		end(g, t, "TASK_FAILED");
		expect(g.queue).toHaveLength(1);
		host.advance(200_000);
		expect(g.wantsOffers()).toBe(true);
		const seen: string[] = [];
		g.place(roundSeeing(seen));
		expect(seen).toHaveLength(1);
		expect(g.stats.deadlineMisses).toBe(0);
	});

	it("without startingDeadline nothing is dropped", () => {
		const { g, host } = cron({ startingDeadline: undefined });
		host.advance(500_000);
		expect(g.wantsOffers()).toBe(true);
		expect(g.stats.deadlineMisses).toBe(0);
	});
});

describe("poissonBatch: retries and ends", () => {
	function batch(retries: number, extra: Record<string, unknown> = {}) {
		const { g, host } = makeGroup({
			pattern: "poissonBatch",
			arrivals: { kind: "cron", every: "10m", at: "1m" },
			maxJobs: 1,
			resources: { cpus: 0.1, mem: 128 },
			lifecycle: { runFor: "1m", retries, restart: BACKOFF_10S },
			...extra,
		});
		g.maybeStart();
		host.advance(60_000);
		return { g, host };
	}

	it("a failed task is retried after the restart backoff, `retries` times, then given up", () => {
		const { g, host } = batch(2);
		expect(g.queue).toHaveLength(1);
		let t = launch(g, g.queue[0]!);
		host.advance(61_000);
		end(g, t, "TASK_FAILED");
		expect(g.queue).toHaveLength(0);
		expect(g.restartsWaiting).toEqual({ count: 1, until: 71_000 });
		host.advance(71_000);
		expect(g.queue).toHaveLength(1);
		t = launch(g, g.queue[0]!);
		end(g, t, "TASK_LOST");
		// Second failure: 20 s.
		expect(g.restartsWaiting).toEqual({ count: 1, until: 91_000 });
		host.advance(91_000);
		t = launch(g, g.queue[0]!);
		end(g, t, "TASK_FAILED");
		expect(g.restartsWaiting.count).toBe(0);
		host.advance(1_000_000);
		expect(g.queue).toHaveLength(0);
		expect(g.stats.launched).toBe(3);
	});

	it("a finished or framework-killed task is not retried; a launch whose offers were gone is queued again at once", () => {
		const { g, host } = batch(3, { maxJobs: 3, tasksPerJob: 3 });
		expect(g.queue).toHaveLength(3);
		const [a, b, c] = launchAll(g);
		end(g, a!, "TASK_FINISHED");
		b!.killed = true;
		end(g, b!, "TASK_KILLED");
		expect(g.queue).toHaveLength(0);
		expect(g.restartsWaiting.count).toBe(0);
		end(g, c!, "TASK_ERROR", "REASON_INVALID_OFFERS");
		expect(g.queue).toHaveLength(1);
		expect(g.queue[0]!.need).toEqual(c!.req.need);
		// maxJobs 3: the ticks at 1, 11 and 21 min, no more.
		host.advance(3_600_000);
		expect(g.stats.jobs).toBe(3);
		expect(g.stats.arrivals).toEqual([60_000, 660_000, 1_260_000]);
	});
});

describe("poissonBatch and cronBurst: arrivals", () => {
	it("poisson arrivals come from the group's own arrival stream alone (no jitter drawn without jitterMs)", () => {
		const { g, host } = makeGroup({
			pattern: "poissonBatch",
			arrivals: { kind: "poisson", ratePerMin: 6 },
			resources: { cpus: 0.1, mem: 128 },
		});
		g.maybeStart();
		host.advance(600_000);
		const proc = arrivalProcess({ kind: "poisson", ratePerMin: 6 }, 0, new Rng("test/group/g/arrivals"));
		const expected: number[] = [];
		for (let t = proc.next()!; t <= 600_000; t = proc.next()!) expected.push(t);
		expect(expected.length).toBeGreaterThan(30);
		expect(g.stats.arrivals).toEqual(expected);
	});

	it("a rate of 0: no arrival ever, nothing scheduled", () => {
		const { g, host } = makeGroup({
			pattern: "poissonBatch",
			arrivals: { kind: "poisson", ratePerMin: 0 },
		});
		g.maybeStart();
		expect(host.pending()).toEqual([]);
		host.advance(3_600_000);
		expect(g.stats.jobs).toBe(0);
	});

	it("a job has at least one task, whatever tasksPerJob draws", () => {
		const { g, host } = makeGroup({
			pattern: "poissonBatch",
			arrivals: { kind: "cron", every: "1m" },
			tasksPerJob: { kind: "uniform", min: 0, max: 0.4 },
		});
		g.maybeStart();
		host.advance(240_000);
		expect(g.stats.jobs).toBe(5);
		expect(g.queue).toHaveLength(5);
	});

	it("cronBurst with FORBID: once maxJobs have arrived there are no more ticks, so none is counted as skipped", () => {
		const { g, host } = makeGroup({
			pattern: "cronBurst",
			arrivals: { kind: "cron", every: "10m", at: "1m" },
			jobsPerTick: 1,
			maxJobs: 1,
			concurrencyPolicy: "FORBID",
		});
		g.maybeStart();
		host.advance(3_600_000);
		expect(g.stats.jobs).toBe(1);
		expect(g.queue).toHaveLength(1);
		expect(g.stats.skippedTicks).toBe(0);
		expect(host.pending()).toEqual([]);
	});
});

describe("the base class: task sizes and requests", () => {
	const sized = {
		pattern: "poissonBatch",
		arrivals: { kind: "cron", every: "1m" },
		resources: {
			cpus: { kind: "uniform", min: 0.1, max: 0.5 },
			mem: { kind: "uniform", min: 100, max: 201 },
			disk: { kind: "uniform", min: 10, max: 21 },
			gpus: { kind: "uniform", min: 1, max: 2 },
			ports: 2,
		},
	};

	it("a drawn size: cpus to the thousandth, MB and gpus whole, the group's port count", () => {
		const { g } = makeGroup(sized);
		const needs = Array.from({ length: 40 }, () => g.drawNeed());
		for (const n of needs) {
			expect(Math.abs(n.cpus * 1000 - Math.round(n.cpus * 1000))).toBeLessThan(1e-6);
			expect(n.cpus).toBeGreaterThanOrEqual(0.1);
			expect(n.cpus).toBeLessThanOrEqual(0.5);
			for (const k of ["mem", "disk", "gpus"] as const) expect(Number.isInteger(n[k]), k).toBe(true);
			expect(n.mem).toBeGreaterThanOrEqual(100);
			expect(n.mem).toBeLessThanOrEqual(201);
			expect(n.disk).toBeGreaterThanOrEqual(10);
			expect(n.gpus).toBeGreaterThanOrEqual(1);
			expect(n.ports).toBe(2);
		}
		// Not all the same: each draw is its own.
		expect(new Set(needs.map((n) => n.cpus)).size).toBeGreaterThan(10);
		expect(new Set(needs.map((n) => n.mem)).size).toBeGreaterThan(10);
		expect(new Set(needs.map((n) => n.disk)).size).toBeGreaterThan(3);
		expect(new Set(needs.map((n) => n.gpus))).toEqual(new Set([1, 2]));
	});

	it("a new group starts with empty statistics and starts once", () => {
		const { g } = makeGroup({ pattern: "steadyService", instances: 1 });
		const st = g.stats;
		expect([st.restartGaps, st.commands, st.arrivals, st.log]).toEqual([[], [], [], []]);
		g.maybeStart();
		g.maybeStart();
		expect(ids(g)).toEqual(["g-0__0"]);
		// A batch group started twice would run two arrival processes.
		const { g: b, host } = makeGroup({
			pattern: "poissonBatch",
			arrivals: { kind: "cron", every: "10m", at: "1m" },
		});
		b.maybeStart();
		b.maybeStart();
		host.advance(60_000);
		expect(b.stats.jobs).toBe(1);
	});

	it("keeps the first 2000 arrival times and the first 5000 log entries", () => {
		const { g, host } = makeGroup({ pattern: "poissonBatch", arrivals: { kind: "cron", every: "1s" } });
		g.maybeStart();
		host.advance(2_100_000);
		expect(g.stats.jobs).toBe(2101);
		expect(g.stats.arrivals).toHaveLength(2000);
		expect(g.stats.arrivals[1999]).toBe(1_999_000);
		for (let k = 0; k < 5001; k++) g.log({ t: k, ev: "launch", id: `t${k}`, name: "g", agent: "a1" });
		expect(g.stats.log).toHaveLength(5000);
		expect(g.stats.log[4999]!.t).toBe(4999);
	});

	it("the nominal size (reason records): the distributions' means, rounded like a drawn size, without a draw", () => {
		const { g } = makeGroup(sized);
		const { g: twin } = makeGroup(sized);
		expect(g.nominalNeed()).toEqual({ cpus: 0.3, mem: 151, disk: 16, gpus: 2, ports: 2 });
		const { g: fine } = makeGroup({
			...sized,
			resources: { cpus: { kind: "uniform", min: 0.1, max: 0.2345 }, mem: 64 },
		});
		expect(fine.nominalNeed()).toEqual({ cpus: 0.167, mem: 64, disk: 0, gpus: 0, ports: 0 });
		// No draw taken: the next drawn size is the twin's.
		expect(g.drawNeed()).toEqual(twin.drawNeed());
	});

	it("requests of a batch group: ids `<group>-<n>`, the time they were made, no agent to wait for", () => {
		const { g, host } = makeGroup({
			...sized,
			arrivals: { kind: "cron", every: "1m", at: "30s" },
			tasksPerJob: 2,
		});
		g.maybeStart();
		host.advance(30_000);
		expect(ids(g)).toEqual(["g-0", "g-1"]);
		for (const r of g.queue) {
			expect(r.createdAt).toBe(30_000);
			expect(r.agentId).toBeNull();
			expect(r.stickyUntil).toBe(0);
			expect(r.name).toBe("g");
		}
		// The two tasks of a job share one drawn size.
		expect(g.queue[0]!.need).toEqual(g.queue[1]!.need);
		expect(g.stats.commands).toHaveLength(2);
		expect(host.demands).toBe(2);
	});
});

describe("what the service and batch patterns require of a spec", () => {
	const problems = (group: Record<string, unknown>) => {
		try {
			resolveChameleonSpec({ groups: [{ name: "g", ...group }] }, "fw");
		} catch (e) {
			return (e as Error).message;
		}
		return "";
	};

	it("a required field's message names the pattern and the field, with the hint when there is one", () => {
		expect(requirementMessage("gang", { field: "gangSize" })).toBe('gang needs "gangSize"');
		expect(requirementMessage("elasticScale", { field: "elastic", hint: "{min, max, periodMs}" })).toBe(
			'elasticScale needs "elastic" {min, max, periodMs}',
		);
	});

	it("cronBurst takes only cron arrivals", () => {
		expect(problems({ pattern: "cronBurst", arrivals: { kind: "poisson", ratePerMin: 1 } })).toContain(
			'/groups/0/arrivals/kind: cronBurst arrivals must be of kind "cron" (got "poisson")',
		);
		expect(problems({ pattern: "cronBurst", arrivals: { kind: "cron", every: "1m" } })).toBe("");
	});
});
