/**
 * The held offers' deadlines (hold policy: receivedAt + holdOffersMs + jitter).
 *
 * Layout: a binary min-heap in two parallel arrays, times and offers.
 * Invariants: an offer may appear more than once (re-held) or be gone from
 * the pool; callers say which entries are live, the rest are dropped when
 * they surface (lazy deletion).
 * Complexity: push and pop O(log n); peek O(1) amortised.
 * Guarded by: test/unit/chameleon-patterns.test.ts (offerHoarder holds) and
 * the chameleon determinism tests.
 */
import type { PoolOffer } from "./patterns/base.js";

export /** A binary min-heap of (time, offer) with lazy deletion. */
class DeadlineHeap {
	#t: number[] = [];
	#po: PoolOffer[] = [];

	clear(): void {
		this.#t = [];
		this.#po = [];
	}

	push(t: number, po: PoolOffer): void {
		const ts = this.#t;
		const ps = this.#po;
		let i = ts.length;
		ts.push(t);
		ps.push(po);
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (ts[parent]! <= t) break;
			ts[i] = ts[parent]!;
			ps[i] = ps[parent]!;
			i = parent;
		}
		ts[i] = t;
		ps[i] = po;
	}

	#pop(): void {
		const ts = this.#t;
		const ps = this.#po;
		const t = ts.pop()!;
		const po = ps.pop()!;
		const n = ts.length;
		if (n === 0) return;
		let i = 0;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			if (c + 1 < n && ts[c + 1]! < ts[c]!) c++;
			if (ts[c]! >= t) break;
			ts[i] = ts[c]!;
			ps[i] = ps[c]!;
			i = c;
		}
		ts[i] = t;
		ps[i] = po;
	}

	/** Earliest time among entries whose offer passes `live` (dropping the others). */
	peek(live: (po: PoolOffer) => boolean): number {
		while (this.#t.length > 0 && !live(this.#po[0]!)) this.#pop();
		return this.#t.length > 0 ? this.#t[0]! : Number.POSITIVE_INFINITY;
	}

	/** Removes and returns the offers of entries due at or before `t` (unique, in order). */
	popUntil(t: number): PoolOffer[] {
		const out: PoolOffer[] = [];
		const seen = new Set<PoolOffer>();
		while (this.#t.length > 0 && this.#t[0]! <= t) {
			const po = this.#po[0]!;
			this.#pop();
			if (!seen.has(po)) {
				seen.add(po);
				out.push(po);
			}
		}
		return out;
	}
}
