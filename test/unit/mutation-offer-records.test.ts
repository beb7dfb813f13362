/**
 * Offers and the records kept about them, where other tests do not look
 * (written from the fifth mutation run's survivors in master/offers/book.ts,
 * master/offers/message.ts, master/decisions/recorder.ts, master/invariants.ts,
 * master/validate.ts, master/bounded.ts and master/event-log.ts): an offer
 * message's resources when an agent is offered again with one thing changed,
 * who gets multi-role offers, the ports an agent gets back, the offer metrics,
 * the offer timer of a run with no agents at the start, what decision records
 * list (not reached, in share order; ineligible; free; filters credited to an
 * answer), the invariant checker's view of released and live tasks and of a
 * negative allocation, capabilities that are not a list of objects, and
 * the event-log hash of offers past 2^32 ms.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../../master/cluster.js";
import { EventLog, mixEvent } from "../../master/event-log.js";
import {
	type AgentEndpoint,
	type CycleRecord,
	type Event,
	type FrameworkInfo,
	type FrameworkTry,
	InvariantChecker,
	type Offer,
	type OfferRecord,
	type Range,
} from "../../master/index.js";
import { OfferMessages } from "../../master/offers/message.js";
import type { FrameworkRecord } from "../../master/records.js";
import { checkFrameworkInfo } from "../../master/validate.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";
import {
	forge,
	messageFramework,
	recording,
	subscribe,
	twoOffersOnOneAgent,
} from "../helpers/master-probes.js";

const portsOf = (o: Offer) => o.resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges!.range);

// ---- offer messages, built directly ------------------------------------------------

const ROLES = [{ name: "*" }, { name: "web" }, { name: "ml" }];

function messages(): OfferMessages {
	const cluster = new Cluster();
	cluster.add(
		"S-h0",
		{
			hostname: "h0",
			cpus: 8,
			mem: 8192,
			disk: 1000,
			gpus: 2,
			ports: [{ begin: 31_000, end: 32_000 }],
			attributes: [],
		},
		{} as AgentEndpoint,
		0,
		0,
	);
	const m = new OfferMessages(cluster, ROLES);
	m.addAgent(0);
	return m;
}

let nextNum = 0;
function record(
	fw: FrameworkRecord,
	q: [number, number, number, number],
	ports: Range[] = [{ begin: 31_000, end: 31_010 }],
	role = 1,
): OfferRecord {
	const num = nextNum++;
	return {
		id: `M-O${num}`,
		num,
		fw,
		role,
		agent: 0,
		q: Float64Array.from(q),
		ports,
		timer: -1,
		createdAt: 0,
	};
}

/** The resources of an offer message as plain data (name, value or ranges, role). */
const plain = (o: Offer) => JSON.parse(JSON.stringify(o.resources)) as unknown;

