/**
 * MinAllocatable — Mesos's --min_allocatable_resources: resources are
 * offered only if they hold at least one of the configured quantity sets
 * (a framework may set its own per role, FrameworkInfo.offer_filters).
 * Mesos: hierarchical.cpp, allocatable().
 *
 * Layout: each list of sets compiled once into a CompiledSets (need per set
 * and scalar in one Float64Array, -Infinity where the set names nothing),
 * cached by the list's identity: the flags' default and each framework's
 * per-role lists are replaced, never mutated. The last list asked for is
 * checked first (consecutive checks usually share it). Within one visit of
 * a role on an agent the offerable resources stay the same, so the answer for
 * the default sets is worked out once per visit and shared by the frameworks
 * that use them.
 * Invariants: a set that needs more than SCALAR_EPSILON of a resource that
 * is not a scalar (ports, or a name we do not model) never passes.
 * Complexity: O(sets × scalars) per visit, and per framework with sets of its
 * own; compiling O(sets × names), once per list.
 * Guarded by: `mesosim bench allocator`.
 */
import type { Range } from "../protocol/messages.js";
import { SCALAR_COUNT, SCALAR_NAMES } from "../protocol/resources.js";
import { SCALAR_EPSILON } from "../quantity.js";
import type { FrameworkRecord } from "../records.js";

/** One min_allocatable list: any one of these quantity sets suffices. */
export type MinAllocatableSets = readonly Partial<Record<string, number>>[];

interface CompiledSets {
	count: number;
	/** need[s * SCALAR_COUNT + k]: set s needs this much of scalar k (-Infinity: nothing). */
	need: Float64Array;
	/** Set s names a non-scalar resource with a positive need: it never passes. */
	neverPasses: Uint8Array;
}

export class MinAllocatable {
	readonly #defaultSets: MinAllocatableSets;
	readonly #compiled = new WeakMap<object, CompiledSets>();
	#lastSets: MinAllocatableSets | null = null;
	#lastCompiled: CompiledSets | null = null;
	/** For the current visit: whether anything is offerable, and the default sets' answer. */
	#anyOfferable = false;
	#defaultAnswer = false;
	#offerable: Float64Array | null = null;

	/** `defaultSets`: the master flag, for frameworks that set none for the role. */
	constructor(defaultSets: MinAllocatableSets) {
		this.#defaultSets = defaultSets;
	}

	/**
	 * Starts the checks of one visit of a role on an agent: allows() then
	 * judges these `offerable` scalars and `ports` until the next call (the
	 * caller does not change them meanwhile). The default sets' answer is
	 * worked out here, once per visit, not per framework.
	 */
	startVisit(offerable: Float64Array, ports: readonly Range[]): void {
		let any = ports.length > 0;
		for (let k = 0; k < SCALAR_COUNT; k++) if (offerable[k]! > 0) any = true;
		this.#anyOfferable = any;
		this.#offerable = offerable;
		this.#defaultAnswer = any && this.#holdsOneOf(this.#defaultSets, offerable);
	}

	/** Whether `fw` (in `role`) may be offered the visit's resources (startVisit). Small, to inline. */
	allows(fw: FrameworkRecord, role: number): boolean {
		const own = fw.minAllocatable;
		return own.size === 0 ? this.#defaultAnswer : this.#allowsOwn(own, role);
	}

	/** allows() for a framework with min_allocatable sets of its own (for some role). */
	#allowsOwn(own: ReadonlyMap<number, MinAllocatableSets>, role: number): boolean {
		const sets = own.get(role);
		if (sets === undefined || sets === this.#defaultSets) return this.#defaultAnswer;
		return this.#anyOfferable && this.#holdsOneOf(sets, this.#offerable!);
	}

	/** Whether `offerable` holds at least one of the sets (an empty list: yes). */
	#holdsOneOf(sets: MinAllocatableSets, offerable: Float64Array): boolean {
		if (sets.length === 0) return true;
		const c = this.#compile(sets);
		const need = c.need;
		const epsilon = SCALAR_EPSILON;
		for (let s = 0, base = 0; s < c.count; s++, base += SCALAR_COUNT) {
			if (c.neverPasses[s] === 1) continue;
			let ok = true;
			for (let k = 0; k < SCALAR_COUNT; k++) {
				if (offerable[k]! + epsilon < need[base + k]!) {
					ok = false;
					break;
				}
			}
			if (ok) return true;
		}
		return false;
	}

	#compile(sets: MinAllocatableSets): CompiledSets {
		if (sets === this.#lastSets) return this.#lastCompiled!;
		let c = this.#compiled.get(sets);
		if (c === undefined) {
			c = {
				count: sets.length,
				need: new Float64Array(sets.length * SCALAR_COUNT).fill(Number.NEGATIVE_INFINITY),
				neverPasses: new Uint8Array(sets.length),
			};
			for (let s = 0; s < sets.length; s++) {
				const set = sets[s]!;
				for (const name in set) {
					const k = SCALAR_NAMES.indexOf(name as (typeof SCALAR_NAMES)[number]);
					const need = Number(set[name]);
					if (k >= 0) c.need[s * SCALAR_COUNT + k] = need;
					else if (SCALAR_EPSILON < need) c.neverPasses[s] = 1;
				}
			}
			this.#compiled.set(sets, c);
		}
		this.#lastSets = sets;
		this.#lastCompiled = c;
		return c;
	}
}
