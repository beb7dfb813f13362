import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/index.js";
import {
	createSorter,
	DrfSorter,
	RandomSorter,
	type Sorter,
	type SorterKind,
} from "../../master/allocator/index.js";

/** Quantities in SCALAR_NAMES order: cpus, mem, disk, gpus. */
const q = (cpus = 0, mem = 0, disk = 0, gpus = 0): number[] => [cpus, mem, disk, gpus];

/** Clients in DRF order, by the key the caller attached. */
function keys(s: DrfSorter): number[] {
	return s.sort().map((c) => c.key);
}

/** The hot-path forms of the order as keys: order() (active entries) and takeSnapshot(). */
function hotPathOrders(s: Sorter): { order: number[]; snapshot: number[] } {
	const order = s
		.order([])
		.filter((c) => c.active)
		.map((c) => c.key);
	const n = s.takeSnapshot();
	return { order, snapshot: [...s.snapshot.subarray(0, n)] };
}

/** A sorter with totals, and clients added with keys 0, 1, 2, … in the order given. */
function sorter(
	hierarchical: boolean,
	names: string[],
	total = q(100, 1000, 1000, 10),
	excluded: string[] = [],
) {
	const s = new DrfSorter(hierarchical, excluded);
	s.addTotal(total, 1);
	names.forEach((n, i) => {
		s.add(n, i);
	});
	return s;
}

describe("DrfSorter (flat)", () => {
	it("orders clients by dominant share", () => {
		const s = sorter(false, ["a", "b", "c"]);
		s.allocated("a", q(50), 1); // 0.5 cpus
		s.allocated("b", q(0, 100), 1); // 0.1 mem
		s.allocated("c", q(10, 300), 1); // 0.3 mem
		expect(keys(s)).toEqual([1, 2, 0]);
		expect(s.shareOf("a")).toBeCloseTo(0.5);
		expect(s.shareOf("c")).toBeCloseTo(0.3);
		expect(s.dominantShare("b")).toBeCloseTo(0.1);
		// Releasing moves a client back to the front.
		s.allocated("a", q(50), -1);
		expect(keys(s)).toEqual([0, 1, 2]);
		expect(s.shareOf("a")).toBe(0);
	});

	it("divides the share by the weight", () => {
		const s = sorter(false, ["a", "b"]);
		s.allocated("a", q(30), 1);
		s.allocated("b", q(20), 1);
		expect(keys(s)).toEqual([1, 0]);
		s.setWeight("a", 2);
		expect(keys(s)).toEqual([0, 1]);
		expect(s.shareOf("a")).toBeCloseTo(0.15);
		expect(s.dominantShare("a")).toBeCloseTo(0.3);
	});

	it("breaks ties by allocation count, then by name", () => {
		const s = sorter(false, ["c", "b", "a"]);
		expect(s.sort().map((c) => c.name)).toEqual(["a", "b", "c"]);
		// "a" was allocated once and released: same share (0), higher count.
		s.allocated("a", q(10), 1);
		s.allocated("a", q(10), -1);
		expect(s.sort().map((c) => c.name)).toEqual(["b", "c", "a"]);
		// countIt = false: an allocation that does not count.
		s.allocated("b", q(10), 1, false);
		s.allocated("b", q(10), -1);
		expect(s.sort().map((c) => c.name)).toEqual(["b", "c", "a"]);
	});

	it("skips inactive clients but keeps their allocation", () => {
		const s = sorter(false, ["a", "b", "c"]);
		s.allocated("a", q(10), 1);
		s.allocated("b", q(20), 1);
		s.allocated("c", q(30), 1);
		s.deactivate("a");
		expect(s.isActive("a")).toBe(false);
		expect(keys(s)).toEqual([1, 2]);
		s.allocated("a", q(30), 1); // still tracked while inactive: 0.4
		expect(s.allocationOf("a")![0]).toBe(40);
		s.activate("a");
		expect(s.isActive("a")).toBe(true);
		expect(keys(s)).toEqual([1, 2, 0]);
		// activate/deactivate are idempotent.
		s.activate("a");
		s.deactivate("b");
		s.deactivate("b");
		expect(keys(s)).toEqual([2, 0]);
		expect(s.size).toBe(3);
	});

	it("removes clients", () => {
		const s = sorter(false, ["a", "b", "c"]);
		s.allocated("b", q(10), 1);
		s.remove("a");
		s.remove("nope");
		expect(s.has("a")).toBe(false);
		expect(s.size).toBe(2);
		expect(keys(s)).toEqual([2, 1]);
		expect(s.shareOf("a")).toBe(0);
		expect(s.allocationOf("a")).toBeUndefined();
		// Operations on an unknown client are no-ops.
		s.allocated("a", q(10), 1);
		s.activate("a");
		expect(keys(s)).toEqual([2, 1]);
		// Re-adding starts afresh.
		s.add("a", 7);
		expect(keys(s)).toEqual([7, 2, 1]);
		s.add("a", 8); // duplicate add is ignored
		expect(keys(s)).toEqual([7, 2, 1]);
	});

	it("leaves fair_sharing_excluded_resource_names out of the share", () => {
		const plain = sorter(false, ["a", "b"]);
		const excl = sorter(false, ["a", "b"], q(100, 1000, 1000, 10), ["gpus"]);
		for (const s of [plain, excl]) {
			s.allocated("a", q(10, 0, 0, 10), 1); // all the GPUs, 0.1 cpus
			s.allocated("b", q(20), 1); // 0.2 cpus
		}
		expect(keys(plain)).toEqual([1, 0]);
		expect(plain.shareOf("a")).toBe(1);
		expect(keys(excl)).toEqual([0, 1]);
		expect(excl.shareOf("a")).toBeCloseTo(0.1);
	});

	it("ignores resources with a zero total", () => {
		const s = sorter(false, ["a", "b"], q(100, 1000, 0, 0));
		s.allocated("a", q(10, 0, 500, 1), 1);
		s.allocated("b", q(20), 1);
		expect(s.shareOf("a")).toBeCloseTo(0.1);
		expect(keys(s)).toEqual([0, 1]);
	});

	it("re-sorts when the totals change", () => {
		const s = sorter(false, ["a", "b"], q(100, 1000));
		s.allocated("a", q(10), 1); // 0.1
		s.allocated("b", q(0, 200), 1); // 0.2
		expect(keys(s)).toEqual([0, 1]);
		s.addTotal(q(0, 4000), 1); // b: 200 / 5000 = 0.04
		expect(keys(s)).toEqual([1, 0]);
		s.addTotal(q(0, 4000), -1);
		expect(keys(s)).toEqual([0, 1]);
		// Allocations while the order is stale still land in the right place.
		s.addTotal(q(100), 1); // a: 10/200 = 0.05
		s.allocated("b", q(0, 200), -1);
		s.allocated("a", q(50), 1); // a: 60/200 = 0.3
		expect(keys(s)).toEqual([1, 0]);
	});

	it("forEachActive stops when the callback returns false", () => {
		const s = sorter(false, ["a", "b", "c"]);
		const seen: string[] = [];
		s.forEachActive((c) => {
			seen.push(c.name);
			return c.name !== "b";
		});
		expect(seen).toEqual(["a", "b"]);
	});
});