describe("offer messages of one agent offered again with one thing changed", () => {
	const base: [number, number, number, number] = [2, 1024, 100, 1];
	it.each([
		["mem", 1, 2048],
		["disk", 2, 200],
		["gpus", 3, 2],
	] as const)("only %s changed: the offer lists the new value, not the list shared before", (name, k, v) => {
		const m = messages();
		const fw = messageFramework(false);
		m.build(record(fw, base), false);
		const shared = m.build(record(fw, base), false).resources; // kept and shared from now on
		const q: [number, number, number, number] = [...base];
		q[k] = v;
		const changed = m.build(record(fw, q), false);
		expect(changed.resources).not.toBe(shared);
		expect(changed.resources.find((r) => r.name === name)?.scalar?.value).toBe(v);
		// The same as what a fresh cache builds for these quantities.
		expect(plain(changed)).toEqual(plain(messages().build(record(fw, q), false)));
	});

	it("the same role, first to a single-role framework, then to a MULTI_ROLE one: allocation_info, no role '*'", () => {
		const m = messages();
		const single = messageFramework(false);
		const multi = messageFramework(true);
		m.build(record(single, base), false);
		m.build(record(single, base), false);
		const o = m.build(record(multi, base), true);
		for (const r of o.resources) {
			expect(r.allocation_info).toEqual({ role: "web" });
			expect(r.role).toBeUndefined();
		}
	});

	it("a MULTI_ROLE framework offered the agent for role web, then for role ml: every resource says ml", () => {
		const m = messages();
		const multi = messageFramework(true);
		m.build(record(multi, base, undefined, 1), true);
		m.build(record(multi, base, undefined, 1), true);
		const o = m.build(record(multi, base, undefined, 2), true);
		expect(o.allocation_info).toEqual({ role: "ml" });
		expect(o.resources.map((r) => r.allocation_info?.role)).toEqual(["ml", "ml", "ml", "ml", "ml"]);
	});

	it.each([
		[
			"one more range",
			[{ begin: 31_000, end: 31_010 }],
			[
				{ begin: 31_000, end: 31_010 },
				{ begin: 31_020, end: 31_030 },
			],
		],
		[
			"one range fewer",
			[
				{ begin: 31_000, end: 31_010 },
				{ begin: 31_020, end: 31_030 },
			],
			[{ begin: 31_000, end: 31_010 }],
		],
		["the same begin, another end", [{ begin: 31_000, end: 31_010 }], [{ begin: 31_000, end: 31_020 }]],
		["another begin, the same end", [{ begin: 31_000, end: 31_010 }], [{ begin: 31_005, end: 31_010 }]],
	] as [string, Range[], Range[]][])(
		"port lists told apart (%s): the offer lists its own ports",
		(_n, before, after) => {
			const m = messages();
			const fw = messageFramework(false);
			m.build(record(fw, base, before), false);
			m.build(record(fw, base, before), false);
			const o = m.build(record(fw, base, after), false);
			expect(portsOf(o)).toEqual(after);
		},
	);

	it("a first-time offer's resources, entries and ranges are its own, not frozen; once shared, all frozen", () => {
		const m = messages();
		const multi = messageFramework(true);
		const first = m.build(record(multi, base), true);
		expect(first.resources.map((r) => r.name)).toEqual(["cpus", "mem", "disk", "gpus", "ports"]);
		for (const r of first.resources) {
			expect(Object.isFrozen(r), r.name).toBe(false);
			expect(Object.isFrozen(r.allocation_info), r.name).toBe(false);
		}
		expect(Object.isFrozen(first.resources[0]!.scalar)).toBe(false);
		expect(Object.isFrozen(first.resources[4]!.ranges)).toBe(false);
		expect(Object.isFrozen(first.resources[4]!.ranges!.range)).toBe(false);
		const second = m.build(record(multi, base), true);
		for (const r of second.resources) expect(Object.isFrozen(r), r.name).toBe(true);
	});

	it("an offer without ports has no 'ports' resource", () => {
		const m = messages();
		const fw = messageFramework(false);
		for (let i = 0; i < 2; i++) {
			const o = m.build(record(fw, [2, 1024, 0, 0], []), false);
			expect(o.resources).toEqual([
				{ name: "cpus", type: "SCALAR", scalar: { value: 2 }, role: "*" },
				{ name: "mem", type: "SCALAR", scalar: { value: 1024 }, role: "*" },
			]);
		}
	});
});

describe("who gets multi-role offers", () => {
	it.each([
		{
			caps: "[MULTI_ROLE, PARTITION_AWARE]",
			info: { roles: ["eng"], capabilities: [{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }] },
			multi: true,
		},
		{
			caps: "[PARTITION_AWARE, MULTI_ROLE]",
			info: { roles: ["eng"], capabilities: [{ type: "PARTITION_AWARE" }, { type: "MULTI_ROLE" }] },
			multi: true,
		},
		{ caps: "[]", info: { role: "eng", capabilities: [] }, multi: false },
		{
			caps: "[PARTITION_AWARE]",
			info: { role: "eng", capabilities: [{ type: "PARTITION_AWARE" }] },
			multi: false,
		},
	] as { caps: string; info: Partial<FrameworkInfo>; multi: boolean }[])(
		"capabilities $caps: multi-role offers: $multi",
		({ info, multi }) => {
			const h = new Harness({ agents: [{ count: 1 }] });
			const f = h.framework();
			expect(f.subscribe(info).ok).toBe(true);
			h.settle();
			const [o] = f.offers();
			expect(o).toBeDefined();
			if (multi) {
				expect(o!.allocation_info).toEqual({ role: "eng" });
				for (const r of o!.resources)
					expect([r.allocation_info, r.role]).toEqual([{ role: "eng" }, undefined]);
			} else {
				expect("allocation_info" in o!).toBe(false);
				for (const r of o!.resources) expect([r.allocation_info, r.role]).toEqual([undefined, "*"]);
			}
		},
	);
});

// ---- the offer book ------------------------------------------------------------------

