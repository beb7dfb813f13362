/**
 * The allocator's bookkeeping parts against the contracts their headers
 * state: which agents a cycle visits (CandidateAgents), when filtered agents
 * come back (FilterExpiry), which agents a quota limit held back (HeldBack),
 * what --min_allocatable_resources lets through (MinAllocatable) and how a
 * quota limit caps an offer (QuotaHeadroom). Written from the survivors of
 * mutation testing (docs/testing.md): the Master-level tests reach these
 * parts only through whole cycles, where a wrong visit list often still ends
 * in the same offers.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { CandidateAgents } from "../../master/allocator/candidates.js";
import { FilterExpiry } from "../../master/allocator/expiry.js";
import { HeldBack } from "../../master/allocator/held-back.js";
import { MinAllocatable, type MinAllocatableSets } from "../../master/allocator/min-allocatable.js";
import { QuotaHeadroom } from "../../master/allocator/quota.js";
import type { RoleRecord } from "../../master/allocator/types.js";
import { SCALAR_COUNT } from "../../master/protocol/resources.js";
import type { FrameworkRecord } from "../../master/records.js";

/** The agents a cycle would visit now. */
function visits(c: CandidateAgents): { agents: number[]; all: boolean } {
	const agents: number[] = [];
	const all = c.takeRequest(agents);
	return { agents, all };
}

describe("CandidateAgents", () => {
	it("marks an agent once, however often it is marked", () => {
		const c = new CandidateAgents();
		expect(c.has(3)).toBe(false);
		c.mark(3);
		c.mark(3);
		c.mark(5);
		expect(c.has(3)).toBe(true);
		expect(c.has(4)).toBe(false);
		expect(c.count).toBe(2);
		c.requestAll();
		expect(visits(c)).toEqual({ agents: [3, 5], all: true });
	});

	it("markAll(n) marks agents 0 … n-1", () => {
		const c = new CandidateAgents();
		c.markAll(4);
		expect(c.count).toBe(4);
		expect([0, 1, 2, 3, 4].map((a) => c.has(a))).toEqual([true, true, true, true, false]);
	});

	it("a cycle visits the requested candidates in request order, and only those", () => {
		const c = new CandidateAgents();
		c.markAll(6);
		c.request(4);
		c.request(1);
		c.request(4);
		c.request(9); // not a candidate: not visited
		expect(visits(c)).toEqual({ agents: [4, 1], all: false });
		// The request is used up: the next cycle visits nothing unless asked again.
		expect(visits(c)).toEqual({ agents: [], all: false });
		c.request(1);
		expect(visits(c)).toEqual({ agents: [1], all: false });
	});

	it("requestAll wins over single requests and lasts one cycle", () => {
		const c = new CandidateAgents();
		c.markAll(3);
		c.requestAll();
		c.request(2);
		expect(visits(c)).toEqual({ agents: [0, 1, 2], all: true });
		expect(visits(c)).toEqual({ agents: [], all: false });
		// A single request made while "all" was pending is not left over either.
		c.request(0);
		expect(visits(c)).toEqual({ agents: [0], all: false });
	});

	it("a dropped agent stays out until marked again; compact keeps the others in order", () => {
		const c = new CandidateAgents();
		c.markAll(5);
		c.drop(1);
		c.drop(3);
		expect(c.has(1)).toBe(false);
		c.compact();
		expect(c.count).toBe(3);
		c.requestAll();
		expect(visits(c).agents).toEqual([0, 2, 4]);
		c.request(1);
		expect(visits(c).agents).toEqual([]);
		c.mark(1);
		expect(c.count).toBe(4);
		c.requestAll();
		expect(visits(c).agents).toEqual([0, 2, 4, 1]);
	});

	it("a request for the agent just past the request table's capacity is kept", () => {
		const c = new CandidateAgents();
		c.markAll(1100);
		c.request(1024);
		expect(visits(c).agents).toEqual([1024]);
	});

	it("takes agents past its initial capacity", () => {
		const c = new CandidateAgents();
		c.mark(5000);
		c.request(5000);
		c.request(7000);
		expect(c.has(5000)).toBe(true);
		expect(visits(c).agents).toEqual([5000]);
	});
});