describe("DrfSorter (hierarchical roles)", () => {
	it("a parent's share is the sum of its subtree, and subtrees are ordered by it", () => {
		const s = sorter(true, ["a/x", "a/y", "b"]);
		s.allocated("a/x", q(20), 1);
		s.allocated("a/y", q(20), 1);
		s.allocated("b", q(30), 1);
		// a = 0.4 > b = 0.3, though each of a's children is below b.
		expect(keys(s)).toEqual([2, 0, 1]);
		const flat = sorter(false, ["a/x", "a/y", "b"]);
		flat.allocated("a/x", q(20), 1);
		flat.allocated("a/y", q(20), 1);
		flat.allocated("b", q(30), 1);
		expect(keys(flat)).toEqual([0, 1, 2]);
		// Inside a subtree the children are in DRF order.
		s.allocated("a/x", q(15), -1);
		expect(keys(s)).toEqual([0, 1, 2]); // a = 0.25 < b; a/x 0.05 < a/y 0.2
	});

	it("orders deeper trees level by level", () => {
		const s = sorter(true, ["eng/web/api", "eng/web/ui", "eng/db", "ops"]);
		s.allocated("eng/web/api", q(5), 1);
		s.allocated("eng/web/ui", q(25), 1);
		s.allocated("eng/db", q(10), 1);
		s.allocated("ops", q(35), 1);
		// eng = 0.4 > ops 0.35; inside eng, db 0.1 < web 0.3; inside web, api < ui.
		expect(keys(s)).toEqual([3, 2, 0, 1]);
		s.allocated("ops", q(10), 1); // ops 0.45
		expect(keys(s)).toEqual([2, 0, 1, 3]);
	});

	it("a client that is also an inner node ('eng' and 'eng/web'), added either way round", () => {
		for (const names of [
			["eng", "eng/web", "ops"],
			["eng/web", "eng", "ops"],
		]) {
			const s = sorter(true, names);
			const k = (n: string) => names.indexOf(n);
			s.allocated("eng", q(10), 1);
			s.allocated("eng/web", q(15), 1);
			s.allocated("ops", q(20), 1);
			// eng's subtree (0.25) > ops (0.2); inside it, eng's own 0.1 before eng/web's 0.15.
			expect(keys(s)).toEqual([k("ops"), k("eng"), k("eng/web")]);
			expect(s.shareOf("eng")).toBeCloseTo(0.1);
			expect(s.allocationOf("eng")![0]).toBe(10);
			s.allocated("eng/web", q(10), -1);
			expect(keys(s)).toEqual([k("eng/web"), k("eng"), k("ops")]);
			s.deactivate("eng");
			expect(keys(s)).toEqual([k("eng/web"), k("ops")]);
		}
	});

	it("an existing leaf client that gains a child keeps its allocation, count and activity", () => {
		const s = sorter(true, ["eng", "ops"]);
		s.allocated("eng", q(30), 1);
		s.allocated("ops", q(20), 1);
		s.deactivate("eng");
		s.add("eng/web", 2);
		expect(s.allocationOf("eng")![0]).toBe(30);
		expect(s.isActive("eng")).toBe(false);
		expect(keys(s)).toEqual([1, 2]);
		s.activate("eng");
		expect(keys(s)).toEqual([1, 2, 0]);
	});

	it("the weight of a role divides its subtree's share", () => {
		const s = sorter(true, ["eng/web", "eng/db", "ops"]);
		s.allocated("eng/web", q(20), 1);
		s.allocated("eng/db", q(20), 1);
		s.allocated("ops", q(30), 1);
		expect(keys(s)).toEqual([2, 1, 0]); // equal shares and counts: eng/db before eng/web
		// A role that is both a client and a parent: its weight applies to the subtree.
		s.add("eng", 3);
		s.setWeight("eng", 2); // eng = 0.4 / 2 = 0.2 < ops 0.3
		expect(keys(s)).toEqual([3, 1, 0, 2]);
		s.setWeight("eng/web", 4); // eng/web = 0.05 < eng/db = 0.2
		expect(keys(s)).toEqual([3, 0, 1, 2]);
		expect(s.shareOf("eng/web")).toBeCloseTo(0.05);
		expect(s.dominantShare("eng/web")).toBeCloseTo(0.2);
	});

	it("inactive clients are skipped but their allocation still counts for the parent", () => {
		const s = sorter(true, ["a/x", "a/y", "b"]);
		s.allocated("a/x", q(40), 1);
		s.allocated("b", q(30), 1);
		s.deactivate("a/x");
		expect(keys(s)).toEqual([2, 1]); // a = 0.4 still, though a/y alone is 0
		s.deactivate("a/y");
		s.deactivate("b");
		expect(keys(s)).toEqual([]);
	});

	it("removing a client takes its allocation out of its ancestors", () => {
		const s = sorter(true, ["a/x", "a/y", "b"]);
		s.allocated("a/x", q(50), 1);
		s.allocated("b", q(30), 1);
		expect(keys(s)).toEqual([2, 1, 0]);
		s.remove("a/x");
		// a is now 0, below b.
		expect(keys(s)).toEqual([1, 2]);
		// Adding it back with its allocation counts it once.
		s.add("a/x", 0);
		s.allocated("a/x", q(50), 1);
		expect(keys(s)).toEqual([2, 1, 0]);
		s.allocated("b", q(25), 1); // b 0.55 > a 0.5
		expect(keys(s)).toEqual([1, 0, 2]);
	});

	it("removing the last client of a subtree removes the subtree; 'eng' and 'eng/web' removed in turn", () => {
		const s = sorter(true, ["eng", "eng/web", "ops"]);
		s.allocated("eng/web", q(30), 1);
		s.allocated("ops", q(20), 1);
		expect(keys(s)).toEqual([2, 0, 1]);
		s.remove("eng/web");
		expect(keys(s)).toEqual([0, 2]);
		s.remove("eng");
		expect(keys(s)).toEqual([2]);
		expect(s.size).toBe(1);
		s.add("eng/web", 5);
		expect(keys(s)).toEqual([5, 2]);
	});
});

