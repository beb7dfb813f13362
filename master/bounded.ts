/**
 * A list that keeps only the newest `limit` entries (completed tasks and
 * frameworks, unreachable tasks). Trimming is amortised: the array may hold up
 * to twice the limit, but only the newest `limit` are ever seen, by any method.
 */
export class BoundedList<T> {
	readonly limit: number;
	#items: T[] = [];

	constructor(limit: number) {
		this.limit = Math.max(0, limit);
	}

	push(item: T): void {
		if (this.limit === 0) return;
		this.#items.push(item);
		if (this.#items.length > this.limit * 2) this.#items = this.#items.slice(this.#items.length - this.limit);
	}

	/** Newest `limit` items, oldest first. */
	items(): T[] {
		const n = this.#items.length;
		return n > this.limit ? this.#items.slice(n - this.limit) : this.#items.slice();
	}

	get size(): number {
		return Math.min(this.#items.length, this.limit);
	}

	/** The newest item that matches. */
	find(pred: (t: T) => boolean): T | undefined {
		const items = this.items();
		for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return items[i];
		return undefined;
	}

	/** Removes the matching items; `pred` sees only items the list still keeps. */
	removeWhere(pred: (t: T) => boolean): void {
		this.#items = this.items().filter((t) => !pred(t));
	}
}
