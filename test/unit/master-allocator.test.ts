/**
 * The allocator's rules (docs/mesos-rules.md §4, docs/architecture.md "The
 * way of one offer"): when cycles run, what an offer holds, DRF order, weights,
 * hierarchical roles, quota limits, min_allocatable, filters, SUPPRESS/REVIVE,
 * offer_timeout, GPU agents, the DRF paper example, and candidate agents
 * against a full scan.
 */
import { describe, expect, it } from "vitest";
import type { AgentShape } from "../../agents/index.js";
import { mixEvent } from "../../master/event-log.js";
import {
	AGENT_STATE,
	type FrameworkInfo,
	type MasterFlags,
	type Offer,
	refuseMs,
} from "../../master/index.js";
import { Harness, scalar, type TestFramework, task } from "../helpers/harness.js";

const MULTI: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "MULTI_ROLE" }];

function harness(
	agents: (Partial<AgentShape> & { count: number })[],
	flags: Partial<MasterFlags> = {},
	seed = 1,
): Harness {
	return new Harness({ agents, flags, seed });
}

/** Subscribes all frameworks at the same instant, then runs the cycle that follows. */
function subscribeAll(h: Harness, infos: Partial<FrameworkInfo>[]): TestFramework[] {
	const fs = infos.map((info) => {
		const f = h.framework();
		expect(f.subscribe(info).ok).toBe(true);
		return f;
	});
	h.settle();
	return fs;
}

function offerEvents(f: TestFramework): { t: number; offers: Offer[] }[] {
	return f.eventsOf("OFFERS").map((e) => ({ t: f.timeOf(e), offers: e.offers.offers }));
}

function offerTimes(f: TestFramework): number[] {
	return offerEvents(f).map((x) => x.t);
}

function allOffers(f: TestFramework): Offer[] {
	return offerEvents(f).flatMap((x) => x.offers);
}

function sum(offers: Offer[], name: string): number {
	return offers.reduce((s, o) => s + scalar(o, name), 0);
}

/** The framework declines its outstanding offers and every offer it gets later, at once. */
function alwaysDecline(f: TestFramework, refuse: number | undefined): void {
	const now = f.offers();
	if (now.length > 0) f.decline(now, refuse);
	f.react = (e) => {
		if (e.type === "OFFERS") f.decline(e.offers.offers, refuse);
	};
}

describe("when allocation cycles run", () => {
	it("every allocation_interval (a declined offer with refuse 0 comes back at the next periodic cycle)", () => {
		const h = harness([{ count: 1 }], { allocationIntervalMs: 2_000 });
		const [f] = subscribeAll(h, [{}]);
		alwaysDecline(f!, 0);
		h.run(7_000);
		expect(offerTimes(f!)).toEqual([0, 2_000, 4_000, 6_000]);
		expect(h.master.allocator.cycles).toBeGreaterThanOrEqual(4);
	});

	it("at once when a framework subscribes", () => {
		const h = harness([{ count: 1 }], { allocationIntervalMs: 10_000 });
		h.run(2_500);
		const [f] = subscribeAll(h, [{}]);
		expect(offerTimes(f!)).toEqual([2_500]);
	});

	it("at once on REVIVE", () => {
		const h = harness([{ count: 1 }], { allocationIntervalMs: 10_000 });
		const [f] = subscribeAll(h, [{}]);
		f!.decline(f!.offers(), 3_600);
		h.run(3_300);
		expect(f!.call({ type: "REVIVE" }).status).toBe(202);
		h.settle();
		expect(offerTimes(f!)).toEqual([0, 3_300]);
	});

	it("at once when an agent registers (offering that agent)", () => {
		const h = harness([{ count: 1 }], { allocationIntervalMs: 10_000 });
		const [f] = subscribeAll(h, [{}]);
		h.run(4_200);
		const { first } = h.fleet.addShape({ group: "late", count: 1, cpus: 2, mem: 512, disk: 0 });
		h.fleet.start(first);
		h.settle();
		const ev = offerEvents(f!);
		expect(ev.map((x) => x.t)).toEqual([0, 4_200]);
		expect(ev[1]!.offers.map((o) => o.agent_id.value)).toEqual([h.fleet.agentId(first)]);
		expect(scalar(ev[1]!.offers[0]!, "cpus")).toBe(2);
	});

	it("not when resources are freed: a task's end waits for the next periodic cycle", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }], { allocationIntervalMs: 10_000 });
		const [f] = subscribeAll(h, [{}]);
		const [o] = f!.offers();
		f!.launch(
			[o!],
			[
				task(
					"t",
					o!,
					{ cpus: 4, mem: 4096, disk: 10_000, ports: [{ begin: 31_000, end: 32_000 }] },
					"sleep 3",
				),
			],
		);
		h.run(9_999);
		expect(f!.updates("t").map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
		expect(offerTimes(f!)).toEqual([0]);
		h.run(1);
		expect(offerTimes(f!)).toEqual([0, 10_000]);
	});

	it("not when an offer is declined with refuse 0", () => {
		const h = harness([{ count: 1 }], { allocationIntervalMs: 10_000 });
		const [f] = subscribeAll(h, [{}]);
		h.run(1_000);
		f!.decline(f!.offers(), 0);
		h.run(8_999);
		expect(offerTimes(f!)).toEqual([0]);
		h.run(1);
		expect(offerTimes(f!)).toEqual([0, 10_000]);
	});
});