// ---- property: the incremental order equals a brute-force DRF order ---------------

type SortOp =
	| { op: "alloc"; c: number; r: number[] }
	| { op: "free"; c: number; pick: number }
	| { op: "active"; c: number; on: boolean }
	| { op: "total"; r: number[]; sign: 1 | -1 }
	| { op: "weight"; c: number; w: number }
	| { op: "remove"; c: number }
	| { op: "add"; c: number };

const CLIENTS = ["fw-a", "fw-b", "fw-c", "fw-d", "fw-e"];
const qty = fc.tuple(
	fc.constantFrom(0, 0.5, 1, 2, 4),
	fc.constantFrom(0, 128, 256, 1024),
	fc.constantFrom(0, 100),
	fc.constantFrom(0, 1),
);
const client = fc.nat(CLIENTS.length - 1);
const sortOp: fc.Arbitrary<SortOp> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ op: fc.constant("alloc" as const), c: client, r: qty }) },
	{ weight: 3, arbitrary: fc.record({ op: fc.constant("free" as const), c: client, pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ op: fc.constant("active" as const), c: client, on: fc.boolean() }) },
	{
		weight: 1,
		arbitrary: fc.record({
			op: fc.constant("total" as const),
			r: qty,
			sign: fc.constantFrom(1 as const, -1 as const),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({ op: fc.constant("weight" as const), c: client, w: fc.constantFrom(0.5, 1, 2, 3) }),
	},
	{ weight: 1, arbitrary: fc.record({ op: fc.constant("remove" as const), c: client }) },
	{ weight: 1, arbitrary: fc.record({ op: fc.constant("add" as const), c: client }) },
);

interface ModelClient {
	name: string;
	key: number;
	alloc: number[];
	held: number[][];
	count: number;
	weight: number;
	active: boolean;
}

/** Same arithmetic as the sorter (so exact ties stay exact). */
function addInto(a: number[], r: readonly number[], sign: number): void {
	for (let k = 0; k < 4; k++) {
		const v = a[k]! + sign * r[k]!;
		a[k] = Math.abs(v) < 1e-9 ? 0 : v;
	}
}

function bruteShare(c: ModelClient, total: number[], excluded: Set<number>): number {
	let s = 0;
	for (let k = 0; k < 4; k++) {
		if (total[k]! > 0 && !excluded.has(k)) s = Math.max(s, c.alloc[k]! / total[k]!);
	}
	return s / c.weight;
}

describe("DrfSorter against a brute-force order", () => {
	test.prop([fc.array(sortOp, { maxLength: 120 }), fc.boolean()], { numRuns: 300 })(
		"after random operations sort() equals sorting by (share / weight, count, name)",
		(ops, excludeGpus) => {
			const excluded = new Set(excludeGpus ? [3] : []);
			const s = new DrfSorter(false, excludeGpus ? ["gpus"] : []);
			const total = q(16, 8192, 1000, 2);
			s.addTotal(total, 1);
			const model = new Map<string, ModelClient>();
			// As in Mesos's sorter, a weight belongs to the name, not the client: it outlives a remove.
			const weights = new Map<string, number>();
			let nextKey = 0;
			const add = (name: string) => {
				if (model.has(name)) return;
				const weight = weights.get(name) ?? 1;
				const c = { name, key: nextKey++, alloc: q(), held: [], count: 0, weight, active: true };
				model.set(name, c);
				s.add(name, c.key);
			};
			for (const n of CLIENTS) add(n);

			for (const o of ops) {
				s.takeSnapshot(); // reused only while nothing changes: the one checked at the end must be fresh
				switch (o.op) {
					case "alloc": {
						const c = model.get(CLIENTS[o.c]!);
						s.allocated(CLIENTS[o.c]!, o.r, 1);
						if (c === undefined) break;
						addInto(c.alloc, o.r, 1);
						c.held.push(o.r);
						c.count++;
						break;
					}
					case "free": {
						const c = model.get(CLIENTS[o.c]!);
						if (c === undefined || c.held.length === 0) break;
						const r = c.held.splice(o.pick % c.held.length, 1)[0]!;
						s.allocated(c.name, r, -1);
						addInto(c.alloc, r, -1);
						break;
					}
					case "active": {
						const c = model.get(CLIENTS[o.c]!);
						if (o.on) s.activate(CLIENTS[o.c]!);
						else s.deactivate(CLIENTS[o.c]!);
						if (c !== undefined) c.active = o.on;
						break;
					}
					case "total":
						// Never let a total go negative.
						if (o.sign === -1 && o.r.some((x, k) => x > total[k]! - 1)) break;
						s.addTotal(o.r, o.sign);
						for (let k = 0; k < 4; k++) total[k] = total[k]! + o.sign * o.r[k]!;
						break;
					case "weight": {
						const c = model.get(CLIENTS[o.c]!);
						s.setWeight(CLIENTS[o.c]!, o.w);
						weights.set(CLIENTS[o.c]!, o.w);
						if (c !== undefined) c.weight = o.w;
						break;
					}
					case "remove":
						s.remove(CLIENTS[o.c]!);
						model.delete(CLIENTS[o.c]!);
						break;
					case "add":
						add(CLIENTS[o.c]!);
						break;
				}
			}
			const want = [...model.values()]
				.filter((c) => c.active)
				.map((c) => ({ c, share: bruteShare(c, total, excluded) }))
				.sort((x, y) => x.share - y.share || x.c.count - y.c.count || (x.c.name < y.c.name ? -1 : 1))
				.map((x) => x.c.key);
			expect(keys(s)).toEqual(want);
			expect(hotPathOrders(s)).toEqual({ order: want, snapshot: want });
			for (const c of model.values()) {
				expect(s.shareOf(c.name)).toBe(bruteShare(c, total, excluded));
				expect([...s.allocationOf(c.name)!]).toEqual(c.alloc);
			}
			expect(s.size).toBe(model.size);
		},
	);
});

// ---- property: hierarchical order equals a brute-force tree walk ---------------------

type TreeOp =
	| { op: "alloc"; c: number; r: number[] }
	| { op: "free"; c: number; pick: number }
	| { op: "active"; c: number; on: boolean }
	| { op: "total"; r: number[] }
	| { op: "remove"; c: number }
	| { op: "add"; c: number };

const ROLES = ["a", "a/x", "a/y", "a/x/p", "b", "b/z", "c/d"];
const role = fc.nat(ROLES.length - 1);
const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ op: fc.constant("alloc" as const), c: role, r: qty }) },
	{ weight: 3, arbitrary: fc.record({ op: fc.constant("free" as const), c: role, pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ op: fc.constant("active" as const), c: role, on: fc.boolean() }) },
	{ weight: 1, arbitrary: fc.record({ op: fc.constant("total" as const), r: qty }) },
	{ weight: 2, arbitrary: fc.record({ op: fc.constant("remove" as const), c: role }) },
	{ weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), c: role }) },
);