describe("FilterExpiry", () => {
	/** The agents whose filters ran out by `now`, in the order they became candidates. */
	function released(e: FilterExpiry, now: number): number[] {
		const c = new CandidateAgents();
		e.release(now, c);
		c.requestAll();
		return visits(c).agents;
	}

	it("an agent comes back when its filter's time is reached, not before, and once", () => {
		const e = new FilterExpiry();
		e.add(1, 100);
		e.add(2, 50);
		expect(released(e, 49)).toEqual([]);
		expect(released(e, 50)).toEqual([2]);
		expect(released(e, 99)).toEqual([]);
		expect(released(e, 100)).toEqual([1]);
		expect(released(e, 1000)).toEqual([]);
	});

	it("releases in expiry time order, equal times in the order the filters were made", () => {
		const e = new FilterExpiry();
		e.add(7, 30);
		e.add(3, 10);
		e.add(9, 30);
		e.add(4, 10);
		e.add(8, 20);
		expect(released(e, 30)).toEqual([3, 4, 8, 7, 9]);
	});

	it("a time used again after its release starts a fresh bucket", () => {
		const e = new FilterExpiry();
		e.add(1, 10);
		expect(released(e, 10)).toEqual([1]);
		e.add(2, 10);
		e.add(3, 20);
		expect(released(e, 10)).toEqual([2]);
		expect(released(e, 20)).toEqual([3]);
	});

	it("keeps every agent of a large bucket, and again after the bucket is reused", () => {
		const e = new FilterExpiry();
		const many = Array.from({ length: 5000 }, (_, i) => i);
		for (const a of many) e.add(a, 5);
		expect(released(e, 5)).toEqual(many);
		const few = [42, 17, 99];
		for (const a of few) e.add(a, 6);
		expect(released(e, 6)).toEqual(few);
		for (const a of many) e.add(a, 7);
		expect(released(e, 7)).toEqual(many);
	});
});

