/**
 * DrfSorter — hierarchical dominant-resource-fairness order of clients.
 *
 * Layout: a tree of nodes; a client is a leaf named by a path ("eng/web" for
 * roles, a framework id for frameworks). Each node keeps its subtree's
 * allocation as a Float64Array(SCALAR_COUNT) and its children in an array kept
 * sorted by (share / weight, allocation count, name). A client that is also an
 * inner node ("eng" with "eng/web" below it) lives in a virtual leaf "eng/.".
 * Invariants: node.alloc = sum of its children's alloc; children arrays are
 * sorted except below nodes marked dirty; inactive leaves stay in the tree
 * (they keep their allocation) but are skipped by `forEachActive`; the
 * count of leaves below an inner node is 0 exactly when the tree is flat (then
 * order() is the root's live children); the key snapshot is reused while the
 * version (bumped by every change that can move or (de)activate a client)
 * is the one it was taken at.
 * Complexity: allocate/unallocate O(depth × k) where k is how far the node moves
 * among its siblings (usually small); a change of totals marks everything dirty
 * and the next traversal re-sorts, O(n log n).
 * Guarded by: `mesosim bench allocator`.
 *
 * Mesos: src/master/allocator/mesos/sorter/drf/sorter.cpp.
 */
import { SCALAR_COUNT, SCALAR_NAMES } from "../../protocol/resources.js";
import { SCALAR_EPSILON } from "../../quantity.js";
import type { Scalars, SortedClient, Sorter } from "./types.js";

const NO_KEYS = new Int32Array(0);

class SortNode implements SortedClient {
	readonly name: string;
	readonly key: number;
	readonly parent: SortNode | null;
	readonly alloc = new Float64Array(SCALAR_COUNT);
	children: SortNode[] = [];
	weight = 1;
	share = 0;
	count = 0;
	active = true;
	isLeaf: boolean;
	/** Leaves active in this subtree (so traversal can skip dead branches). */
	activeLeaves = 0;

	constructor(name: string, key: number, parent: SortNode | null, isLeaf: boolean) {
		this.name = name;
		this.key = key;
		this.parent = parent;
		this.isLeaf = isLeaf;
	}
}

function before(a: SortNode, b: SortNode): boolean {
	if (a.share !== b.share) return a.share < b.share;
	if (a.count !== b.count) return a.count < b.count;
	return a.name < b.name;
}

