/**
 * The Sorter interface: the order in which the allocator offers an agent to
 * roles, and within a role to frameworks (Mesos's src/master/allocator/mesos/
 * sorter/sorter.hpp). Two implementations: `DrfSorter` (sorter/drf.ts) and
 * `RandomSorter` (sorter/random.ts), chosen once per sorter from the master
 * flags `roleSorter` and `frameworkSorter` (`createSorter`, sorter/index.ts).
 *
 * A client is a role (in the role sorter, hierarchical: "eng/web" sits below
 * "eng") or a framework (in a role's framework sorter, flat). The caller
 * attaches a small integer key to each client (role index, framework index)
 * and reads the order back as keys, without string lookups.
 */

export type SorterKind = "drf" | "random";

export interface SortedClient {
	/** Path in the tree (a client that is also an inner node sorts as "<name>/."). */
	readonly name: string;
	/** Index the caller attached (framework index, role index). */
	readonly key: number;
	/** Whether the client takes part in sorting (not suppressed/deactivated). */
	readonly active: boolean;
}

/** A quantity per scalar, in SCALAR_NAMES order. */
export type Scalars = Float64Array | readonly number[];

export interface Sorter {
	readonly kind: SorterKind;
	/** Number of clients, active or not. */
	readonly size: number;
	has(name: string): boolean;
	/** Adds a client (active); `key` must be unique in the sorter (negative: none). */
	add(name: string, key: number): void;
	remove(name: string): void;
	/** Active clients are ordered; inactive ones (suppressed) keep their allocation. */
	activate(name: string): void;
	deactivate(name: string): void;
	isActive(name: string): boolean;
	setWeight(name: string, weight: number): void;
	/** Cluster totals changed (agent added: 1, removed: -1): every share changes. */
	addTotal(q: Scalars, sign: 1 | -1): void;
	/** Adds (sign 1) or removes (-1) an allocation; `countIt` bumps the allocation count. */
	allocated(name: string, q: Scalars, sign: 1 | -1, countIt?: boolean): void;
	/** allocated() of the client added with this key. */
	allocatedKey(key: number, q: Scalars, sign: 1 | -1, countIt?: boolean): void;
	allocationOf(name: string): Float64Array | undefined;
	/** Dominant share of a client, divided by its weight (what DRF orders by). */
	shareOf(name: string): number;
	/** Weighted share of the node at a role path, inner nodes too (cold path: decision records). */
	shareOfPath(path: string): number;
	/** Unweighted dominant share. */
	dominantShare(name: string): number;

	/** Active clients in order (allocates: tests and cold paths). */
	sort(): SortedClient[];
	/**
	 * The clients in order for one pass (hot path, no allocation): read
	 * `length` entries and skip the inactive ones. Either the sorter's live
	 * array (when `orderIsLive`) or `scratch`, a buffer the caller owns and
	 * reuses, filled with the active clients. Valid until the sorter changes.
	 */
	order(scratch: SortedClient[]): readonly SortedClient[];
	/**
	 * Whether order() returns the live order, in which a client whose
	 * allocation grows moves only towards the end while the others keep their
	 * relative order (DRF on a flat tree). The allocator then walks it instead
	 * of taking a snapshot per agent.
	 */
	readonly orderIsLive: boolean;
	/**
	 * Takes a snapshot of the active clients' keys in order into `snapshot`
	 * (which later changes of the sorter do not touch) and returns how many
	 * there are. DRF reuses its last snapshot while the order is unchanged.
	 * Valid until the next call.
	 */
	takeSnapshot(): number;
	readonly snapshot: Int32Array;
}
