/**
 * FilterExpiry — when offer filters run out, so that their agents become
 * candidates again at the next cycle.
 *
 * Layout: one bucket (an AgentList) of agents per distinct expiry time; the
 * times in an EventHeap of (time, seq, bucket); a Map from time to bucket;
 * emptied buckets are reused.
 * Invariants: every time in the map is in the heap exactly once; a bucket
 * keeps its agents in the order their filters were made, so draining the
 * buckets in time order gives the same order as one (time, seq) heap entry
 * per filter.
 * Complexity: add O(1) for a known time, O(log times) for a new one; a
 * cycle's drain O(expired filters + expired times × log times).
 * Guarded by: `mesosim bench allocator` (DeclineOffers makes a filter per offer).
 */

import { grownToFit } from "../../common/index.js";
import { EventHeap } from "../../engine/index.js";
import type { CandidateAgents } from "./candidates.js";

export class FilterExpiry {
	readonly #times = new EventHeap(256);
	#seq = 0;
	readonly #bucketOf = new Map<number, number>();
	readonly #buckets: AgentList[] = [];
	readonly #freeBuckets: number[] = [];

	/** A filter on `agent` runs out at `expiresAt`. */
	add(agent: number, expiresAt: number): void {
		let b = this.#bucketOf.get(expiresAt);
		if (b === undefined) {
			const reused = this.#freeBuckets.pop();
			b = reused ?? this.#buckets.push(new AgentList()) - 1;
			this.#bucketOf.set(expiresAt, b);
			this.#times.push(expiresAt, this.#seq++, b);
		}
		this.#buckets[b]!.push(agent);
	}

	/** Marks as candidates the agents whose filters ran out by `now`. */
	release(now: number, candidates: CandidateAgents): void {
		const times = this.#times;
		while (times.size > 0 && times.peekTime() <= now) {
			this.#bucketOf.delete(times.peekTime());
			const b = times.pop();
			const list = this.#buckets[b]!;
			for (let i = 0; i < list.length; i++) candidates.mark(list.at(i));
			list.clear();
			this.#freeBuckets.push(b);
		}
	}
}

/** A growable list of agent indices in an Int32Array (4 bytes an entry). */
class AgentList {
	#items = new Int32Array(16);
	length = 0;

	push(agent: number): void {
		if (this.length === this.#items.length) this.#items = grownToFit(this.#items, this.length);
		this.#items[this.length++] = agent;
	}

	at(i: number): number {
		return this.#items[i]!;
	}

	clear(): void {
		this.length = 0;
		if (this.#items.length > 4096) this.#items = new Int32Array(16);
	}
}