describe("DrfSorter (hierarchical) against a brute-force tree walk", () => {
	// Allocations do not count here (countIt = false), so ties go by name and the
	// model needs no history; counts are covered by the unit tests above.
	test.prop([fc.array(treeOp, { maxLength: 100 })], { numRuns: 300 })(
		"after random operations sort() equals a walk of the role tree ordered by subtree share",
		(ops) => {
			const s = new DrfSorter(true);
			const total = q(16, 8192, 1000, 2);
			s.addTotal(total, 1);
			const model = new Map<string, { key: number; alloc: number[]; held: number[][]; active: boolean }>();
			let nextKey = 0;
			const add = (name: string) => {
				if (model.has(name)) return;
				model.set(name, { key: nextKey, alloc: q(), held: [], active: true });
				s.add(name, nextKey++);
			};
			for (const n of ROLES) add(n);
			for (const o of ops) {
				s.takeSnapshot(); // reused only while nothing changes: the one checked at the end must be fresh
				const name = "c" in o ? ROLES[o.c]! : "";
				const c = model.get(name);
				switch (o.op) {
					case "alloc":
						s.allocated(name, o.r, 1, false);
						if (c === undefined) break;
						addInto(c.alloc, o.r, 1);
						c.held.push(o.r);
						break;
					case "free": {
						if (c === undefined || c.held.length === 0) break;
						const r = c.held.splice(o.pick % c.held.length, 1)[0]!;
						s.allocated(name, r, -1, false);
						addInto(c.alloc, r, -1);
						break;
					}
					case "active":
						if (o.on) s.activate(name);
						else s.deactivate(name);
						if (c !== undefined) c.active = o.on;
						break;
					case "total":
						s.addTotal(o.r, 1);
						for (let k = 0; k < 4; k++) total[k] = total[k]! + o.r[k]!;
						break;
					case "remove":
						s.remove(name);
						model.delete(name);
						break;
					case "add":
						add(name);
						break;
				}
			}

			const inSubtree = (n: string, p: string) => n === p || n.startsWith(`${p}/`);
			const shareOf = (alloc: number[]) => {
				let sh = 0;
				for (let k = 0; k < 4; k++) if (total[k]! > 0) sh = Math.max(sh, alloc[k]! / total[k]!);
				return sh;
			};
			const subtreeAlloc = (p: string) => {
				const sum = q();
				for (const [n, c] of model) if (inSubtree(n, p)) for (let k = 0; k < 4; k++) sum[k]! += c.alloc[k]!;
				return sum;
			};
			const nodes = new Set<string>();
			for (const n of model.keys()) {
				const parts = n.split("/");
				for (let i = 1; i <= parts.length; i++) nodes.add(parts.slice(0, i).join("/"));
			}
			const parentOf = (n: string) => (n.includes("/") ? n.slice(0, n.lastIndexOf("/")) : "");
			const hasChildren = (p: string) => [...nodes].some((n) => parentOf(n) === p);
			const anyActive = (p: string) => [...model].some(([n, c]) => c.active && inSubtree(n, p));
			const walk = (p: string, out: number[]): void => {
				const entries: { name: string; share: number; leaf: string | null; inner: string | null }[] = [];
				for (const n of nodes) {
					if (parentOf(n) !== p) continue;
					if (model.has(n) && !hasChildren(n))
						entries.push({ name: n, share: shareOf(model.get(n)!.alloc), leaf: n, inner: null });
					else entries.push({ name: n, share: shareOf(subtreeAlloc(n)), leaf: null, inner: n });
				}
				if (p !== "" && model.has(p))
					entries.push({ name: `${p}/.`, share: shareOf(model.get(p)!.alloc), leaf: p, inner: null });
				entries.sort((x, y) => x.share - y.share || (x.name < y.name ? -1 : 1));
				for (const e of entries) {
					if (e.leaf !== null) {
						if (model.get(e.leaf)!.active) out.push(model.get(e.leaf)!.key);
					} else if (anyActive(e.inner!)) walk(e.inner!, out);
				}
			};
			const want: number[] = [];
			walk("", want);
			expect(keys(s)).toEqual(want);
			expect(hotPathOrders(s)).toEqual({ order: want, snapshot: want });
			expect(s.orderIsLive).toBe(![...model.keys()].some((n) => n.includes("/")));
			for (const [n, c] of model) expect([...s.allocationOf(n)!]).toEqual(c.alloc);
		},
	);
});

