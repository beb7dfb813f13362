/**
 * The DRF sorter's tree kept right through removals, conversions and moves
 * (survivors of a mutation run of master/allocator/sorter/drf.ts,
 * docs/testing.md): every form of the order (sort(), order(), the snapshot) is
 * compared with the tree walk the header describes.
 */
import { describe, expect, it } from "vitest";
import { DrfSorter } from "../../master/allocator/index.js";

const cpus = (n: number): number[] => [n, 0, 0, 0];

function drf(hierarchical = true): DrfSorter {
	const s = new DrfSorter(hierarchical);
	s.addTotal([100, 1000, 1000, 10], 1);
	return s;
}

/** sort(), order() and the snapshot, as keys. */
function orders(s: DrfSorter): number[][] {
	const sorted = s.sort().map((c) => c.key);
	const order = s
		.order([])
		.filter((c) => c.active)
		.map((c) => c.key);
	const n = s.takeSnapshot();
	return [sorted, order, [...s.snapshot.subarray(0, n)]];
}

const all = (keys: number[]) => [keys, keys, keys];

describe("DrfSorter: removals", () => {
	it("a removed client leaves the tree: added again under its name it starts from nothing", () => {
		const s = drf();
		s.add("eng/web", 0);
		s.add("eng/api", 1);
		s.add("eng/db", 2);
		s.allocated("eng/web", cpus(30), 1);
		s.allocated("eng/db", cpus(20), 1);
		s.sort();
		// One client from the back of its siblings, one from the front.
		s.remove("eng/web");
		s.remove("eng/api");
		expect(s.shareOfPath("eng/web")).toBe(0);
		expect(s.shareOfPath("eng")).toBeCloseTo(0.2);
		s.add("eng/web", 3);
		s.add("eng/api", 4);
		s.allocated("eng/web", cpus(10), 1);
		s.allocated("eng/api", cpus(5), 1);
		expect(s.shareOfPath("eng/web")).toBeCloseTo(0.1);
		expect(s.shareOfPath("eng/api")).toBeCloseTo(0.05);
		expect(s.shareOfPath("eng")).toBeCloseTo(0.35);
		expect(orders(s)).toEqual(all([4, 3, 2]));
	});

	it("a top-level client removed from a nested tree: the hot-path order is still the tree walk", () => {
		const s = drf();
		s.add("a", 0);
		s.add("b", 1);
		s.add("eng/web", 2);
		s.allocated("eng/web", cpus(10), 1);
		expect(orders(s)).toEqual(all([0, 1, 2]));
		s.remove("a");
		expect(orders(s)).toEqual(all([1, 2]));
		s.remove("b");
		expect(orders(s)).toEqual(all([2]));
	});

	it("a leaf client that became an inner node and lost its child again is still ordered as a client", () => {
		const s = drf();
		s.add("eng", 0);
		s.add("ops", 1);
		s.add("eng/web", 2);
		s.allocated("ops", cpus(10), 1);
		expect(orders(s)).toEqual(all([0, 2, 1]));
		s.remove("eng/web");
		expect(orders(s)).toEqual(all([0, 1]));
		s.deactivate("eng");
		expect(orders(s)).toEqual(all([1]));
		s.activate("eng");
		expect(orders(s)).toEqual(all([0, 1]));
	});

	it("a removed client's key reaches nothing any more", () => {
		const s = drf();
		s.add("eng/web", 0);
		s.add("eng/api", 1);
		s.add("ops", 2);
		s.allocated("ops", cpus(5), 1);
		s.remove("eng/web");
		s.allocatedKey(0, cpus(50), 1);
		expect(s.shareOfPath("eng")).toBe(0);
		expect(orders(s)).toEqual(all([1, 2]));
	});
});

describe("DrfSorter: a client that becomes an inner node", () => {
	it("allocatedKey still reaches the client (now its virtual leaf)", () => {
		const s = drf();
		s.add("eng", 0);
		s.add("eng/web", 1);
		s.allocatedKey(0, cpus(30), 1);
		s.allocatedKey(1, cpus(10), 1);
		expect(s.allocationOf("eng")![0]).toBe(30);
		expect(s.shareOf("eng")).toBeCloseTo(0.3);
		expect(s.shareOfPath("eng")).toBeCloseTo(0.4);
		expect(orders(s)).toEqual(all([1, 0]));
	});

	it("a weight set afterwards divides the whole subtree's share", () => {
		const s = drf();
		s.add("eng", 0);
		s.add("ops", 1);
		s.add("eng/web", 2);
		s.allocated("eng/web", cpus(40), 1);
		s.allocated("ops", cpus(30), 1);
		expect(orders(s)).toEqual(all([1, 0, 2]));
		s.setWeight("eng", 2);
		expect(s.shareOfPath("eng")).toBeCloseTo(0.2);
		expect(orders(s)).toEqual(all([0, 2, 1]));
	});

	it("shareOfPath finds nested paths, inner nodes and clients alike", () => {
		const s = drf();
		s.add("eng/web/blue", 0);
		s.add("eng/web/green", 1);
		s.allocated("eng/web/blue", cpus(10), 1);
		s.allocated("eng/web/green", cpus(20), 1);
		expect(s.shareOfPath("eng/web")).toBeCloseTo(0.3);
		expect(s.shareOfPath("eng/web/green")).toBeCloseTo(0.2);
		expect(s.shareOfPath("eng/ops")).toBe(0);
	});
});