describe("HeldBack", () => {
	type Op =
		| { kind: "push"; role: number; agent: number }
		| { kind: "cycle" }
		| { kind: "drain"; role: number };
	const ROLES = 3;
	const ops = (
		weights: { push: number; cycle: number; drain: number },
		minLength: number,
		maxLength: number,
	) =>
		fc.array(
			fc.oneof(
				{
					weight: weights.push,
					arbitrary: fc.record({
						kind: fc.constant("push" as const),
						role: fc.nat(ROLES - 1),
						agent: fc.nat(40),
					}),
				},
				{ weight: weights.cycle, arbitrary: fc.constant({ kind: "cycle" as const }) },
				{
					weight: weights.drain,
					arbitrary: fc.record({ kind: fc.constant("drain" as const), role: fc.nat(ROLES - 1) }),
				},
			) as fc.Arbitrary<Op>,
			{ minLength, maxLength },
		);

	// Frequent drains keep lists short; rare ones let a list cross cycles and
	// reach its compaction size (64 entries) many times, with the chunks that
	// compaction frees taken by the other roles' lists.
	test.prop([ops({ push: 8, cycle: 1, drain: 1 }, 0, 600)], { numRuns: 150 })(
		"drain gives each agent held for the role once, in first-occurrence order, then the list is empty",
		(o) => check(o),
	);
	// Agents spread up to 2 920 (past the first 1 024 of the table that marks
	// an agent seen), each of them pushed many times.
	test.prop([ops({ push: 40, cycle: 4, drain: 1 }, 1000, 2000)], { numRuns: 30 })(
		"the same with rare drains: lists are compacted across cycles and their freed chunks reused",
		(o) => check(o, 73),
	);

	function check(ops: Op[], spread = 1): void {
		const h = new HeldBack();
		h.roles(ROLES);
		const agents = 41 * spread;
		h.startCycle(agents);
		const model: number[][] = Array.from({ length: ROLES }, () => []);
		for (const o of ops) {
			if (o.kind === "push") {
				const agent = o.agent * spread;
				h.push(o.role, agent);
				if (!model[o.role]!.includes(agent)) model[o.role]!.push(agent);
			} else if (o.kind === "cycle") {
				h.startCycle(agents);
			} else {
				const got: number[] = [];
				h.drain(o.role, (a) => got.push(a));
				expect(got).toEqual(model[o.role]);
				model[o.role] = [];
			}
		}
		for (let r = 0; r < ROLES; r++) {
			const got: number[] = [];
			h.drain(r, (a) => got.push(a));
			expect(got).toEqual(model[r]);
		}
	}

	it("keeps long lists across cycles (compaction) and many roles", () => {
		const h = new HeldBack();
		h.roles(1);
		h.startCycle(3000);
		// Role 70 is past the first rows: roles() grows them.
		h.roles(71);
		const want: number[] = [];
		for (let cycle = 0; cycle < 5; cycle++) {
			h.startCycle(3000);
			for (let a = 0; a < 300; a++) {
				const agent = (a * 7 + cycle * 13) % 2500;
				h.push(70, agent);
				h.push(70, agent); // a repeat of the last agent
				if (!want.includes(agent)) want.push(agent);
			}
		}
		const got: number[] = [];
		h.drain(70, (a) => got.push(a));
		expect(got).toEqual(want);
		const again: number[] = [];
		h.drain(70, (a) => again.push(a));
		expect(again).toEqual([]);
	});

	it("holds more agents than its first chunk pool (256 chunks of 14)", () => {
		const h = new HeldBack();
		h.roles(2);
		h.startCycle(10_000);
		const want: number[] = [];
		for (let a = 0; a < 8_000; a++) {
			h.push(a % 2, a);
			if (a % 2 === 1) want.push(a);
		}
		const got: number[] = [];
		h.drain(1, (a) => got.push(a));
		expect(got).toEqual(want);
	});

	it("draining a role that holds nothing, or is unknown, calls nothing", () => {
		const h = new HeldBack();
		h.roles(2);
		h.startCycle(10);
		const got: number[] = [];
		h.drain(1, (a) => got.push(a));
		h.drain(500, (a) => got.push(a));
		expect(got).toEqual([]);
	});
});

/** A framework record with only what MinAllocatable reads. */
function fwWith(minAllocatable: Map<number, MinAllocatableSets>): FrameworkRecord {
	return { minAllocatable } as unknown as FrameworkRecord;
}

function scalars(cpus: number, mem: number, disk = 0, gpus = 0): Float64Array {
	return Float64Array.of(cpus, mem, disk, gpus);
}