// ---- the Sorter contract, for both implementations ------------------------------

describe.each(["drf", "random"] as SorterKind[])("Sorter contract (%s)", (kind) => {
	const make = (hierarchical: boolean) => {
		const s = createSorter(kind, hierarchical, [], new Rng("contract"));
		s.addTotal(q(100, 1000, 1000, 10), 1);
		return s;
	};
	/** Keys of every form of the order, sorted (the random order differs per call, the set must not). */
	const activeKeys = (s: Sorter) => {
		const { order, snapshot } = hotPathOrders(s);
		const sorted = s.sort().map((c) => c.key);
		return [sorted, order, snapshot].map((k) => [...k].sort((a, b) => a - b));
	};
	const each = (keys: number[]) => [keys, keys, keys];

	it("shareOfPath of a client is its weighted share", () => {
		const s = make(false);
		s.add("a", 0);
		s.add("b", 1);
		s.setWeight("b", 2);
		s.allocated("a", q(10, 0, 0, 0), 1);
		s.allocated("b", q(0, 500, 0, 0), 1);
		expect(s.shareOfPath("a")).toBeCloseTo(0.1);
		expect(s.shareOfPath("b")).toBeCloseTo(0.25);
	});

	it("orders 300 active clients, more than the first snapshot buffer holds (64), then more again", () => {
		const s = make(false);
		const keys: number[] = [];
		for (const n of [100, 300]) {
			for (let i = keys.length; i < n; i++) {
				s.add(`r${i}`, i);
				keys.push(i);
			}
			expect(activeKeys(s)).toEqual(each(keys));
		}
	});

	it.each([false, true])("orders exactly the active clients (hierarchical: %s)", (hierarchical) => {
		const s = make(hierarchical);
		expect(s.kind).toBe(kind);
		const names = hierarchical ? ["eng", "eng/web", "ops", "ops/db/pg"] : ["a", "b", "c", "d"];
		names.forEach((n, i) => {
			s.add(n, i);
		});
		expect(s.size).toBe(4);
		expect(activeKeys(s)).toEqual(each([0, 1, 2, 3]));
		s.deactivate(names[1]!);
		expect(s.isActive(names[1]!)).toBe(false);
		expect(activeKeys(s)).toEqual(each([0, 2, 3]));
		s.remove(names[2]!);
		expect(s.has(names[2]!)).toBe(false);
		expect(s.size).toBe(3);
		expect(activeKeys(s)).toEqual(each([0, 3]));
		s.activate(names[1]!);
		expect(activeKeys(s)).toEqual(each([0, 1, 3]));
		s.add(names[2]!, 9);
		expect(activeKeys(s)).toEqual(each([0, 1, 3, 9]));
	});

	it("tracks allocations and shares whatever the order", () => {
		const s = make(false);
		s.add("a", 0);
		s.add("b", 1);
		s.allocated("a", q(50), 1);
		s.allocatedKey(1, q(0, 100), 1);
		s.setWeight("a", 2);
		expect(s.allocationOf("a")![0]).toBe(50);
		expect(s.allocationOf("b")![1]).toBe(100);
		expect(s.dominantShare("a")).toBeCloseTo(0.5);
		expect(s.shareOf("a")).toBeCloseTo(0.25);
		s.allocatedKey(0, q(50), -1);
		expect(s.allocationOf("a")![0]).toBe(0);
		// Inactive clients keep their allocation.
		s.deactivate("b");
		expect(s.allocationOf("b")![1]).toBe(100);
	});
});

