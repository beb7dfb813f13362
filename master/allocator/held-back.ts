/**
 * HeldBack — per quota role, the agents its limit held back, in the order it
 * first held them back (what a Set per role would iterate), so that they can
 * be revisited when the role's headroom grows.
 *
 * Layout: one Int32Array pool of 16-int chunks shared by every role: [0] next
 * chunk (-1: none), [1] entries used (0..14), [2..15] agent indices; per role
 * one 8-int row (head, tail, count, compactAt, last agent, first cycle). An
 * append writes to the role's tail chunk without a membership test; a repeat
 * of the last agent is dropped (an agent's visit may hold it back for a role
 * several times, through sub-roles), so a list filled within one cycle has no
 * repeats. A list with entries from earlier cycles is compacted to first
 * occurrences when it doubles; it is drained (first occurrences, in order)
 * when the role's headroom grows.
 * Complexity: append O(1) amortized; drain and compaction O(entries).
 * Guarded by: `mesosim bench allocator -b LargeAndSmallQuota`.
 */
import { grownToFit } from "../../common/index.js";

const CHUNK = 16;
const PER_CHUNK = CHUNK - 2;
const ROW = 8;
const HEAD = 0;
const TAIL = 1;
const COUNT = 2;
const COMPACT_AT = 3;
const LAST = 4;
const SINCE = 5;

export class HeldBack {
	#pool = new Int32Array(CHUNK * 256);
	#top = 0;
	#freeChunk = -1;
	#rows = new Int32Array(0);
	#stamp = new Int32Array(1024);
	#gen = 0;
	#cycle = 0;

	/** Makes room for roles 0..n-1. */
	roles(n: number): void {
		const have = this.#rows.length / ROW;
		if (n <= have) return;
		const cap = Math.max(64, 2 * n);
		const rows = new Int32Array(cap * ROW);
		rows.set(this.#rows);
		for (let r = have; r < cap; r++) this.#reset(rows, r * ROW);
		this.#rows = rows;
	}

	/** A new cycle begins; agents up to n-1 may be pushed. */
	startCycle(agents: number): void {
		this.#cycle = (this.#cycle + 1) | 0;
		if (agents > this.#stamp.length) this.#stamp = grownToFit(this.#stamp, agents - 1);
	}

	push(role: number, agent: number): void {
		const rows = this.#rows;
		const r = role * ROW;
		const count = rows[r + COUNT]!;
		if (count > 0 && rows[r + LAST] === agent) return;
		if (count === 0) rows[r + SINCE] = this.#cycle;
		rows[r + LAST] = agent;
		let t = rows[r + TAIL]!;
		if (t < 0 || this.#pool[t * CHUNK + 1] === PER_CHUNK) {
			const n = this.#alloc();
			if (t < 0) rows[r + HEAD] = n;
			else this.#pool[t * CHUNK] = n;
			rows[r + TAIL] = n;
			t = n;
		}
		const p = this.#pool;
		const b = t * CHUNK;
		const u = p[b + 1]!;
		p[b + 2 + u] = agent;
		p[b + 1] = u + 1;
		rows[r + COUNT] = count + 1;
		if (count + 1 >= rows[r + COMPACT_AT]!) {
			// Filled within this cycle: no repeats, nothing to compact.
			if (rows[r + SINCE] === this.#cycle) rows[r + COMPACT_AT] = 2 * (count + 1);
			else this.#compact(r);
		}
	}

	/** Calls fn for each distinct agent held for `role`, in first-occurrence order, and empties the list. */
	drain(role: number, fn: (agent: number) => void): void {
		const rows = this.#rows;
		const r = role * ROW;
		if (r >= rows.length || rows[r + HEAD]! < 0) return;
		this.#gen = (this.#gen + 1) | 0;
		const gen = this.#gen;
		const stamp = this.#stamp;
		const pool = this.#pool;
		for (let c = rows[r + HEAD]!; c >= 0; c = pool[c * CHUNK]!) {
			const b = c * CHUNK;
			const used = pool[b + 1]!;
			for (let i = 0; i < used; i++) {
				const a = pool[b + 2 + i]!;
				if (stamp[a] === gen) continue;
				stamp[a] = gen;
				fn(a);
			}
		}
		this.#freeFrom(rows[r + HEAD]!);
		this.#reset(rows, r);
	}

	#compact(r: number): void {
		const rows = this.#rows;
		this.#gen = (this.#gen + 1) | 0;
		const gen = this.#gen;
		const stamp = this.#stamp;
		const pool = this.#pool;
		// Rewrite in place: the write position never passes the read position.
		let wc = rows[r + HEAD]!;
		let wi = 0;
		let kept = 0;
		for (let c = wc; c >= 0; c = pool[c * CHUNK]!) {
			const b = c * CHUNK;
			const used = pool[b + 1]!;
			for (let i = 0; i < used; i++) {
				const a = pool[b + 2 + i]!;
				if (stamp[a] === gen) continue;
				stamp[a] = gen;
				if (wi === PER_CHUNK) {
					pool[wc * CHUNK + 1] = PER_CHUNK;
					wc = pool[wc * CHUNK]!;
					wi = 0;
				}
				pool[wc * CHUNK + 2 + wi++] = a;
				kept++;
			}
		}
		pool[wc * CHUNK + 1] = wi;
		const rest = pool[wc * CHUNK]!;
		pool[wc * CHUNK] = -1;
		this.#freeFrom(rest);
		rows[r + TAIL] = wc;
		rows[r + COUNT] = kept;
		rows[r + COMPACT_AT] = Math.max(64, 2 * kept);
	}

	#reset(rows: Int32Array, r: number): void {
		rows[r + HEAD] = -1;
		rows[r + TAIL] = -1;
		rows[r + COUNT] = 0;
		rows[r + COMPACT_AT] = 64;
		rows[r + LAST] = -1;
		rows[r + SINCE] = 0;
	}

	/** Puts a chain of chunks back on the free list. */
	#freeFrom(c: number): void {
		const pool = this.#pool;
		while (c >= 0) {
			const next = pool[c * CHUNK]!;
			pool[c * CHUNK] = this.#freeChunk;
			this.#freeChunk = c;
			c = next;
		}
	}

	#alloc(): number {
		let n = this.#freeChunk;
		if (n >= 0) this.#freeChunk = this.#pool[n * CHUNK]!;
		else {
			n = this.#top++;
			if (n * CHUNK >= this.#pool.length) this.#pool = grownToFit(this.#pool, n * CHUNK + CHUNK - 1);
		}
		this.#pool[n * CHUNK] = -1;
		this.#pool[n * CHUNK + 1] = 0;
		return n;
	}
}