describe("MinAllocatable", () => {
	const defaults: MinAllocatableSets = [{ cpus: 1 }, { mem: 512 }];
	const plain = fwWith(new Map());

	it("offers what holds at least one of the default sets", () => {
		const m = new MinAllocatable(defaults);
		m.startVisit(scalars(1, 0), []);
		expect(m.allows(plain, 0)).toBe(true);
		m.startVisit(scalars(0.5, 512), []);
		expect(m.allows(plain, 0)).toBe(true);
		m.startVisit(scalars(0.5, 511), []);
		expect(m.allows(plain, 0)).toBe(false);
		// Within SCALAR_EPSILON of a need counts as holding it.
		m.startVisit(scalars(1 - 1e-12, 0), []);
		expect(m.allows(plain, 0)).toBe(true);
	});

	it("a set needs every quantity it names", () => {
		const m = new MinAllocatable([{ cpus: 1, mem: 100, disk: 10, gpus: 1 }]);
		m.startVisit(scalars(1, 100, 10, 1), []);
		expect(m.allows(plain, 0)).toBe(true);
		for (const short of [
			scalars(0.9, 100, 10, 1),
			scalars(1, 99, 10, 1),
			scalars(1, 100, 9, 1),
			scalars(1, 100, 10, 0),
		]) {
			m.startVisit(short, []);
			expect(m.allows(plain, 0)).toBe(false);
		}
	});

	it("an empty list lets anything through, but nothing at all is never offered", () => {
		const m = new MinAllocatable([]);
		m.startVisit(scalars(0.001, 0), []);
		expect(m.allows(plain, 0)).toBe(true);
		m.startVisit(scalars(0, 0), []);
		expect(m.allows(plain, 0)).toBe(false);
		// Ports alone are something.
		m.startVisit(scalars(0, 0), [{ begin: 31000, end: 31000 }]);
		expect(m.allows(plain, 0)).toBe(true);
	});

	it("a set that needs a resource we do not model as a scalar never passes", () => {
		const m = new MinAllocatable([{ ports: 1 }, { cpus: 4 }]);
		m.startVisit(scalars(8, 0), [{ begin: 1, end: 100 }]);
		expect(m.allows(plain, 0)).toBe(true);
		m.startVisit(scalars(2, 0), [{ begin: 1, end: 100 }]);
		expect(m.allows(plain, 0)).toBe(false);
		// A zero need of an unmodelled resource is no obstacle.
		const zero = new MinAllocatable([{ ports: 0, cpus: 1 }]);
		zero.startVisit(scalars(1, 0), []);
		expect(zero.allows(plain, 0)).toBe(true);
	});

	it("a framework's own sets for a role replace the default for that role only", () => {
		const own: MinAllocatableSets = [{ mem: 2048 }];
		const other: MinAllocatableSets = [{ cpus: 8 }];
		const fw = fwWith(
			new Map([
				[1, own],
				[2, defaults],
				[3, other],
			]),
		);
		const m = new MinAllocatable(defaults);
		m.startVisit(scalars(2, 1024), []);
		expect(m.allows(plain, 1)).toBe(true);
		expect(m.allows(fw, 1)).toBe(false); // own: needs 2048 mem
		expect(m.allows(fw, 0)).toBe(true); // no own sets for role 0: the default
		expect(m.allows(fw, 2)).toBe(true); // the default list itself
		expect(m.allows(fw, 3)).toBe(false);
		m.startVisit(scalars(0, 4096), []);
		expect(m.allows(fw, 1)).toBe(true);
		expect(m.allows(fw, 3)).toBe(false);
		m.startVisit(scalars(8, 0), []);
		expect(m.allows(fw, 1)).toBe(false);
		expect(m.allows(fw, 3)).toBe(true);
		m.startVisit(scalars(0, 0), []);
		expect(m.allows(fwWith(new Map([[1, [] as MinAllocatableSets]])), 1)).toBe(false);
	});
});

function role(idx: number, limit: Partial<Record<number, number>>, ancestors: number[] = []): RoleRecord {
	const l = new Float64Array(SCALAR_COUNT).fill(Number.POSITIVE_INFINITY);
	for (const [k, v] of Object.entries(limit)) l[Number(k)] = v!;
	return {
		idx,
		name: `r${idx}`,
		weight: 1,
		limit: l,
		hasLimit: Object.keys(limit).length > 0,
		consumed: new Float64Array(SCALAR_COUNT),
		frameworks: new Set(),
		fwSorter: null as unknown as RoleRecord["fwSorter"],
		ancestors,
	};
}

const CPU = 1 << 0;
const MEM = 1 << 1;

