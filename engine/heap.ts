/**
 * EventHeap — a binary min-heap of (time, seq, slot) in struct-of-arrays form.
 *
 * Layout: three parallel typed arrays (Float64 time, Float64 seq, Int32 slot),
 * grown by doubling. No object per entry, so pushing and popping allocates
 * nothing once the arrays are large enough.
 * Invariant: entry i is <= its children in (time, seq) order; seq is unique and
 * increasing, so equal times pop first-in, first-out.
 * Complexity: push and pop O(log n); peek O(1).
 * Guarded by: `mesosim bench engine` and test/unit/heap.test.ts (property vs sort).
 */
export class EventHeap {
	#time: Float64Array;
	#seq: Float64Array;
	#slot: Int32Array;
	#size = 0;

	constructor(capacity = 1024) {
		this.#time = new Float64Array(capacity);
		this.#seq = new Float64Array(capacity);
		this.#slot = new Int32Array(capacity);
	}

	get size(): number {
		return this.#size;
	}

	push(time: number, seq: number, slot: number): void {
		if (this.#size === this.#time.length) this.#grow();
		const t = this.#time;
		const s = this.#seq;
		const sl = this.#slot;
		let i = this.#size++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			const pt = t[p]!;
			if (pt < time || (pt === time && s[p]! < seq)) break;
			t[i] = pt;
			s[i] = s[p]!;
			sl[i] = sl[p]!;
			i = p;
		}
		t[i] = time;
		s[i] = seq;
		sl[i] = slot;
	}

	/** Time of the earliest entry; Infinity when empty. */
	peekTime(): number {
		return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#time[0]!;
	}

	peekSlot(): number {
		return this.#size === 0 ? -1 : this.#slot[0]!;
	}

	/** Removes the earliest entry and returns its slot (-1 when empty). */
	pop(): number {
		if (this.#size === 0) return -1;
		const t = this.#time;
		const s = this.#seq;
		const sl = this.#slot;
		const top = sl[0]!;
		const n = --this.#size;
		if (n > 0) {
			const lt = t[n]!;
			const ls = s[n]!;
			const lsl = sl[n]!;
			let i = 0;
			const half = n >> 1;
			while (i < half) {
				let c = 2 * i + 1;
				const r = c + 1;
				if (r < n && (t[r]! < t[c]! || (t[r] === t[c] && s[r]! < s[c]!))) c = r;
				if (lt < t[c]! || (lt === t[c] && ls < s[c]!)) break;
				t[i] = t[c]!;
				s[i] = s[c]!;
				sl[i] = sl[c]!;
				i = c;
			}
			t[i] = lt;
			s[i] = ls;
			sl[i] = lsl;
		}
		return top;
	}

	#grow(): void {
		const cap = this.#time.length * 2;
		const t = new Float64Array(cap);
		t.set(this.#time);
		const s = new Float64Array(cap);
		s.set(this.#seq);
		const sl = new Int32Array(cap);
		sl.set(this.#slot);
		this.#time = t;
		this.#seq = s;
		this.#slot = sl;
	}
}