describe("offer metrics", () => {
	it("offersSent counts each offer sent, offersAccepted each offer accepted", () => {
		const h = new Harness({ agents: [{ count: 2 }] });
		const f = h.framework();
		expect(f.subscribe({ name: "f" }).ok).toBe(true);
		h.settle();
		const offers = f.offers();
		expect(offers).toHaveLength(2);
		expect(h.master.metrics.offersSent).toBe(2);
		expect(h.master.framework(f.id)!.counters.offersSent).toBe(2);
		f.launch([offers[0]!], [task("t", offers[0]!, { cpus: 1, mem: 128 })], 3_600);
		f.decline([offers[1]!], 3_600);
		expect([h.master.metrics.offersAccepted, h.master.metrics.offersDeclined]).toEqual([1, 1]);
	});
});

describe("ports given back", () => {
	it("an agent holding two offers (one with all the ports) deactivated and reactivated: all its ports offered again", () => {
		// Role a may hold 1 cpu: the agent's offer to it is capped, the rest goes to role b.
		const { h, a, b } = twoOffersOnOneAgent();
		const held = [...a.offers(), ...b.offers()];
		expect(held).toHaveLength(2);
		expect(held.flatMap(portsOf)).toEqual([{ begin: 31_000, end: 32_000 }]);
		const id = h.fleet.agentId(0)!;
		expect(h.master.setAgentActive(id, false)).toBe(true);
		expect(h.master.setAgentActive(id, true)).toBe(true);
		h.run(1_000);
		const again = [...a.offers(), ...b.offers()];
		expect(again).toHaveLength(2);
		expect(again.flatMap(portsOf)).toEqual([{ begin: 31_000, end: 32_000 }]);
		expect(h.violations()).toEqual([]);
	});
});

describe("offers without --offer_timeout", () => {
	it("a run with no agents at the start: a declined offer does not cancel a framework's later first start", () => {
		const h = new Harness({ agents: [] });
		const late = h.framework();
		// The run's first scheduled event: the late framework's start.
		h.engine.timeout(60_000, () => {
			expect(late.subscribe({ name: "late" }).ok).toBe(true);
		});
		const early = h.framework();
		expect(early.subscribe({ name: "early" }).ok).toBe(true);
		h.fleet.addShape({ group: "g", count: 1, cpus: 4, mem: 4096, disk: 0, gpus: 0 });
		expect(h.fleet.start(0)).toBe(true);
		h.run(1_000);
		const [o] = early.offers();
		expect(o).toBeDefined();
		early.decline([o!], 3_600);
		h.run(60_000);
		expect(late.id).not.toBe("");
		expect(late.eventsOf("OFFERS").length).toBeGreaterThan(0);
	});
});

// ---- decision records ----------------------------------------------------------------

const visitsWithOffers = (cycles: CycleRecord[]) =>
	cycles.flatMap((c) => c.visits).filter((v) => v.offers.length > 0);

describe("decision records: what a visit lists", () => {
	it("a visit's free resources and its offers' resources, ports as begin-end ranges", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096, disk: 1000 }] });
		const rec = recording(h);
		const f = subscribe(h, { name: "f", role: "r" });
		h.settle();
		const [visit] = visitsWithOffers(rec.cycles());
		const all = { cpus: 4, mem: 4096, disk: 1000, gpus: 0, ports: ["31000-32000"] };
		expect(visit!.free).toEqual(all);
		expect(visit!.offers).toEqual([
			{ offer_id: f.offers()[0]!.id.value, framework_id: f.id, framework: "f", role: "r", resources: all },
		]);
	});

	it("a disconnected framework's role is not listed as not reached", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const gone = subscribe(h, { name: "gone", role: "g", failover_timeout: 3_600 });
		const live = subscribe(h, { name: "live", role: "r" });
		h.settle();
		gone.disconnect();
		live.decline(live.offers(), 0);
		gone.decline(gone.offers(), 0);
		rec.clear();
		h.run(2_000);
		const visits = visitsWithOffers(rec.cycles());
		expect(visits.length).toBeGreaterThan(0);
		for (const v of visits) expect(v.roles.map((r) => [r.role, r.verdict])).toEqual([["r", "OFFERED"]]);
	});

	it("a torn-down framework is not listed as ineligible", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const done = subscribe(h, { name: "done", role: "d" });
		subscribe(h, { name: "live", role: "r" });
		h.settle();
		expect(done.call({ type: "TEARDOWN" }).ok).toBe(true);
		rec.clear();
		h.run(2_000);
		const cycles = rec.cycles();
		expect(cycles.length).toBeGreaterThan(0);
		for (const c of cycles) expect(c.ineligible).toEqual([]);
	});

	it("a role with a quota set only on a role below it (no framework there) has no path_shares", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		h.master.updateQuota("eng/ml", { cpus: 2 });
		const rec = recording(h);
		subscribe(h, { name: "eng", role: "eng" });
		h.settle();
		h.run(1_000);
		const tries = rec.cycles().flatMap((c) => c.visits.flatMap((v) => v.roles));
		expect(tries.length).toBeGreaterThan(0);
		for (const r of tries) {
			expect(r.role).toBe("eng");
			expect(r.path_shares).toBeUndefined();
		}
	});
});