describe("what an offer holds", () => {
	it("one offer per agent and one OFFERS event per framework per cycle", () => {
		const h = harness([{ count: 3 }]);
		const [f] = subscribeAll(h, [{}]);
		const ev = offerEvents(f!);
		expect(ev).toHaveLength(1);
		expect(new Set(ev[0]!.offers.map((o) => o.agent_id.value)).size).toBe(3);
		expect(ev[0]!.offers).toHaveLength(3);
	});

	it("one offer per (agent, role): a quota-capped role leaves the rest of the agent to the next role", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		h.master.updateQuota("a", { cpus: 1 });
		const [f] = subscribeAll(h, [{ roles: ["a", "b"], capabilities: MULTI }]);
		const ev = offerEvents(f!);
		expect(ev).toHaveLength(1);
		const byRole = new Map(ev[0]!.offers.map((o) => [o.allocation_info!.role!, o]));
		expect([...byRole.keys()].sort()).toEqual(["a", "b"]);
		expect(scalar(byRole.get("a")!, "cpus")).toBe(1);
		expect(scalar(byRole.get("a")!, "mem")).toBe(4096);
		expect(scalar(byRole.get("b")!, "cpus")).toBe(3);
		expect(byRole.get("a")!.agent_id).toEqual(byRole.get("b")!.agent_id);
		expect(h.violations()).toEqual([]);
	});

	it("the chosen framework gets all remaining resources of the agent", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096, disk: 10_000 }]);
		const [f, g] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		expect(g!.offers()).toHaveLength(0);
		const [o] = f!.offers();
		expect([scalar(o!, "cpus"), scalar(o!, "mem"), scalar(o!, "disk")]).toEqual([4, 4096, 10_000]);
		f!.launch(
			[o!],
			[task("t", o!, { cpus: 1, mem: 1000, disk: 100, ports: [{ begin: 31_000, end: 31_000 }] })],
			0,
		);
		h.run(1_000);
		// g (share 0) is first now and takes everything that is left.
		const [r] = g!.offers();
		expect([scalar(r!, "cpus"), scalar(r!, "mem"), scalar(r!, "disk")]).toEqual([3, 3096, 9_900]);
		expect(r!.resources.find((x) => x.name === "ports")!.ranges!.range).toEqual([
			{ begin: 31_001, end: 32_000 },
		]);
		expect(f!.offers()).toHaveLength(0);
	});
});