describe("RandomSorter", () => {
	const clients = ["a", "b", "c", "d", "e"];
	const make = (seed: string) => {
		const s = new RandomSorter(false, [], new Rng(seed));
		s.addTotal(q(100, 1000, 1000, 10), 1);
		clients.forEach((n, i) => {
			s.add(n, i);
		});
		return s;
	};

	it("shuffles: over many draws every client comes first, and the order is not the DRF one", () => {
		for (const form of ["order", "snapshot"] as const) {
			const s = make("shuffle");
			const first = new Map<number, number>();
			let asInserted = 0;
			const draws = 500;
			for (let d = 0; d < draws; d++) {
				const { order, snapshot } = hotPathOrders(s);
				const keys = form === "order" ? order : snapshot;
				expect([...keys].sort()).toEqual([0, 1, 2, 3, 4]);
				first.set(keys[0]!, (first.get(keys[0]!) ?? 0) + 1);
				if (keys.join() === "0,1,2,3,4") asInserted++;
			}
			// 5 clients: each is first in about 1 of 5 draws; the sorted order about 1 in 120.
			for (let k = 0; k < clients.length; k++) expect(first.get(k) ?? 0).toBeGreaterThan(draws / 10);
			expect(asInserted).toBeLessThan(draws / 20);
		}
	});

	it("is one Fisher–Yates shuffle of the DRF order per pass, from its random stream", () => {
		const random = make("stream");
		const drf = new DrfSorter(false);
		drf.addTotal(q(100, 1000, 1000, 10), 1);
		clients.forEach((n, i) => {
			drf.add(n, i);
		});
		for (const [n, c] of [
			["a", 30],
			["c", 10],
			["e", 20],
		] as const) {
			random.allocated(n, q(c), 1);
			drf.allocated(n, q(c), 1);
		}
		const rng = new Rng("stream");
		for (let d = 0; d < 20; d++) {
			const want = rng.shuffle(keys(drf));
			// Each form of the order is one pass: one shuffle.
			const got =
				d % 3 === 0
					? random.order([]).map((c) => c.key)
					: d % 3 === 1
						? [...random.snapshot.subarray(0, random.takeSnapshot())]
						: random.sort().map((c) => c.key);
			expect(got).toEqual(want);
		}
		expect(random.orderIsLive).toBe(false);
	});
});