/** Binary search of a sorted sibling array for the node with key (share, count, name); its index or where it would go. */
function indexByKey(ch: readonly SortNode[], share: number, count: number, name: string): number {
	let lo = 0;
	let hi = ch.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		const c = ch[mid]!;
		// Is c before the key?
		const cBefore = c.share !== share ? c.share < share : c.count !== count ? c.count < count : c.name < name;
		if (cBefore) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function adjust(a: Float64Array, q: Scalars, sign: number): void {
	const epsilon = SCALAR_EPSILON;
	for (let r = 0; r < SCALAR_COUNT; r++) {
		const v = a[r]! + sign * q[r]!;
		a[r] = Math.abs(v) < epsilon ? 0 : v;
	}
}

export class DrfSorter implements Sorter {
	readonly kind = "drf";
	readonly #root = new SortNode("", -1, null, false);
	readonly #leaves = new Map<string, SortNode>();
	/**
	 * Weights by role path, kept whether or not the path has a node yet: a node
	 * made later (a parent role's first child, a client added after its weight
	 * was set) takes its weight from here (Mesos DRFSorter::updateWeight/getWeight).
	 */
	readonly #weights = new Map<string, number>();
	/** Leaves by the caller's key (framework or role index), for allocatedKey. */
	readonly #byKey = new Map<number, SortNode>();
	readonly #total = new Float64Array(SCALAR_COUNT);
	readonly #included = new Uint8Array(SCALAR_COUNT).fill(1);
	readonly #hierarchical: boolean;
	#dirty = false;
	/** Bumped by every change that can move or (de)activate a client: a snapshot is reusable while it stays. */
	#version = 0;
	/** Leaves below an inner node: 0 means a flat tree, whose root children are the whole order. */
	#nestedLeaves = 0;
	/** Grown at the first takeSnapshot() (framework sorters never take one). */
	#snapshot = NO_KEYS;
	#snapshotCount = 0;
	#snapshotVersion = -1;

	/** `hierarchical`: split names on "/" (roles); false: flat (frameworks). */
	constructor(hierarchical: boolean, excludedResources: readonly string[] = []) {
		this.#hierarchical = hierarchical;
		for (let r = 0; r < SCALAR_COUNT; r++)
			if (excludedResources.includes(SCALAR_NAMES[r]!)) this.#included[r] = 0;
	}

	has(name: string): boolean {
		return this.#leaves.has(name);
	}

	get size(): number {
		return this.#leaves.size;
	}

	add(name: string, key: number): void {
		if (this.#leaves.has(name)) return;
		this.#version++;
		let parent = this.#root;
		if (this.#hierarchical) {
			const parts = name.split("/");
			let path = "";
			for (let i = 0; i < parts.length - 1; i++) {
				path = path === "" ? parts[i]! : `${path}/${parts[i]}`;
				parent = this.#innerChild(parent, path);
			}
			// A client that already is an inner node becomes its virtual leaf.
			const existing = parent.children.find((c) => c.name === name);
			if (existing !== undefined && !existing.isLeaf) parent = existing;
		}
		const leafName = parent.name === name ? `${name}/.` : name;
		const leaf = new SortNode(leafName, key, parent, true);
		leaf.weight = this.#weights.get(name) ?? 1;
		if (parent !== this.#root) this.#nestedLeaves++;
		this.#insertSorted(parent, leaf);
		this.#leaves.set(name, leaf);
		this.#setKey(key, leaf);
		this.#setActive(leaf, true, true);
	}

	remove(name: string): void {
		const leaf = this.#leaves.get(name);
		if (leaf === undefined) return;
		this.#version++;
		this.#setActive(leaf, false);
		if (this.#byKey.get(leaf.key) === leaf) this.#byKey.delete(leaf.key);
		// A copy: adjusting by leaf.alloc itself would zero it before the ancestors see it.
		this.#adjustAlloc(leaf, leaf.alloc.slice(), -1);
		this.#leaves.delete(name);
		if (leaf.parent !== this.#root) this.#nestedLeaves--;
		let node: SortNode | null = leaf;
		while (node !== null && node !== this.#root) {
			const p: SortNode = node.parent!;
			const i = p.children.indexOf(node);
			if (i >= 0) p.children.splice(i, 1);
			if (p.children.length > 0 || p === this.#root) break;
			node = p;
		}
		// The remaining ancestors' shares went down: move them to their places.
		if (this.#dirty) return;
		for (let n = leaf.parent; n !== null && n !== this.#root; n = n.parent) {
			if (n.parent!.children.indexOf(n) < 0) continue; // removed with the leaf
			const oldShare = n.share;
			n.share = this.#shareOf(n);
			this.#reposition(n, oldShare, n.count);
		}
	}

	/** Active clients are sorted; inactive ones (suppressed) keep their allocation. */
	activate(name: string): void {
		const leaf = this.#leaves.get(name);
		if (leaf !== undefined) this.#setActive(leaf, true);
	}

	deactivate(name: string): void {
		const leaf = this.#leaves.get(name);
		if (leaf !== undefined) this.#setActive(leaf, false);
	}

	isActive(name: string): boolean {
		return this.#leaves.get(name)?.active === true;
	}

	setWeight(name: string, weight: number): void {
		this.#weights.set(name, weight);
		// Weights apply to the role's own node (inner or leaf), if it exists yet.
		const node = this.#nodeAt(name);
		if (node === undefined) return;
		node.weight = weight;
		const leaf = this.#leaves.get(name);
		if (leaf !== undefined && leaf !== node) leaf.weight = weight;
		this.#dirty = true;
		this.#version++;
	}

	/** Cluster totals changed (agent added/removed): every share changes. */
	addTotal(q: Scalars, sign: 1 | -1): void {
		for (let r = 0; r < SCALAR_COUNT; r++) this.#total[r] = this.#total[r]! + sign * q[r]!;
		this.#dirty = true;
		this.#version++;
	}

	/** Adds (sign 1) or removes (-1) an allocation; `countIt` bumps the allocation count. */
	allocated(name: string, q: Scalars, sign: 1 | -1, countIt = sign === 1): void {
		const leaf = this.#leaves.get(name);
		if (leaf !== undefined) this.#allocatedLeaf(leaf, q, sign, countIt);
	}

	/** allocated() of the client added with this key (keys must be unique in the sorter). */
	allocatedKey(key: number, q: Scalars, sign: 1 | -1, countIt = sign === 1): void {
		const leaf = this.#byKey.get(key);
		if (leaf !== undefined) this.#allocatedLeaf(leaf, q, sign, countIt);
	}

	#setKey(key: number, leaf: SortNode): void {
		if (key >= 0) this.#byKey.set(key, leaf);
	}

	#allocatedLeaf(leaf: SortNode, q: Scalars, sign: 1 | -1, countIt: boolean): void {
		this.#version++;
		if (this.#dirty) {
			this.#adjustAlloc(leaf, q, sign);
			if (countIt) for (let n: SortNode | null = leaf; n !== null; n = n.parent) n.count++;
			return;
		}
		// Level by level from the leaf up: each node's new key is complete before it
		// moves among its siblings (whose keys this change does not touch).
		const root = this.#root;
		let n: SortNode = leaf;
		while (n !== root) {
			const oldShare = n.share;
			const oldCount = n.count;
			adjust(n.alloc, q, sign);
			if (countIt) n.count++;
			n.share = this.#shareOf(n);
			this.#reposition(n, oldShare, oldCount);
			n = n.parent!;
		}
		adjust(root.alloc, q, sign);
		if (countIt) root.count++;
	}

	allocationOf(name: string): Float64Array | undefined {
		return this.#leaves.get(name)?.alloc;
	}

	/** Dominant share of a client (weighted), as the sorter orders it. */
	shareOf(name: string): number {
		const leaf = this.#leaves.get(name);
		return leaf === undefined ? 0 : this.#shareOf(leaf);
	}

	/** Weighted share of the node at a role path, inner nodes too ("eng" above "eng/web"); 0 when none. */
	shareOfPath(path: string): number {
		const node = this.#nodeAt(path);
		return node === undefined ? 0 : this.#shareOf(node);
	}

	/** Unweighted dominant share. */
	dominantShare(name: string): number {
		const leaf = this.#leaves.get(name);
		return leaf === undefined ? 0 : this.#shareOf(leaf) * leaf.weight;
	}

	/** Calls fn for every active client in DRF order; stops when fn returns false. */
	forEachActive(fn: (client: SortedClient) => boolean | undefined): void {
		if (this.#dirty) this.#resortAll();
		this.#walk(this.#root, fn);
	}

	/**
	 * Hot-path form of the order, without closures: writes the active clients
	 * into `out` (a buffer the caller reuses) and returns how many there are.
	 */
	fill(out: SortedClient[]): number {
		if (this.#dirty) this.#resortAll();
		const n = this.#fill(this.#root, out, 0);
		out.length = n;
		return n;
	}

	get orderIsLive(): boolean {
		return this.#nestedLeaves === 0;
	}

	/** On a flat tree the live, sorted children of the root (inactive ones included); else fill(scratch). */
	order(scratch: SortedClient[]): readonly SortedClient[] {
		if (this.#nestedLeaves !== 0) {
			this.fill(scratch);
			return scratch;
		}
		if (this.#dirty) this.#resortAll();
		return this.#root.children;
	}

	takeSnapshot(): number {
		if (this.#snapshotVersion === this.#version) return this.#snapshotCount;
		if (this.#dirty) this.#resortAll();
		if (this.#snapshot.length < this.#leaves.size)
			this.#snapshot = new Int32Array(Math.max(64, 2 * this.#leaves.size));
		this.#snapshotCount = this.#fillKeys(this.#root, this.#snapshot, 0);
		this.#snapshotVersion = this.#version;
		return this.#snapshotCount;
	}

	get snapshot(): Int32Array {
		return this.#snapshot;
	}

	#fillKeys(node: SortNode, out: Int32Array, n: number): number {
		const ch = node.children;
		for (let i = 0; i < ch.length; i++) {
			const c = ch[i]!;
			if (c.activeLeaves === 0) continue;
			if (c.isLeaf) out[n++] = c.key;
			else n = this.#fillKeys(c, out, n);
		}
		return n;
	}

	#fill(node: SortNode, out: SortedClient[], n: number): number {
		const ch = node.children;
		for (let i = 0; i < ch.length; i++) {
			const c = ch[i]!;
			if (c.activeLeaves === 0) continue;
			if (c.isLeaf) out[n++] = c;
			else n = this.#fill(c, out, n);
		}
		return n;
	}

	/** Active clients in order (allocates; for tests and cold paths). */
	sort(): SortedClient[] {
		const out: SortedClient[] = [];
		this.forEachActive((c) => {
			out.push(c);
			return true;
		});
		return out;
	}

	#walk(node: SortNode, fn: (client: SortedClient) => boolean | undefined): boolean {
		const ch = node.children;
		for (let i = 0; i < ch.length; i++) {
			const c = ch[i]!;
			if (c.activeLeaves === 0) continue;
			if (c.isLeaf) {
				if (fn(c) === false) return false;
			} else if (!this.#walk(c, fn)) return false;
		}
		return true;
	}

	#shareOf(n: SortNode): number {
		let s = 0;
		const a = n.alloc;
		const t = this.#total;
		for (let r = 0; r < SCALAR_COUNT; r++) {
			const tr = t[r]!;
			if (tr > 0 && this.#included[r] === 1) {
				const x = a[r]! / tr;
				if (x > s) s = x;
			}
		}
		return s / n.weight;
	}

	#adjustAlloc(leaf: SortNode, q: Scalars, sign: number): void {
		for (let n: SortNode | null = leaf; n !== null; n = n.parent) adjust(n.alloc, q, sign);
	}

	#setActive(leaf: SortNode, active: boolean, fresh = false): void {
		if (!fresh && leaf.active === active) return;
		this.#version++;
		leaf.active = active;
		const d = active ? 1 : -1;
		if (fresh) leaf.activeLeaves = 0;
		for (let n: SortNode | null = leaf; n !== null; n = n.parent) n.activeLeaves += d;
	}

	#innerChild(parent: SortNode, path: string): SortNode {
		for (const c of parent.children) {
			if (c.name === path) {
				if (c.isLeaf) {
					// An existing leaf client becomes an inner node with a virtual leaf.
					c.isLeaf = false;
					const v = new SortNode(`${path}/.`, c.key, c, true);
					v.alloc.set(c.alloc);
					v.count = c.count;
					v.weight = c.weight;
					v.active = c.active;
					v.activeLeaves = c.active ? 1 : 0;
					v.share = c.share;
					c.children = [v];
					this.#leaves.set(path, v);
					// The client's leaf moves one level down: nested now if it was at the top.
					if (parent === this.#root) this.#nestedLeaves++;
					if (this.#byKey.get(c.key) === c) this.#byKey.set(c.key, v);
				}
				return c;
			}
		}
		const node = new SortNode(path, -1, parent, false);
		node.weight = this.#weights.get(path) ?? 1;
		this.#insertSorted(parent, node);
		return node;
	}

	/** The node of a path: a client's leaf, or the inner node above others ("eng" above "eng/web", client or not). */
	#nodeAt(path: string): SortNode | undefined {
		if (!this.#hierarchical) return this.#leaves.get(path);
		let node: SortNode | undefined = this.#root;
		let prefix = "";
		for (const part of path.split("/")) {
			prefix = prefix === "" ? part : `${prefix}/${part}`;
			node = node.children.find((c: SortNode) => c.name === prefix);
			if (node === undefined) return undefined;
		}
		return node;
	}

	#insertSorted(parent: SortNode, node: SortNode): void {
		node.share = this.#shareOf(node);
		const ch = parent.children;
		let i = ch.length;
		while (i > 0 && before(node, ch[i - 1]!)) i--;
		ch.splice(i, 0, node);
	}

	/**
	 * Moves a node to its place among its siblings after its key changed from
	 * (oldShare, oldCount, name). The siblings are sorted and keys are unique
	 * (names are), so both the old and the new index are binary searches; the
	 * move itself is one splice out and one in (memmove).
	 */
	#reposition(n: SortNode, oldShare = n.share, oldCount = n.count): void {
		const ch = n.parent!.children;
		const len = ch.length;
		// The client that moves is most often the first (it just got an offer) or the last.
		let i = ch[0] === n ? 0 : ch[len - 1] === n ? len - 1 : indexByKey(ch, oldShare, oldCount, n.name);
		if (ch[i] !== n) i = ch.indexOf(n);
		const left = i > 0 && before(n, ch[i - 1]!);
		if (!left && !(i < len - 1 && before(ch[i + 1]!, n))) return; // still in place
		if (left) {
			if (before(n, ch[0]!)) {
				ch.splice(i, 1);
				ch.unshift(n);
				return;
			}
			// First index j < i with n before ch[j].
			let lo = 0;
			let hi = i - 1;
			while (lo < hi) {
				const mid = (lo + hi) >> 1;
				if (before(n, ch[mid]!)) hi = mid;
				else lo = mid + 1;
			}
			if (i - lo <= 8) {
				for (let k = i; k > lo; k--) ch[k] = ch[k - 1]!;
				ch[lo] = n;
			} else {
				ch.splice(i, 1);
				ch.splice(lo, 0, n);
			}
			return;
		}
		if (before(ch[len - 1]!, n)) {
			// To the end; from the front that is shift() (V8 trims the array's start) and push().
			if (i === 0) ch.shift();
			else ch.splice(i, 1);
			ch.push(n);
			return;
		}
		// Last index j > i with ch[j] before n.
		let lo = i + 1;
		let hi = len - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (before(ch[mid]!, n)) lo = mid;
			else hi = mid - 1;
		}
		if (lo - i <= 8) {
			for (let k = i; k < lo; k++) ch[k] = ch[k + 1]!;
			ch[lo] = n;
		} else {
			ch.splice(i, 1);
			ch.splice(lo, 0, n);
		}
	}

	#resortAll(): void {
		this.#dirty = false;
		const visit = (node: SortNode): void => {
			for (const c of node.children) {
				c.share = this.#shareOf(c);
				if (!c.isLeaf) visit(c);
			}
			node.children.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
		};
		visit(this.#root);
	}
}