describe("DRF order", () => {
	// A framework's dominant share is its largest share over resources; the
	// lowest goes first. Each case rules out ordering by one resource alone.
	const cases: [string, { cpus: number; mem: number }, { cpus: number; mem: number }][] = [
		["not by cpus alone", { cpus: 1, mem: 3_500 }, { cpus: 3, mem: 500 }],
		["not by mem alone", { cpus: 3.5, mem: 1_000 }, { cpus: 0.5, mem: 3_000 }],
	];
	it.each(cases)("lowest dominant share goes first (%s)", (_n, aTask, bTask) => {
		const h = harness([{ count: 1, cpus: 10, mem: 10_000 }]);
		const [a, b] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		let [o] = a!.offers();
		a!.launch([o!], [task("a1", o!, aTask)], 0);
		h.run(1_000);
		[o] = b!.offers();
		b!.launch([o!], [task("b1", o!, bTask)], 0);
		// a: dominant 0.35, b: dominant 0.3 -> b is offered the rest.
		h.run(1_000);
		expect(offerTimes(a!)).toEqual([0]);
		expect(offerTimes(b!)).toEqual([1_000, 2_000]);
		expect(h.master.dominantShare(h.master.framework(a!.id)!)).toBeCloseTo(0.35, 9);
	});

	it("ties: fewer allocations first, then name", () => {
		const h = harness([{ count: 1 }]);
		const [a, b] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		alwaysDecline(a!, 0);
		alwaysDecline(b!, 0);
		h.run(4_000);
		// Both always at share 0: a by name (equal counts), then b (fewer allocations), …
		expect(offerTimes(a!)).toEqual([0, 2_000, 4_000]);
		expect(offerTimes(b!)).toEqual([1_000, 3_000]);
	});

	it("ties: a launch is not an extra allocation (only offers count)", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const [a, b] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		// a: one offer, launches a 1.5 s task; b: one offer, declines.
		let [o] = a!.offers();
		a!.launch([o!], [task("t", o!, { cpus: 1 }, "sleep 1.5")], 0);
		h.run(1_000);
		[o] = b!.offers();
		expect(o).toBeDefined();
		b!.decline([o!], 0);
		// At 2 s both have share 0 and one allocation each: a goes first by name.
		h.run(1_000);
		expect(offerTimes(a!)).toEqual([0, 2_000]);
		expect(offerTimes(b!)).toEqual([1_000]);
	});

	it("role weights divide shares: weight 2 gets twice as much", () => {
		const run = (weighted: boolean) => {
			const h = harness([{ count: 6, cpus: 1, mem: 1024 }]);
			if (weighted) h.master.updateWeights([{ role: "a", weight: 2 }]);
			const [a, b] = subscribeAll(h, [{ role: "a" }, { role: "b" }]);
			return [a!.offers().length, b!.offers().length];
		};
		expect(run(false)).toEqual([3, 3]);
		expect(run(true)).toEqual([4, 2]);
	});

	it("hierarchical roles: eng/web and eng/db share the 'eng' subtree against ops", () => {
		const h = harness([{ count: 4, cpus: 1, mem: 1024 }]);
		const [web, db, ops] = subscribeAll(h, [{ role: "eng/web" }, { role: "eng/db" }, { role: "ops" }]);
		// Flat DRF would give one role a second agent by name (eng/db); the tree gives it to ops.
		expect([web!.offers().length, db!.offers().length, ops!.offers().length]).toEqual([1, 1, 2]);
	});

	it("outstanding offers count as allocated", () => {
		const h = harness([{ count: 2 }]);
		const [a, b] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		alwaysDecline(b!, 0);
		h.run(3_000);
		// a holds its offer; b keeps getting the other agent, never a second one.
		expect(offerEvents(a!).map((x) => [x.t, x.offers.length])).toEqual([[0, 1]]);
		expect(offerEvents(b!).map((x) => [x.t, x.offers.length])).toEqual([
			[0, 1],
			[1_000, 1],
			[2_000, 1],
			[3_000, 1],
		]);
		const held = a!.offers()[0]!.agent_id.value;
		expect(allOffers(b!).every((o) => o.agent_id.value !== held)).toBe(true);
	});
});