describe("DrfSorter: shares, counts and the walk", () => {
	it("unknown clients have no share", () => {
		const s = drf();
		s.add("a", 0);
		expect(s.shareOfPath("nope")).toBe(0);
		expect(s.shareOf("nope")).toBe(0);
		expect(s.dominantShare("nope")).toBe(0);
	});

	it("allocatedKey counts an allocation as allocated() does: on adding, not on releasing", () => {
		const s = drf(false);
		s.add("b", 0);
		s.add("z", 1);
		// Equal shares: the tie-break is the allocation count, then the name.
		s.allocated("b", cpus(10), 1);
		s.allocatedKey(1, cpus(10), 1);
		expect(orders(s)).toEqual(all([0, 1]));
		// b: three allocations, two released; z: two, one released. z has fewer.
		s.allocated("b", cpus(10), 1);
		s.allocated("b", cpus(10), 1);
		s.allocated("b", cpus(10), -1);
		s.allocated("b", cpus(10), -1);
		s.allocatedKey(1, cpus(10), -1);
		s.allocatedKey(1, cpus(10), 1);
		expect(orders(s)).toEqual(all([1, 0]));
	});

	it("allocations made while the totals just changed count for the tie-break too", () => {
		for (const hierarchical of [false, true]) {
			const s = drf(hierarchical);
			s.add("a", 0);
			s.add("b", 1);
			s.sort();
			s.addTotal([100, 0, 0, 0], 1);
			// a: two allocations, one released; b: one. Equal shares, a counted twice.
			s.allocated("a", cpus(10), 1);
			s.allocated("a", cpus(10), 1);
			s.allocated("a", cpus(10), -1);
			s.allocated("b", cpus(10), 1);
			expect(orders(s), `hierarchical ${hierarchical}`).toEqual(all([1, 0]));
		}
	});

	it("forEachActive stops inside a subtree when the callback says so", () => {
		const s = drf();
		s.add("eng/web/a", 0);
		s.add("eng/web/b", 1);
		s.add("ops/c", 2);
		s.allocated("ops/c", cpus(1), 1);
		for (const stopAt of [1, 2]) {
			const seen: number[] = [];
			s.forEachActive((c) => {
				seen.push(c.key);
				return seen.length < stopAt;
			});
			expect(seen).toEqual([0, 1].slice(0, stopAt));
		}
	});

	it("a client moves to its place from any position to any other, near and far", () => {
		const n = 24;
		for (let from = 0; from < n; from++) {
			for (let to = 0; to < n; to++) {
				const s = drf(false);
				// Client i holds i + 1 cpus: the order is 0, 1, …, n - 1.
				for (let i = 0; i < n; i++) {
					s.add(`c${String(i).padStart(2, "0")}`, i);
					s.allocated(`c${String(i).padStart(2, "0")}`, cpus(i + 1), 1);
				}
				s.sort();
				// `from` moves to just after `to` (or before client 0): its share becomes to + 1.5 (or 0.5).
				const target = from === to ? from + 1 : to + (to > from ? 1.5 : 0.5);
				s.allocated(`c${String(from).padStart(2, "0")}`, cpus(target - (from + 1)), 1, false);
				const expected = [...Array(n).keys()]
					.map((i) => ({ i, share: i === from ? target : i + 1 }))
					.sort((x, y) => x.share - y.share)
					.map((x) => x.i);
				expect(orders(s), `from ${from} to ${to}`).toEqual(all(expected));
			}
		}
	});
});