describe("decision records: what was not reached, when shares differ", () => {
	const agents = [{ count: 2, cpus: 4, mem: 4096, disk: 0, ports: [] }];

	it("frameworks not reached: in share order (not id order), none counted as not listed", () => {
		const h = new Harness({ agents });
		const rec = recording(h);
		// hi and mid run tasks (3 and 1 cpus) and refuse the rest; zero and last hold nothing.
		const hi = subscribe(h, { name: "hi", role: "r" });
		const mid = subscribe(h, { name: "mid", role: "r" });
		h.settle();
		const [oh] = hi.offers();
		const [om] = mid.offers();
		hi.launch([oh!], [task("h", oh!, { cpus: 3, mem: 3072 })], 3_600);
		mid.launch([om!], [task("m", om!, { cpus: 1, mem: 1024 })], 3_600);
		h.run(1_000);
		// Each is then offered the other's agent: refused too.
		hi.decline(hi.offers(), 3_600);
		mid.decline(mid.offers(), 3_600);
		subscribe(h, { name: "zero", role: "r" });
		subscribe(h, { name: "last", role: "r" });
		rec.clear();
		h.run(1_000);
		const roles = visitsWithOffers(rec.cycles()).flatMap((v) => v.roles);
		const first = roles[0]!;
		expect(first.frameworks.map((f) => [f.framework, f.verdict])).toEqual([
			["zero", "OFFERED"],
			["last", "NOTHING_LEFT"],
			["mid", "NOTHING_LEFT"],
			["hi", "NOTHING_LEFT"],
		]);
		for (const r of roles) {
			const shares = r.frameworks.filter((f) => f.verdict === "NOTHING_LEFT").map((f) => f.share);
			expect(shares).toEqual([...shares].sort((x, y) => x - y));
			expect(r.frameworks_not_listed).toBeUndefined();
		}
	});

	it("roles not reached: in share order (not name or creation order), none counted as not listed", () => {
		const h = new Harness({ agents });
		const rec = recording(h);
		// Created in the order m, z, b; b runs 3 cpus, m 1 cpu, z nothing (it refuses what it gets).
		const fm = subscribe(h, { name: "m", role: "m" });
		const fz = subscribe(h, { name: "z", role: "z" });
		const fb = subscribe(h, { name: "b", role: "b" });
		h.settle();
		expect([fm.offers().length, fz.offers().length, fb.offers().length]).toEqual([1, 0, 1]);
		const [ob] = fb.offers();
		const [om] = fm.offers();
		fb.launch([ob!], [task("b", ob!, { cpus: 3, mem: 3072 })], 3_600);
		fm.launch([om!], [task("m", om!, { cpus: 1, mem: 1024 })], 3_600);
		fz.decline(fz.offers(), 3_600);
		h.run(1_000);
		fz.decline(fz.offers(), 3_600);
		subscribe(h, { name: "a", role: "a" });
		rec.clear();
		h.run(1_000);
		const visits = visitsWithOffers(rec.cycles());
		expect(visits[0]!.roles.map((r) => [r.role, r.verdict])).toEqual([
			["a", "OFFERED"],
			["z", "NOTHING_LEFT"],
			["m", "NOTHING_LEFT"],
			["b", "NOTHING_LEFT"],
		]);
		for (const v of visits) {
			const shares = v.roles.filter((r) => r.verdict === "NOTHING_LEFT").map((r) => r.share);
			expect(shares).toEqual([...shares].sort((x, y) => x - y));
			expect(v.roles_not_listed).toBeUndefined();
		}
	});
});

