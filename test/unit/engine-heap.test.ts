import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../engine/index.js";

interface Entry {
	time: number;
	seq: number;
	slot: number;
}

function drain(h: EventHeap, byslot: Map<number, Entry>): Entry[] {
	const out: Entry[] = [];
	while (h.size > 0) {
		const t = h.peekTime();
		const slot = h.pop();
		const e = byslot.get(slot)!;
		expect(e.time).toBe(t);
		out.push(e);
	}
	return out;
}

const byTimeSeq = (a: Entry, b: Entry) => a.time - b.time || a.seq - b.seq;

describe("EventHeap", () => {
	it("an empty heap peeks Infinity and pops -1", () => {
		const h = new EventHeap(4);
		expect(h.size).toBe(0);
		expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
		expect(h.peekSlot()).toBe(-1);
		expect(h.pop()).toBe(-1);
		h.push(3, 0, 7);
		expect(h.pop()).toBe(7);
		expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
		expect(h.pop()).toBe(-1);
	});

	it("equal times pop first-in, first-out", () => {
		const h = new EventHeap(2);
		for (let i = 0; i < 50; i++) h.push(10, i, i);
		const out: number[] = [];
		while (h.size > 0) out.push(h.pop());
		expect(out).toEqual([...Array(50).keys()]);
	});

	it("grows past its initial capacity and keeps every entry", () => {
		const h = new EventHeap(1);
		const n = 5000;
		for (let i = 0; i < n; i++) h.push((i * 7919) % 1000, i, i);
		expect(h.size).toBe(n);
		let prevT = Number.NEGATIVE_INFINITY;
		let prevSeq = -1;
		const seen = new Set<number>();
		while (h.size > 0) {
			const t = h.peekTime();
			const slot = h.pop();
			if (t === prevT) expect(slot).toBeGreaterThan(prevSeq);
			else expect(t).toBeGreaterThan(prevT);
			prevT = t;
			prevSeq = slot;
			seen.add(slot);
		}
		expect(seen.size).toBe(n);
	});

	test.prop(
		[
			fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }),
			fc.integer({ min: 1, max: 8 }),
		],
		{ numRuns: 200 },
	)("pops in (time, seq) order, equal times FIFO, interleaved with pops", (ops, capacity) => {
		const h = new EventHeap(capacity);
		const byslot = new Map<number, Entry>();
		let model: Entry[] = [];
		let seq = 0;
		for (const [time, popNow] of ops) {
			if (popNow && model.length > 0) {
				model.sort(byTimeSeq);
				const want = model.shift()!;
				expect(h.peekTime()).toBe(want.time);
				expect(h.peekSlot()).toBe(want.slot);
				expect(h.pop()).toBe(want.slot);
			} else {
				const e = { time, seq: seq++, slot: seq * 3 + 1 };
				byslot.set(e.slot, e);
				h.push(e.time, e.seq, e.slot);
				model.push(e);
			}
			expect(h.size).toBe(model.length);
		}
		model = model.sort(byTimeSeq);
		expect(drain(h, byslot)).toEqual(model);
		expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
	});

	test.prop(
		[
			fc.uniqueArray(
				fc.record({ time: fc.integer({ min: 0, max: 20 }), seq: fc.nat(1e9), slot: fc.nat(1e6) }),
				{ selector: (r) => r.seq, maxLength: 400 },
			),
		],
		{ numRuns: 100 },
	)("random (time, seq, slot) pushed then drained come out sorted by (time, seq)", (raw) => {
		const h = new EventHeap(4);
		// Slots are payload: make them unique so the drained order can be mapped back.
		const entries = raw.map((r, i) => ({ time: r.time, seq: r.seq, slot: r.slot * 1000 + i }));
		const byslot = new Map(entries.map((e) => [e.slot, e]));
		for (const e of entries) h.push(e.time, e.seq, e.slot);
		expect(drain(h, byslot)).toEqual([...entries].sort(byTimeSeq));
	});
});