describe("DrfSorter: the rest of its contract", () => {
	it("the last nested client removed: the flat order left has no inner node in it", () => {
		const s = drf();
		s.add("eng/web", 0);
		s.add("ops", 1);
		s.remove("eng/web");
		expect(orders(s)).toEqual(all([1]));
		expect(s.orderIsLive).toBe(true);
		// A nested client that gains a child, then both go: flat again.
		s.add("x/a", 2);
		s.add("x/a/b", 3);
		expect(s.orderIsLive).toBe(false);
		s.remove("x/a/b");
		s.remove("x/a");
		expect(s.orderIsLive).toBe(true);
		expect(orders(s)).toEqual(all([1]));
	});

	it("clients sort under their own names; a client that is also an inner node as '<name>/.'", () => {
		const s = drf();
		s.add("eng", 0);
		s.add("eng/web", 1);
		s.add("ops", 2);
		s.allocated("eng/web", cpus(1), 1);
		s.allocated("ops", cpus(2), 1);
		expect(s.sort().map((c) => c.name)).toEqual(["eng/.", "eng/web", "ops"]);
	});

	it("unknown names and keys: nothing happens, nothing is active", () => {
		const s = drf();
		s.add("a", 0);
		expect(s.isActive("nope")).toBe(false);
		s.allocatedKey(99, cpus(10), 1);
		s.allocated("nope", cpus(10), 1);
		expect(s.shareOf("a")).toBe(0);
		expect(orders(s)).toEqual(all([0]));
	});

	it("a weight on a role that is no client, only above clients, divides its subtree's share at once", () => {
		const s = drf();
		s.add("eng/web", 0);
		s.add("ops", 1);
		s.allocated("eng/web", cpus(40), 1);
		s.allocated("ops", cpus(30), 1);
		expect(orders(s)).toEqual(all([1, 0]));
		s.setWeight("eng", 4);
		expect(s.shareOfPath("eng")).toBeCloseTo(0.1);
		expect(orders(s)).toEqual(all([0, 1]));
	});

	it("the weight of a client that is also an inner node applies to its own leaf among its children too", () => {
		const s = drf();
		s.add("eng", 0);
		s.add("eng/web", 1);
		s.allocated("eng", cpus(20), 1);
		s.allocated("eng/web", cpus(15), 1);
		expect(orders(s)).toEqual(all([1, 0]));
		s.setWeight("eng", 2);
		expect(s.shareOf("eng")).toBeCloseTo(0.1);
		expect(orders(s)).toEqual(all([0, 1]));
	});

	it("float dust left by releases counts as nothing: the allocation count decides", () => {
		const s = drf(false);
		s.add("a", 0);
		s.add("b", 1);
		// a: 0.1 + 0.2 - 0.3 cpus leaves 5.6e-17 in floating point; two allocations.
		s.allocated("a", cpus(0.1), 1);
		s.allocated("a", cpus(0.2), 1);
		s.allocated("a", cpus(0.3), -1);
		// b: exactly nothing held, three allocations.
		for (let i = 0; i < 3; i++) {
			s.allocated("b", cpus(1), 1);
			s.allocated("b", cpus(1), -1);
		}
		expect(s.allocationOf("a")![0]).toBe(0);
		expect(orders(s)).toEqual(all([0, 1]));
	});

	it("allocations counted while the totals just changed: released ones are not counted again", () => {
		const s = drf(false);
		s.add("b", 0);
		s.add("z", 1);
		// b, on a sorted sorter: three allocations counted.
		s.sort();
		for (const sign of [1, 1, 1, -1, -1] as const) s.allocated("b", cpus(10), sign);
		s.addTotal([100, 0, 0, 0], 1);
		// z, while the sorter waits to re-sort: counted twice, b three times.
		for (const sign of [1, 1, -1] as const) s.allocated("z", cpus(10), sign);
		expect(orders(s)).toEqual(all([1, 0]));
	});

	it("the snapshot is taken again after every change that can move a client", () => {
		const changes: [string, (s: DrfSorter) => void][] = [
			["setWeight", (s) => s.setWeight("c", 10)],
			["allocated", (s) => s.allocated("c", [0, -450, 0, 0], 1, false)],
			["addTotal", (s) => s.addTotal([0, 9000, 0, 0], 1)],
		];
		for (const [what, change] of changes) {
			const s = drf(false);
			// Shares 0.1 (cpus), 0.2 (cpus), 0.5 (mem): every change below brings c to the front.
			s.add("a", 0);
			s.add("b", 1);
			s.add("c", 2);
			s.allocated("a", cpus(10), 1);
			s.allocated("b", cpus(20), 1);
			s.allocated("c", [5, 500, 0, 0], 1);
			expect(orders(s), what).toEqual(all([0, 1, 2]));
			change(s);
			s.deactivate("b");
			const expected = s.sort().map((c) => c.key);
			expect(expected, what).toEqual([2, 0]);
			expect(orders(s), what).toEqual(all(expected));
		}
	});
});