describe("quota and min_allocatable", () => {
	it("a quota limit caps what a role is offered", () => {
		const h = harness([{ count: 3, cpus: 4, mem: 4096 }]);
		h.master.updateQuota("a", { cpus: 2 });
		const [a, b] = subscribeAll(h, [{ role: "a" }, { role: "b" }]);
		expect(sum(a!.offers(), "cpus")).toBe(2);
		expect(sum(b!.offers(), "cpus")).toBe(10);
		// Declining gives the headroom back; it is never exceeded.
		alwaysDecline(a!, 0);
		alwaysDecline(b!, 0);
		h.run(5_000);
		for (const { offers } of offerEvents(a!)) expect(sum(offers, "cpus")).toBeLessThanOrEqual(2);
		expect(h.violations()).toEqual([]);
	});

	it("headroom a role gets back reaches the agents its quota limit held back", () => {
		// Role a (limit 4 cpus, 4 GB) takes two of three agents; the third yields nothing.
		const run = (fullScan: boolean) => {
			const h = new Harness({
				agents: [{ count: 3, cpus: 2, mem: 2048, disk: 0 }],
				seed: 1,
				checks: { fullScan },
			});
			h.master.updateQuota("a", { cpus: 4, mem: 4096 });
			const [f] = subscribeAll(h, [{ role: "a" }]);
			const offers = f!.offers();
			expect(offers).toHaveLength(2);
			// Declining one (filtered for 60 s) frees 2 cpus of headroom: the third agent is offered next cycle.
			f!.decline([offers[0]!], 60);
			h.run(1_000);
			const ev = offerEvents(f!);
			expect(ev.map((x) => x.t)).toEqual([0, 1_000]);
			const held = new Set(offers.map((o) => o.agent_id.value));
			expect(held.has(ev[1]!.offers[0]!.agent_id.value)).toBe(false);
			expect(h.master.allocator.nonCandidateOffers).toBe(0);
			return h.master.eventLogHash;
		};
		expect(run(false)).toBe(run(true));
	});

	const minCases: [string, { cpus: number; mem: number }, boolean][] = [
		["0.005 cpus and 26 MB left: not offered", { cpus: 3.995, mem: 4070 }, false],
		["0.01 cpus and 0 MB left: offered", { cpus: 3.99, mem: 4096 }, true],
		["0 cpus and 32 MB left: offered", { cpus: 4, mem: 4064 }, true],
	];
	it.each(minCases)("min_allocatable default (cpus 0.01 or mem 32): %s", (_n, use, offered) => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096, disk: 0 }]);
		const [f] = subscribeAll(h, [{}]);
		const [o] = f!.offers();
		f!.launch([o!], [task("t", o!, use)], 0);
		h.run(3_000);
		expect(offerTimes(f!)).toEqual(offered ? [0, 1_000] : [0]);
	});

	it("a framework's offer_filters override min_allocatable for its role", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const min2 = {
			"*": { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 2 } } }] } },
		};
		const [f, g] = subscribeAll(h, [{ name: "a", offer_filters: min2 }, { name: "b" }]);
		let [o] = f!.offers();
		f!.launch([o!], [task("t", o!, { cpus: 2.5, mem: 100 })], 0);
		h.run(1_000);
		// 1.5 cpus left: below f's minimum of 2, so g gets it (g's share is 0 anyway).
		[o] = g!.offers();
		expect(scalar(o!, "cpus")).toBe(1.5);
		alwaysDecline(g!, 0);
		h.run(2_000);
		// f is never offered the 1.5 cpus, even where it would come first.
		expect(offerTimes(f!)).toEqual([0]);
		expect(offerTimes(g!)).toEqual([1_000, 2_000, 3_000]);
	});
});

describe("filters", () => {
	const refuseCases: [string, number | undefined, number][] = [
		["unset => 5 s", undefined, 5_000],
		["negative => 5 s", -3, 5_000],
		["0 => no filter", 0, 1_000],
		["2.5 s => the first cycle after it", 2.5, 3_000],
	];
	it.each(refuseCases)("refuse_seconds %s", (_n, refuse, next) => {
		const h = harness([{ count: 1 }]);
		const [f] = subscribeAll(h, [{}]);
		f!.decline(f!.offers(), refuse);
		h.run(next - 1);
		expect(offerTimes(f!)).toEqual([0]);
		h.run(1);
		expect(offerTimes(f!)).toEqual([0, next]);
	});

	it("refuse_seconds is capped at 365 days", () => {
		const day = 86_400_000;
		expect(refuseMs(1e12)).toBe(365 * day);
		const h = harness([{ count: 1 }], { allocationIntervalMs: day, heartbeatIntervalMs: 1000 * day });
		const [f] = subscribeAll(h, [{}]);
		f!.decline(f!.offers(), 1e12);
		h.run(364 * day);
		expect(offerTimes(f!)).toEqual([0]);
		h.run(day);
		expect(offerTimes(f!)).toEqual([0, 365 * day]);
	});

	const lifeCases: [string, number, boolean][] = [
		["refuse 1 s lives a whole 10 s interval", 1, false],
		["control: refuse 0 (no filter)", 0, true],
	];
	it.each(lifeCases)(
		"a filter lives max(allocation_interval, refuse_seconds): %s",
		(_n, refuse, offeredAt5s) => {
			const h = harness([{ count: 1 }], { allocationIntervalMs: 10_000 });
			const [f] = subscribeAll(h, [{}]);
			f!.decline(f!.offers(), refuse);
			h.run(5_000);
			// A framework that subscribes suppressed triggers a cycle over every agent at 5 s.
			h.framework().subscribe({ name: "trigger" }, ["*"]);
			h.settle();
			expect(offerTimes(f!)).toEqual(offeredAt5s ? [0, 5_000] : [0]);
			h.run(5_000);
			expect(offerTimes(f!)).toEqual(offeredAt5s ? [0, 5_000] : [0, 10_000]);
		},
	);

	it("a filter blocks only while the refused resources cover what is offerable", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const [f] = subscribeAll(h, [{}]);
		const [o] = f!.offers();
		// The unused 3 cpus are refused for 60 s.
		f!.launch([o!], [task("t", o!, { cpus: 1, mem: 1024 }, "sleep 3")], 60);
		h.run(3_999);
		expect(offerTimes(f!)).toEqual([0]);
		// The task ended at 3 s: 4 cpus are offerable, more than the filter refused.
		h.run(1);
		const ev = offerEvents(f!);
		expect(ev.map((x) => x.t)).toEqual([0, 4_000]);
		expect(scalar(ev[1]!.offers[0]!, "cpus")).toBe(4);
	});

	it("REVIVE clears filters and unsuppresses", () => {
		const h = harness([{ count: 1 }]);
		const [f] = subscribeAll(h, [{}]);
		f!.decline(f!.offers(), 3_600);
		h.run(2_000);
		f!.call({ type: "REVIVE" });
		h.settle();
		expect(offerTimes(f!)).toEqual([0, 2_000]);
		f!.call({ type: "SUPPRESS" });
		f!.decline(f!.offers(), 0);
		h.run(3_000);
		expect(offerTimes(f!)).toEqual([0, 2_000]);
		f!.call({ type: "REVIVE" });
		h.settle();
		expect(offerTimes(f!)).toEqual([0, 2_000, 5_000]);
	});

	it("SUPPRESS of one role stops offers for that role only", () => {
		const h = harness([{ count: 2 }]);
		const [f] = subscribeAll(h, [{ roles: ["a", "b"], capabilities: MULTI }]);
		expect(
			f!
				.offers()
				.map((o) => o.allocation_info!.role)
				.sort(),
		).toEqual(["a", "b"]);
		expect(f!.call({ type: "SUPPRESS", suppress: { roles: ["a"] } }).status).toBe(202);
		f!.decline(f!.offers(), 0);
		alwaysDecline(f!, 0);
		f!.clearEvents();
		h.run(3_000);
		const roles = allOffers(f!).map((o) => o.allocation_info!.role);
		expect(roles).toHaveLength(6);
		expect(new Set(roles)).toEqual(new Set(["b"]));
	});
});

