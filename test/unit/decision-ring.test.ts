/**
 * DecisionRing, the index behind /sim/v1/decisions and `mesosim explain`:
 * what it keeps (cycles, offers, answers, reasons, tasks), what it lets go
 * (oldest cycle first, by cycle count or by visit count) and that an answer,
 * reason or task is known exactly while its offer's cycle is held.
 */
import { describe, expect, it } from "vitest";
import { DecisionRing } from "../../master/decisions/index.js";
import type { AgentVisit, AnswerRecord, CycleRecord, ReasonRecord } from "../../master/protocol/decisions.js";

const NONE = { cpus: 0, mem: 0, disk: 0, gpus: 0 };

/** Cycle `n` at time 1000·n, with one visit per offer id given (none: one visit, no offer). */
function cycle(n: number, offerIds: string[] = [], visits = Math.max(1, offerIds.length)): CycleRecord {
	const list: AgentVisit[] = [];
	for (let i = 0; i < visits; i++) {
		const id = offerIds[i];
		list.push({
			agent_id: `S${i}`,
			hostname: `h${i}`,
			free: NONE,
			roles: [],
			offers:
				id === undefined
					? []
					: [{ offer_id: id, framework_id: "F", framework: "f", role: "*", resources: NONE }],
		});
	}
	return { kind: "cycle", cycle: n, time: 1000 * n, sorter: "drf", ineligible: [], visits: list };
}

function answer(offerIds: string[], taskIds: string[] = []): AnswerRecord {
	return {
		kind: "answer",
		time: 0,
		framework_id: "F",
		framework: "f",
		call: taskIds.length > 0 ? "ACCEPT" : "DECLINE",
		offer_ids: offerIds,
		refuse_seconds: null,
		filter_until: null,
		task_ids: taskIds,
	};
}

function reason(offerIds: string[], detail: string): ReasonRecord {
	return {
		kind: "reason",
		time: 0,
		framework: "f",
		offer_ids: offerIds,
		reason: "CONSTRAINT_NOT_MET",
		detail,
	};
}

