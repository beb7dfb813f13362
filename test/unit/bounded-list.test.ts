/**
 * BoundedList, the master's memory of completed frameworks and of completed
 * and unreachable tasks: only the newest `limit` entries are kept, and no
 * method sees an older one, however far the amortised trimming has got.
 */
import { describe, expect, it } from "vitest";
import { BoundedList } from "../../master/bounded.js";

function filled(limit: number, n: number): BoundedList<number> {
	const l = new BoundedList<number>(limit);
	for (let i = 1; i <= n; i++) l.push(i);
	return l;
}

describe("BoundedList", () => {
	it("keeps the newest `limit` items, oldest first, at every length up to five times the limit", () => {
		for (let n = 0; n <= 15; n++) {
			const l = filled(3, n);
			const want = Array.from({ length: Math.min(n, 3) }, (_, i) => n - Math.min(n, 3) + 1 + i);
			expect(l.items(), `n=${n}`).toEqual(want);
			expect(l.size, `n=${n}`).toBe(want.length);
		}
	});

	it("a limit of 0 (or below) keeps nothing", () => {
		for (const limit of [0, -5]) {
			const l = filled(limit, 4);
			expect([l.limit, l.size, l.items(), l.find(() => true)]).toEqual([0, 0, [], undefined]);
		}
	});

	it("items() is a copy: changing it changes nothing", () => {
		for (const n of [2, 5]) {
			const l = filled(3, n);
			const before = [...l.items()];
			l.items().push(99);
			l.items().length = 0;
			// Compared with a copy taken first: items() handing out its own array
			// would empty `before` too if it were compared by reference.
			expect(l.items()).toEqual(before);
			expect(before).toHaveLength(Math.min(n, 3));
		}
	});

	it("find: the newest match among the kept items; an item trimmed away is not found", () => {
		const l = new BoundedList<{ id: string; n: number }>(3);
		for (const [id, n] of [
			["a", 1],
			["b", 2],
			["a", 3],
			["c", 4],
		] as const)
			l.push({ id, n });
		expect(l.find((x) => x.id === "a")).toEqual({ id: "a", n: 3 });
		expect(l.find((x) => x.id === "c")).toEqual({ id: "c", n: 4 });
		expect(l.find((x) => x.id === "b")).toEqual({ id: "b", n: 2 }); // the oldest kept
		const one = new BoundedList<string>(5);
		one.push("only");
		expect(one.find((x) => x === "only")).toBe("only");
		expect(l.find((x) => x.id === "z")).toBeUndefined();
		// {a,1} is past the limit (though the array may still hold it).
		expect(l.find((x) => x.n === 1)).toBeUndefined();
	});

	it("removeWhere: removes every match among the kept items and never brings back a trimmed one", () => {
		const l = filled(3, 5); // keeps 3, 4, 5; the array may still hold 1 and 2
		const seen: number[] = [];
		l.removeWhere((x) => {
			seen.push(x);
			return x === 4;
		});
		expect(seen).toEqual([3, 4, 5]);
		expect(l.items()).toEqual([3, 5]);
		expect(l.size).toBe(2);
		l.push(6);
		expect(l.items()).toEqual([3, 5, 6]);
		l.removeWhere((x) => x % 2 === 1);
		expect(l.items()).toEqual([6]);
	});
});