describe("rescinds and capabilities", () => {
	it("offer_timeout rescinds the offer (RESCIND) with no filter", () => {
		const h = harness([{ count: 1 }], { offerTimeoutMs: 2_500 });
		const [f] = subscribeAll(h, [{}]);
		const first = f!.offers()[0]!;
		h.run(2_499);
		expect(f!.eventsOf("RESCIND")).toHaveLength(0);
		h.run(1);
		const r = f!.eventsOf("RESCIND");
		expect(r.map((e) => [f!.timeOf(e), e.rescind.offer_id.value])).toEqual([[2_500, first.id.value]]);
		expect(h.master.metrics.offersRescinded).toBe(1);
		h.run(500);
		expect(offerTimes(f!)).toEqual([0, 3_000]);
	});

	it("GPU agents are offered only to frameworks with GPU_RESOURCES", () => {
		const h = harness([
			{ count: 1, cpus: 4, mem: 4096, gpus: 2 },
			{ count: 1, cpus: 4, mem: 4096 },
		]);
		const gpuAgent = h.fleet.agentId(0);
		const [plain] = subscribeAll(h, [{ name: "plain" }]);
		alwaysDecline(plain!, 0);
		h.run(3_000);
		expect(allOffers(plain!).length).toBe(4);
		expect(allOffers(plain!).every((o) => o.agent_id.value !== gpuAgent)).toBe(true);
		const [gpu] = subscribeAll(h, [{ name: "gpu", capabilities: [{ type: "GPU_RESOURCES" }] }]);
		const offers = gpu!.offers().filter((o) => o.agent_id.value === gpuAgent);
		expect(offers).toHaveLength(1);
		expect(scalar(offers[0]!, "gpus")).toBe(2);
	});
});

describe("the DRF paper example", () => {
	it("9 cpus / 18 GB; A runs <1 cpu, 4 GB>, B <3 cpus, 1 GB>: A ends with 3 tasks and B with 2", () => {
		const h = harness([{ count: 1, cpus: 9, mem: 18_432, disk: 0 }]);
		const launched: string[] = [];
		// Each framework launches exactly one task per offer, or declines (refuse 0) when it cannot.
		const script = (f: TestFramework, name: string, need: { cpus: number; mem: number }) => {
			let n = 0;
			f.react = (e) => {
				if (e.type !== "OFFERS") return;
				for (const o of e.offers.offers) {
					if (scalar(o, "cpus") >= need.cpus && scalar(o, "mem") >= need.mem) {
						const id = `${name}${++n}`;
						launched.push(id);
						f.launch([o], [task(id, o, need)], 0);
					} else f.decline([o], 0);
				}
			};
		};
		const a = h.framework();
		const b = h.framework();
		script(a, "a", { cpus: 1, mem: 4096 });
		script(b, "b", { cpus: 3, mem: 1024 });
		a.subscribe({ name: "A" });
		b.subscribe({ name: "B" });
		h.run(20_000);
		expect(launched).toEqual(["a1", "b1", "a2", "b2", "a3"]);
		const m = h.master;
		expect(m.framework(a.id)!.tasks.size).toBe(3);
		expect(m.framework(b.id)!.tasks.size).toBe(2);
		expect(m.dominantShare(m.framework(a.id)!)).toBeCloseTo(2 / 3, 9);
		expect(m.dominantShare(m.framework(b.id)!)).toBeCloseTo(2 / 3, 9);
		expect(h.violations()).toEqual([]);
	});
});