describe("decision records: the filter credited to an answer", () => {
	const agents = [{ count: 1, cpus: 4, mem: 4096, disk: 0, ports: [] }];

	/**
	 * The framework launches a 1-cpu task with refuse_seconds 10 (a filter on the
	 * rest of the agent until t0 + 10 s), kills it, and is offered the whole agent
	 * again (more than the filter refuses). Returns that offer and t0.
	 */
	function filteredThenOfferedAgain(h: Harness, f: TestFramework): { o: Offer; t0: number } {
		const [first] = f.offers();
		const t0 = h.engine.now;
		f.launch([first!], [task("t", first!, { cpus: 1, mem: 128 })], 10);
		f.call({ type: "KILL", kill: { task_id: { value: "t" } } });
		h.run(2_000);
		const [o] = f.offers();
		expect(scalarsOf(o!)).toEqual({ cpus: 4, mem: 4096 });
		return { o: o!, t0 };
	}

	const scalarsOf = (o: Offer) => Object.fromEntries(o.resources.map((r) => [r.name, r.scalar?.value]));

	it.each(["DECLINE", "ACCEPT"] as const)(
		"%s with refuse_seconds 0 at the moment an older filter ends interval ms later: filter_until null",
		(call) => {
			const h = new Harness({ agents });
			const rec = recording(h);
			const f = subscribe(h, { name: "f", role: "r" });
			h.settle();
			const { o, t0 } = filteredThenOfferedAgain(h, f);
			// The older filter ends at t0 + 10 s = now + the 1 s allocation interval.
			h.run(t0 + 9_000 - h.engine.now);
			if (call === "DECLINE") f.decline([o], 0);
			else f.launch([o], [task("u", o, { cpus: 1, mem: 128 })], 0);
			expect(rec.answers().at(-1)).toMatchObject({ call, refuse_seconds: 0, filter_until: null });
		},
	);

	it("an ACCEPT that uses all of an offer, with refuse_seconds, while an older filter is live: filter_until null", () => {
		const h = new Harness({ agents });
		const rec = recording(h);
		const f = subscribe(h, { name: "f", role: "r" });
		h.settle();
		const { o } = filteredThenOfferedAgain(h, f);
		f.launch([o], [task("all", o, { cpus: 4, mem: 4096 })], 5);
		expect(rec.answers().at(-1)).toMatchObject({ call: "ACCEPT", task_ids: ["all"], filter_until: null });
	});

	it("a framework passed over for min_allocatable carries no filter, though it holds one on the agent", () => {
		const h = new Harness({ agents });
		const rec = recording(h);
		const min3 = {
			r: { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 3 } } }] } },
		} as unknown as NonNullable<FrameworkInfo["offer_filters"]>;
		const f = subscribe(h, { name: "f", role: "r", offer_filters: min3 });
		const g = subscribe(h, { name: "g", role: "r" });
		h.settle();
		f.decline(f.offers(), 3_600);
		h.run(1_000);
		// g takes 2 of the 4 cpus and gives the rest back: 2 cpus free, below f's minimum.
		const [og] = g.offers();
		g.launch([og!], [task("g", og!, { cpus: 2, mem: 1024 })], 0);
		rec.clear();
		h.run(1_000);
		const tries: FrameworkTry[] = rec
			.cycles()
			.flatMap((c) => c.visits.flatMap((v) => v.roles.flatMap((r) => r.frameworks)))
			.filter((t) => t.framework === "f");
		expect(tries.map((t) => t.verdict)).toContain("MIN_ALLOCATABLE");
		for (const t of tries) expect(t.filter).toBeUndefined();
	});
});

// ---- the invariant checker -------------------------------------------------------------