describe("QuotaHeadroom", () => {
	it("caps an offer at the limit minus what the role consumes, and says so", () => {
		const q = new QuotaHeadroom(new CandidateAgents());
		const r = role(0, { 0: 4 });
		r.consumed[0] = 1.5;
		const offer = scalars(8, 1000);
		expect(q.cap(r, offer)).toBe(true);
		expect([...offer]).toEqual([2.5, 1000, 0, 0]);
		const small = scalars(2, 1000);
		expect(q.cap(r, small)).toBe(false);
		expect([...small]).toEqual([2, 1000, 0, 0]);
		// Exactly the headroom is not capped.
		expect(q.cap(r, scalars(2.5, 0))).toBe(false);
	});

	it("a headroom within SCALAR_EPSILON of none caps to 0; a role without a limit is never capped", () => {
		const q = new QuotaHeadroom(new CandidateAgents());
		const r = role(0, { 0: 4 });
		r.consumed[0] = 4 - 1e-12;
		const offer = scalars(1, 0);
		expect(q.cap(r, offer)).toBe(true);
		expect(offer[0]).toBe(0);
		const free = scalars(1e9, 1e9);
		expect(q.cap(role(1, {}), free)).toBe(false);
		expect([...free]).toEqual([1e9, 1e9, 0, 0]);
	});

	it("leavesNothing: only when the role's own limit leaves none of the free scalars", () => {
		const candidates = new CandidateAgents();
		const q = new QuotaHeadroom(candidates);
		const r = role(0, { 0: 2 });
		q.addRole(r);
		q.limitsChanged(r, [r]);
		expect(q.anyLimit).toBe(true);
		expect(q.leavesNothing(0, CPU)).toBe(false);
		r.consumed[0] = 2;
		q.refresh(r);
		expect(q.leavesNothing(0, CPU)).toBe(true);
		expect(q.leavesNothing(0, CPU | MEM)).toBe(false); // mem has no limit
		// A nested role's ancestors may be involved: never skipped.
		const child = role(1, { 0: 1 }, [0]);
		q.addRole(child);
		q.limitsChanged(child, [r, child]);
		child.consumed[0] = 1;
		q.refresh(child);
		expect(q.leavesNothing(1, CPU)).toBe(false);
		// Limit removed: nothing left out.
		const lifted = { ...r, hasLimit: false };
		q.limitsChanged(lifted, [lifted]);
		expect(q.leavesNothing(0, CPU)).toBe(false);
		expect(q.anyLimit).toBe(false);
	});

	it("agents a limit held back become candidates when that role (or a limited ancestor) gives back", () => {
		const candidates = new CandidateAgents();
		const q = new QuotaHeadroom(candidates);
		const parent = role(0, { 0: 10 });
		const child = role(1, {}, [0]);
		const other = role(2, { 0: 1 });
		const roles = [parent, child, other];
		for (const r of roles) q.addRole(r);
		for (const r of roles) q.limitsChanged(r, roles);
		q.startCycle(16);
		q.holdBack(0, 5);
		q.holdBack(2, 6);
		q.startCycle(16);
		expect(candidates.count).toBe(0);
		// The child gives back: its limited ancestor's held-back agents come back.
		q.released(child, roles);
		q.startCycle(16);
		expect(candidates.has(5)).toBe(true);
		expect(candidates.has(6)).toBe(false);
		// The other limited role gives back: its own held-back agent comes back.
		q.released(other, roles);
		q.startCycle(16);
		expect(candidates.has(6)).toBe(true);
		expect(candidates.count).toBe(2);
	});

	it("without any limit, giving back holds nothing to revisit", () => {
		const candidates = new CandidateAgents();
		const q = new QuotaHeadroom(candidates);
		const r = role(0, {});
		q.addRole(r);
		q.limitsChanged(r, [r]);
		q.holdBack(0, 3);
		q.released(r, [r]);
		q.startCycle(8);
		expect(candidates.count).toBe(0);
	});

	it("takes roles past its initial capacity", () => {
		const q = new QuotaHeadroom(new CandidateAgents());
		const roles = Array.from({ length: 100 }, (_, i) => role(i, i === 99 ? { 1: 5 } : {}));
		for (const r of roles) q.addRole(r);
		q.limitsChanged(roles[99]!, roles);
		roles[99]!.consumed[1] = 5;
		q.refresh(roles[99]!);
		expect(q.leavesNothing(99, MEM)).toBe(true);
		expect(q.leavesNothing(98, MEM)).toBe(false);
	});
});