describe("a role's allocation in the role sorter", () => {
	// The role sorter holds each role's allocation once, whatever number of
	// frameworks share the role; offers held count (as in Mesos).
	it("is counted once when a second framework joins a role that holds offers", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096, disk: 0 }] });
		const [f1] = subscribeAll(h, [{ role: "a" }]);
		expect(f1!.offers()).toHaveLength(2);
		const sorter = h.master.allocator.roleSorter;
		const held = () => [...sorter.allocationOf("a")!.subarray(0, 2)];
		expect(held()).toEqual([8, 8192]);
		subscribeAll(h, [{ role: "a" }]);
		expect(held()).toEqual([8, 8192]);
		expect(sorter.dominantShare("a")).toBe(1);
	});
});

describe("the allocator's counters (the run report's allocator line)", () => {
	it.each([false, true])(
		"counts a visit per candidate agent, and none for agents that did not change (recording: %s)",
		(rec) => {
			const h = new Harness({ agents: [{ count: 3, cpus: 2, mem: 2048, disk: 0 }] });
			if (rec) h.master.recordDecisions({ write: () => {} });
			const al = h.master.allocator;
			const visited0 = al.agentsVisited;
			const [f] = subscribeAll(h, [{ role: "a" }]);
			expect(f!.offers()).toHaveLength(3);
			expect(al.agentsVisited - visited0).toBe(3);
			expect(al.offersMade).toBe(3);
			h.run(5_000); // offers held: nothing changes, no agent is visited again
			expect(al.agentsVisited - visited0).toBe(3);
		},
	);
});

describe("agents a quota limit held back", () => {
	// Role r may hold 2 cpus, 2 GiB and 500 MB of disk; every agent has more.
	// The first offer takes r to its limit, so the cycle holds the other agents
	// back. Each decline gives r's headroom back and must bring the next agent,
	// although nothing changed on it (it is not a candidate by itself).
	// The walk over the roles has two forms (the sorter's live order, or a
	// snapshot of it: nested roles, the random sorter, checks.roleWalk), each
	// with the shortcut for an agent without ports.
	it.each([
		["a flat role, agents with ports (the capped-offer path)", "r", true, {}],
		["a flat role, agents without ports (the shortcut that skips the role)", "r", false, {}],
		["a nested role, agents with ports", "q/r", true, {}],
		["a nested role, agents without ports", "q/r", false, {}],
		[
			"a flat role, agents without ports, snapshot walk",
			"r",
			false,
			{ checks: { roleWalk: "snapshot" as const } },
		],
		[
			"a flat role, agents without ports, random role sorter",
			"r",
			false,
			{ flags: { roleSorter: "random" as const } },
		],
	])("come back when the role's consumption falls: %s", (_n, role, ports, opts) => {
		const h = new Harness({
			...opts,
			agents: [{ count: 3, cpus: 4, mem: 4096, disk: 1000, ...(ports ? {} : { ports: [] }) }],
		});
		h.master.updateQuota(role, { cpus: 2, mem: 2048, disk: 500 });
		const f = h.framework();
		const seen: string[] = [];
		f.react = (e) => {
			if (e.type !== "OFFERS") return;
			for (const o of e.offers.offers) {
				expect(scalar(o, "cpus")).toBe(2);
				seen.push(o.agent_id.value);
				f.decline([o], 3600);
			}
		};
		expect(f.subscribe({ roles: [role], capabilities: MULTI }).ok).toBe(true);
		h.run(5_000);
		expect(seen).toHaveLength(3);
		expect(new Set(seen).size).toBe(3);
		expect(h.violations()).toEqual([]);
	});
});