describe("the invariant checker", () => {
	it("attached after a kill, before the ACK: the killed task no longer counts in what its role holds", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }], checkInvariants: false });
		h.master.updateQuota("q", { cpus: 3 });
		const f = subscribe(h, { name: "f", role: "q" });
		h.run(1_000);
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 2 })], 3_600);
		f.call({ type: "SUPPRESS" });
		h.run(1_000);
		f.decline(f.offers(), 3_600);
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t1" } } });
		h.run(1_000);
		const rec = h.master.framework(f.id)!;
		const t1 = rec.tasks.get("t1")!;
		expect([t1.released, f.updates("t1").at(-1)?.state]).toEqual([true, "TASK_KILLED"]);
		expect(rec.offers.size).toBe(0);
		const checker = new InvariantChecker(h.master);
		// 2 + 2 cpus would pass the limit of 3 if the killed task still counted.
		forge(h, { fw: rec, id: "fits", q: Float64Array.of(2, 0, 0, 0) });
		expect(checker.violations).toEqual(["offer fits: role q is suppressed by f"]);
	});

	it("a live task counts in what its role holds after each of its changes, from launch to end", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }], checkInvariants: false });
		h.master.updateQuota("q", { cpus: 3 });
		const f = subscribe(h, { name: "f", role: "q" });
		h.run(1_000);
		const checker = new InvariantChecker(h.master);
		const rec = h.master.framework(f.id)!;
		// After each change of t1 while it is live: a 2.5-cpu offer takes role q past 3 cpus
		// (with t1's cpu and those of the offers outstanding at that moment).
		const seen: [string, string[], string][] = [];
		const prev = h.master.observer.taskChanged;
		h.master.observer.taskChanged = (t, p) => {
			prev?.(t, p);
			if (t.released) return;
			let offered = 0;
			for (const x of rec.offers) offered += x.q[0]!;
			const want = `offer probe: role q holds ${1 + offered + 2.5} cpus > quota limit 3`;
			checker.violations.length = 0;
			const probe = forge(h, { fw: rec, id: "probe", q: Float64Array.of(2.5, 0, 0, 0) });
			h.master.observer.offerEnded!(probe, "declined");
			seen.push([t.state, [...checker.violations], want]);
		};
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1 })], 3_600);
		h.run(1_000);
		f.decline(f.offers(), 3_600);
		h.run(5_000);
		expect(seen.length).toBeGreaterThanOrEqual(2);
		for (const [state, violations, want] of seen) expect(violations, state).toEqual([want]);
		expect(seen.map(([state]) => state)).toContain("TASK_RUNNING");
	});

	it("reports a negative allocated value", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }], checkInvariants: false });
		const checker = new InvariantChecker(h.master);
		const cl = h.master.cluster;
		cl.allocated[0]![0] = -1;
		checker.checkAll();
		expect(checker.violations).toContain(`agent ${cl.ids[0]}: negative cpus (offered 0, allocated -1)`);
	});
});

// ---- validation, BoundedList, the event log ----------------------------------------------

describe("a FrameworkInfo whose capabilities are not a list of objects", () => {
	it.each([
		[[null, { type: "MULTI_ROLE" }], "'FrameworkInfo.capabilities' entry 0 must be an object (got null)"],
		[
			[{ type: "MULTI_ROLE" }, "GPU_RESOURCES"],
			"'FrameworkInfo.capabilities' entry 1 must be an object (got \"GPU_RESOURCES\")",
		],
		[{ type: "MULTI_ROLE" }, "'FrameworkInfo.capabilities' must be a list"],
	])("%j is refused, not thrown on", (capabilities, problem) => {
		const info = { user: "u", name: "n", roles: ["a"], capabilities } as unknown as FrameworkInfo;
		expect(checkFrameworkInfo(info)).toEqual({ problem });
	});

	it("a SUBSCRIBE with a null capability gets an ERROR naming it, and allocation goes on", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const f = h.framework();
		f.subscribe({ capabilities: [null] } as unknown as Partial<FrameworkInfo>);
		expect(() => h.run(2_000)).not.toThrow();
		expect(f.eventsOf("ERROR").map((e) => e.error.message)).toEqual([
			"'FrameworkInfo.capabilities' entry 0 must be an object (got null)",
		]);
		expect(h.master.frameworks.filter((fw) => fw.connected)).toHaveLength(0);
	});

	it("other entries still count: an entry without a type is ignored", () => {
		const info = {
			user: "u",
			name: "n",
			roles: ["a"],
			capabilities: [{}, { type: "MULTI_ROLE" }],
		} as unknown as FrameworkInfo;
		expect(checkFrameworkInfo(info)).toEqual({
			roles: ["a"],
			multiRole: true,
			partitionAware: false,
			gpuCapable: false,
		});
	});
});

describe("the event log's hash of offer records", () => {
	it.each([4_294_967_296 + 1_000, 1_700_000_000_000])(
		"at now = %d ms (past 2^32): the hash of the OFFERS event with their ids",
		(now) => {
			const prefix = "5a1b-O";
			const log = new EventLog(prefix);
			log.offers(now, 3, [{ num: 7 } as OfferRecord, { num: 12 } as OfferRecord]);
			const event = {
				type: "OFFERS",
				offers: { offers: [{ id: { value: `${prefix}7` } }, { id: { value: `${prefix}12` } }] },
			} as Event;
			expect(log.hash).toBe(mixEvent(0x811c9dc5, now, 3, event));
		},
	);
});
