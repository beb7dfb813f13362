/** A list that keeps only the newest `limit` entries (completed tasks/frameworks). */
export class BoundedList<T> {
	readonly limit: number;
	#items: T[] = [];
	#dropped = 0;

	constructor(limit: number) {
		this.limit = Math.max(0, limit);
	}

	push(item: T): void {
		if (this.limit === 0) {
			this.#dropped++;
			return;
		}
		this.#items.push(item);
		if (this.#items.length > this.limit * 2) {
			const cut = this.#items.length - this.limit;
			this.#items = this.#items.slice(cut);
			this.#dropped += cut;
		}
	}

	/** Newest `limit` items, oldest first. */
	items(): T[] {
		const n = this.#items.length;
		return n > this.limit ? this.#items.slice(n - this.limit) : this.#items.slice();
	}

	get size(): number {
		return Math.min(this.#items.length, this.limit);
	}

	find(pred: (t: T) => boolean): T | undefined {
		const items = this.items();
		for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return items[i];
		return undefined;
	}

	removeWhere(pred: (t: T) => boolean): void {
		this.#items = this.#items.filter((t) => !pred(t));
	}
}