describe("the fullScan check", () => {
	// The check exists to catch an agent whose resources changed without the
	// master marking it a candidate. Plant such a hole: grow two held agents'
	// totals behind the allocator's back (agent 2 is deactivated as well).
	function plantedHole(fullScan: boolean): { offered: string[]; nonCandidate: number } {
		const h = new Harness({ agents: [{ count: 3, cpus: 2, mem: 2048, disk: 0 }], checks: { fullScan } });
		const [f] = subscribeAll(h, [{ role: "a" }]);
		expect(f!.offers()).toHaveLength(3); // held, never answered: nothing is free
		const before = offerEvents(f!).length;
		const { cluster } = h.master;
		for (const agent of [1, 2]) {
			cluster.total[0]![agent]! += 1;
			cluster.total[1]![agent]! += 512;
		}
		cluster.state[2] = AGENT_STATE.DEACTIVATED;
		h.run(1_000); // one periodic cycle over every candidate (none)
		const offered = offerEvents(f!)
			.slice(before)
			.flatMap((e) => e.offers)
			.map(
				(o) =>
					`agent ${cluster.ids.indexOf(o.agent_id.value)}: ${scalar(o, "cpus")} cpus, ${scalar(o, "mem")} MB`,
			);
		return { offered, nonCandidate: h.master.allocator.nonCandidateOffers };
	}

	it("offers the active agent the candidates missed, once, and counts it", () => {
		expect(plantedHole(true)).toEqual({ offered: ["agent 1: 1 cpus, 512 MB"], nonCandidate: 1 });
	});

	it("without the check the hole stays hidden (what the check is for)", () => {
		expect(plantedHole(false)).toEqual({ offered: [], nonCandidate: 0 });
	});
});