describe("DecisionRing", () => {
	it("an offer: its cycle, visit, answer and every reason given; offers it never saw are ignored", () => {
		const ring = new DecisionRing({ maxCycles: 10, maxVisits: 100 });
		ring.write(cycle(1, ["O1", "O2"]));
		const a = answer(["O1", "O-unseen"], ["t1"]);
		ring.write(a);
		ring.write(reason(["O1", "O-unseen"], "first"));
		ring.write(reason(["O1"], "second"));
		const why = ring.offer("O1")!;
		expect([why.cycle, why.time, why.visit.agent_id, why.offer.offer_id]).toEqual([1, 1000, "S0", "O1"]);
		expect(why.answer).toBe(a);
		expect(why.reasons.map((r) => r.detail)).toEqual(["first", "second"]);
		expect(ring.offer("O2")).toMatchObject({ answer: null, reasons: [] });
		expect(ring.offer("O-unseen")).toBeUndefined();
		// An answer that names no offer held indexes none of its tasks.
		ring.write(answer(["O-unseen"], ["t-unseen"]));
		expect(ring.task("t-unseen")).toBeUndefined();
		expect(ring.task("t1")).toMatchObject({ task_id: "t1", answer: a });
		expect(ring.task("t1")!.offers.map((o) => o.offer.offer_id)).toEqual(["O1"]);
	});

	it("finds a cycle by number (recording may skip some) and the last one at or before a time", () => {
		const ring = new DecisionRing({ maxCycles: 10, maxVisits: 100 });
		for (const n of [3, 4, 7]) ring.write(cycle(n));
		expect([3, 4, 7].map((n) => ring.cycle(n)?.cycle)).toEqual([3, 4, 7]);
		expect([1, 2, 5, 6, 8].map((n) => ring.cycle(n))).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
		expect([2999, 3000, 3500, 4000, 6999, 7000, 1e9].map((t) => ring.cycleAt(t)?.cycle)).toEqual([
			undefined,
			3,
			3,
			4,
			4,
			7,
			7,
		]);
		expect([ring.oldest, ring.newest, ring.size]).toEqual([3, 7, 3]);
		expect(ring.last(2).map((c) => c.cycle)).toEqual([4, 7]);
		expect(ring.last(1.9).map((c) => c.cycle)).toEqual([7]);
		expect(ring.last(99).map((c) => c.cycle)).toEqual([3, 4, 7]);
		expect(ring.last(-1)).toEqual([]);
		const empty = new DecisionRing({ maxCycles: 1, maxVisits: 1 });
		expect([empty.oldest, empty.newest, empty.size, empty.cycleAt(1e9), empty.cycle(0)]).toEqual([
			null,
			null,
			0,
			undefined,
			undefined,
		]);
	});

	it("evicts the oldest cycle past maxCycles, with its offers, answers, reasons and tasks", () => {
		const ring = new DecisionRing({ maxCycles: 2, maxVisits: 100 });
		ring.write(cycle(1, ["O1"]));
		ring.write(answer(["O1"], ["t1", "t2"]));
		ring.write(reason(["O1"], "r"));
		ring.write(cycle(2, ["O2"]));
		// t2 is launched again from a later offer: that answer now explains it.
		const again = answer(["O2"], ["t2"]);
		ring.write(again);
		ring.write(cycle(3, ["O3"]));
		expect([ring.oldest, ring.newest, ring.size]).toEqual([2, 3, 2]);
		expect(ring.offer("O1")).toBeUndefined();
		expect(ring.task("t1")).toBeUndefined();
		expect(ring.task("t2")?.answer).toBe(again);
		// Answers and reasons of an evicted offer do not come back with a late record.
		ring.write(reason(["O1"], "late"));
		ring.write(answer(["O1"], ["t9"]));
		expect(ring.task("t9")).toBeUndefined();
	});

	it("a task whose answer names an evicted offer and a held one shows the held one", () => {
		const ring = new DecisionRing({ maxCycles: 2, maxVisits: 100 });
		ring.write(cycle(1, ["O1"]));
		ring.write(cycle(2, ["O2"]));
		const a = answer(["O1", "O2"], ["t"]);
		ring.write(a);
		ring.write(cycle(3));
		// O1's cycle went with its answer's tasks: the answer is forgotten for them.
		expect(ring.task("t")).toBeUndefined();
		const b = new DecisionRing({ maxCycles: 3, maxVisits: 100 });
		b.write(cycle(1, ["O1"]));
		b.write(cycle(2, ["O2"]));
		b.write(answer(["O2", "O1"], ["t"]));
		expect(b.task("t")!.offers.map((o) => o.offer.offer_id)).toEqual(["O2", "O1"]);
	});

	it("evicts by visits too, but always keeps the newest cycle", () => {
		const ring = new DecisionRing({ maxCycles: 100, maxVisits: 5 });
		ring.write(cycle(1, [], 2));
		ring.write(cycle(2, [], 3));
		expect(ring.size).toBe(2); // 5 visits: at the limit, not over
		ring.write(cycle(3, [], 1));
		expect([ring.oldest, ring.size]).toEqual([2, 2]);
		ring.write(cycle(4, [], 9));
		expect([ring.oldest, ring.newest, ring.size]).toEqual([4, 4, 1]);
		ring.write(cycle(5, [], 5));
		expect([ring.oldest, ring.size]).toEqual([5, 1]);
		ring.write(cycle(6, [], 0));
		expect([ring.oldest, ring.size]).toEqual([5, 2]);
	});

	it("stays right over thousands of cycles (its array is compacted now and then)", () => {
		const ring = new DecisionRing({ maxCycles: 50, maxVisits: 1_000_000 });
		for (let n = 1; n <= 5_000; n++) {
			ring.write(cycle(n, [`O${n}`]));
			if (n % 2 === 0) ring.write(answer([`O${n}`], [`t${n}`]));
		}
		expect([ring.oldest, ring.newest, ring.size]).toEqual([4951, 5000, 50]);
		expect(ring.last(3).map((c) => c.cycle)).toEqual([4998, 4999, 5000]);
		expect(ring.cycle(4951)?.cycle).toBe(4951);
		expect(ring.cycle(4950)).toBeUndefined();
		expect(ring.cycleAt(4_950_999)).toBeUndefined();
		expect(ring.offer("O4950")).toBeUndefined();
		expect(ring.task("t4950")).toBeUndefined();
		expect(ring.task("t4952")!.offers[0]!.cycle).toBe(4952);
	});
});
