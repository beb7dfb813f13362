/**
 * RandomSorter — the clients in a random order, drawn afresh for every pass
 * (Mesos's --role_sorter=random / --framework_sorter=random).
 *
 * Layout: a DrfSorter holds the clients, their activity, weights and
 * allocations (the shares are still reported: metrics read them); its order
 * is where each shuffle starts, so a seed's runs depend on nothing else. A
 * pass fills the active clients into the caller's buffer and shuffles them
 * (Fisher–Yates) with the allocator's random stream.
 * Invariants: the draws are exactly one shuffle of the active clients per
 * order() or takeSnapshot() call, in the order the allocator makes them.
 * Complexity: O(active clients) per pass, plus the DRF bookkeeping.
 * Guarded by: `mesosim bench allocator -b LargeAndSmallQuota --variant random`.
 *
 * Mesos: src/master/allocator/mesos/sorter/random/sorter.cpp, which shuffles
 * with probabilities proportional to the weights; this one shuffles uniformly
 * (weights do not change the order).
 */
import type { Rng } from "../../../engine/index.js";
import { DrfSorter } from "./drf.js";
import type { Scalars, SortedClient, Sorter } from "./types.js";

export class RandomSorter implements Sorter {
	readonly kind = "random";
	/** A random order is never the live order: the allocator snapshots it per agent. */
	readonly orderIsLive = false;
	readonly #clients: DrfSorter;
	readonly #rng: Rng;
	#snapshot = new Int32Array(64);

	/** `hierarchical`: split names on "/" (roles); false: flat (frameworks). */
	constructor(hierarchical: boolean, excludedResources: readonly string[], rng: Rng) {
		this.#clients = new DrfSorter(hierarchical, excludedResources);
		this.#rng = rng;
	}

	get size(): number {
		return this.#clients.size;
	}

	has(name: string): boolean {
		return this.#clients.has(name);
	}

	add(name: string, key: number): void {
		this.#clients.add(name, key);
	}

	remove(name: string): void {
		this.#clients.remove(name);
	}

	activate(name: string): void {
		this.#clients.activate(name);
	}

	deactivate(name: string): void {
		this.#clients.deactivate(name);
	}

	isActive(name: string): boolean {
		return this.#clients.isActive(name);
	}

	setWeight(name: string, weight: number): void {
		this.#clients.setWeight(name, weight);
	}

	addTotal(q: Scalars, sign: 1 | -1): void {
		this.#clients.addTotal(q, sign);
	}

	allocated(name: string, q: Scalars, sign: 1 | -1, countIt = sign === 1): void {
		this.#clients.allocated(name, q, sign, countIt);
	}

	allocatedKey(key: number, q: Scalars, sign: 1 | -1, countIt = sign === 1): void {
		this.#clients.allocatedKey(key, q, sign, countIt);
	}

	allocationOf(name: string): Float64Array | undefined {
		return this.#clients.allocationOf(name);
	}

	shareOfPath(path: string): number {
		return this.#clients.shareOfPath(path);
	}

	shareOf(name: string): number {
		return this.#clients.shareOf(name);
	}

	dominantShare(name: string): number {
		return this.#clients.dominantShare(name);
	}

	/** A fresh shuffle of the active clients (draws from the stream). */
	sort(): SortedClient[] {
		const out: SortedClient[] = [];
		this.order(out);
		return out;
	}

	order(scratch: SortedClient[]): readonly SortedClient[] {
		const n = this.#clients.fill(scratch);
		this.#rng.shuffle(scratch, n);
		return scratch;
	}

	takeSnapshot(): number {
		const n = this.#clients.takeSnapshot();
		const from = this.#clients.snapshot;
		if (this.#snapshot.length < n) this.#snapshot = new Int32Array(2 * n);
		const keys = this.#snapshot;
		for (let i = 0; i < n; i++) keys[i] = from[i]!;
		this.#rng.shuffle(keys, n);
		return n;
	}

	get snapshot(): Int32Array {
		return this.#snapshot;
	}
}