describe("candidate agents vs full scan", () => {
	// Mutation runs (stryker.config.mjs sets MESOSIM_MUTATE_SEED) run these
	// differential tests against every allocator mutant: a quarter of the
	// simulated time keeps a mutant's run short, the thresholds scale with it.
	const WORKLOAD_MS = process.env.MESOSIM_MUTATE_SEED === undefined ? 120_000 : 30_000;
	const scaled = (n: number) => Math.round((n * WORKLOAD_MS) / 120_000);

	interface Logged {
		offers: string[];
		hash: number;
		nonCandidate: number;
		tasksEnded: number;
		declines: number;
		revives: number;
	}

	/** A scripted workload whose every decision comes from per-framework seeded streams. */
	function workload(
		fullScan: boolean,
		quota: boolean,
		opts: { flat?: boolean; roleWalk?: "auto" | "snapshot" } = {},
	): Logged {
		const h = new Harness({
			seed: 42,
			checks: { fullScan, roleWalk: opts.roleWalk ?? "auto" },
			agents: [
				{ count: 150, cpus: 8, mem: 16_384, disk: 100_000 },
				{ count: 100, cpus: 4, mem: 8_192, disk: 50_000, attributes: { rack: "r{i % 10}" } },
				{ count: 50, cpus: 32, mem: 65_536, disk: 200_000 },
			],
		});
		if (quota) {
			h.master.updateQuota("batch", { cpus: 60, mem: 120_000 });
			if (opts.flat) {
				h.master.updateQuota("spark", { cpus: 40, mem: 80_000 });
				h.master.updateQuota("hdfs", { cpus: 8, mem: 8_000 });
			} else h.master.updateQuota("eng", { cpus: 150, mem: 300_000 });
		}
		h.master.updateWeights([{ role: "web", weight: 2 }]);
		const log: string[] = [];
		let tasksEnded = 0;
		let declines = 0;
		let revives = 0;
		const specs: { info: Partial<FrameworkInfo>; name: string }[] = [
			{ name: "web", info: { name: "web", role: "web" } },
			{ name: "batch", info: { name: "batch", role: "batch" } },
			{ name: "spark", info: { name: "spark", role: opts.flat ? "spark" : "eng/spark" } },
			{ name: "hdfs", info: { name: "hdfs", role: opts.flat ? "hdfs" : "eng/hdfs" } },
			{ name: "multi", info: { name: "multi", roles: ["web", "batch"], capabilities: MULTI } },
		];
		for (const spec of specs) {
			const f = h.framework();
			const rng = h.streams.stream(`test-${spec.name}`);
			let n = 0;
			f.react = (e) => {
				if (e.type === "UPDATE" && ["TASK_FINISHED", "TASK_FAILED"].includes(e.update.status.state))
					tasksEnded++;
				if (e.type !== "OFFERS") return;
				for (const o of e.offers.offers) {
					const res = o.resources
						.filter((r) => r.type === "SCALAR")
						.map((r) => `${r.name}:${r.scalar!.value}`)
						.join(",");
					log.push(
						`${h.engine.now} ${spec.name} ${o.agent_id.value} ${o.allocation_info?.role ?? "*"} ${res}`,
					);
					const cpus = scalar(o, "cpus");
					const mem = scalar(o, "mem");
					const refuseChoices = [undefined, 0, 10, 30, 60, 120];
					const refuse = refuseChoices[rng.int(refuseChoices.length)];
					if (cpus >= 1 && mem >= 1024 && rng.bernoulli(0.3)) {
						const k = 1 + rng.int(Math.min(3, Math.floor(cpus)));
						const tasks = [];
						for (let i = 0; i < k; i++) {
							const t = task(`${spec.name}-${++n}`, o, { cpus: 1, mem: 512 }, `sleep ${1 + rng.int(60)}`);
							if (o.allocation_info !== undefined)
								for (const r of t.resources) r.allocation_info = { role: o.allocation_info.role! };
							tasks.push(t);
						}
						f.launch([o], tasks, refuse);
					} else {
						declines++;
						f.decline([o], refuse);
					}
				}
			};
			f.subscribe(spec.info);
			// Occasional REVIVE and SUPPRESS, on a schedule drawn from the same stream.
			const tick = () => {
				const r = rng.int(10);
				if (r < 3) {
					revives++;
					f.call({ type: "REVIVE" });
				} else if (r === 3) f.call({ type: "SUPPRESS" });
				h.engine.timeout(5_000 + rng.int(25_000), tick);
			};
			h.engine.timeout(5_000 + rng.int(25_000), tick);
		}
		h.run(WORKLOAD_MS);
		expect(h.violations()).toEqual([]);
		return {
			offers: log,
			hash: h.master.eventLogHash,
			nonCandidate: h.master.allocator.nonCandidateOffers,
			tasksEnded,
			declines,
			revives,
		};
	}

	it.each([
		["without quota", false],
		["with quota limits on a role and a parent role", true],
	])("same seed and workload => identical offers (%s)", (_n, quota) => {
		const cand = workload(false, quota);
		const full = workload(true, quota);
		expect(full.nonCandidate).toBe(0);
		expect(cand.offers.length).toBe(full.offers.length);
		expect(cand.offers).toEqual(full.offers);
		expect(cand.hash).toBe(full.hash);
		// The workload really exercised what it should.
		expect(cand.offers.length).toBeGreaterThan(scaled(5_000));
		expect(cand.tasksEnded).toBeGreaterThan(scaled(1_000));
		expect(cand.declines).toBeGreaterThan(scaled(3_000));
		expect(cand.revives).toBeGreaterThanOrEqual(scaled(5));
	});

	it.each([
		["without quota", false],
		["with quota limits on four flat roles", true],
	])("flat role tree: walking the live role order = Mesos's per-agent snapshot (%s)", (_n, quota) => {
		const live = workload(false, quota, { flat: true, roleWalk: "auto" });
		const snap = workload(false, quota, { flat: true, roleWalk: "snapshot" });
		expect(live.offers).toEqual(snap.offers);
		expect(live.hash).toBe(snap.hash);
		expect(live.offers.length).toBeGreaterThan(scaled(5_000));
		// Quota left resources for later roles on the same agent: more than one
		// offer per agent and cycle happened, so the walk past a taker was exercised.
		if (quota) {
			const perVisit = new Map<string, number>();
			for (const o of live.offers) {
				const [t, , agent] = o.split(" ");
				const k = `${t} ${agent}`;
				perVisit.set(k, (perVisit.get(k) ?? 0) + 1);
			}
			expect([...perVisit.values()].some((n) => n > 1)).toBe(true);
		}
	});
});

describe("event-log hash", () => {
	it("an OFFERS event is hashed from its offer records exactly as mixEvent hashes the message's ids", () => {
		const h = harness([{ count: 30, cpus: 4, mem: 8192 }]);
		let prev = h.master.eventLogHash;
		let offerEventsSeen = 0;
		let longestId = 0;
		const before = h.master.observer;
		h.master.observer = {
			...before,
			eventSent: (fw, e) => {
				before.eventSent?.(fw, e);
				expect(h.master.eventLogHash).toBe(mixEvent(prev, h.master.now, fw.idx, e));
				prev = h.master.eventLogHash;
				if (e.type !== "OFFERS") return;
				offerEventsSeen++;
				for (const o of e.offers.offers) longestId = Math.max(longestId, o.id.value.length);
			},
		};
		const [a, b] = subscribeAll(h, [{ name: "a" }, { name: "b" }]);
		alwaysDecline(a!, 1);
		alwaysDecline(b!, 1);
		h.run(60_000);
		expect(offerEventsSeen).toBeGreaterThan(50);
		// Offer numbers of several digits were hashed (ids "<master>-O0" … "-O1000+").
		expect(longestId).toBeGreaterThan(h.master.id.length + 2 + 2);
	});
});
