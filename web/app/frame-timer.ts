/**
 * Frame times of the page, for the dashboard benchmark (test/browser/bench.ts).
 *
 * One live update is a binary map frame followed by a JSON update. For each:
 * - `update`: wall ms from the arrival of its first message (the map frame, or
 *   the JSON update when no map frame came) to the end of handling the JSON
 *   update (store, tables, charts, feed, map draw);
 * - `render`: wall ms of the browser's style, layout and paint of the next
 *   frame after it, taken from a requestAnimationFrame callback (which runs
 *   just before style and layout) to a message posted from it (which runs once
 *   the frame is painted);
 * - `frame`: update + render, the main thread's work to show the update.
 * The last 1000 of each are kept.
 */
const KEPT = 1000;

function keep(xs: number[], x: number): void {
	xs.push(x);
	if (xs.length > KEPT) xs.shift();
}

export class FrameTimer {
	readonly update: number[] = [];
	readonly render: number[] = [];
	readonly frame: number[] = [];
	/** performance.now() at the arrival of the current update's first message, or -1. */
	#arrived = -1;
	readonly #afterPaint = new MessageChannel();
	#renderStart = -1;
	#pendingUpdateMs = -1;

	constructor() {
		this.#afterPaint.port1.onmessage = () => {
			const render = performance.now() - this.#renderStart;
			keep(this.render, render);
			keep(this.frame, this.#pendingUpdateMs + render);
			this.#pendingUpdateMs = -1;
		};
	}

	/** A message of an update arrived at `at` (performance.now() on entering its handler). */
	arrived(at: number): void {
		if (this.#arrived < 0) this.#arrived = at;
	}

	/** What arrived was not an update (the snapshot on connect): not timed. */
	discard(): void {
		this.#arrived = -1;
	}

	/** The update's last message is handled: times it and the frame that shows it. */
	handled(): void {
		if (this.#arrived < 0) return;
		const ms = performance.now() - this.#arrived;
		this.#arrived = -1;
		keep(this.update, ms);
		// Two updates before one frame (a busy page): the frame shows both; count it once.
		const waiting = this.#pendingUpdateMs >= 0;
		this.#pendingUpdateMs = Math.max(this.#pendingUpdateMs, 0) + ms;
		if (waiting) return;
		requestAnimationFrame(() => {
			this.#renderStart = performance.now();
			this.#afterPaint.port2.postMessage(null);
		});
	}

	clear(): void {
		this.update.length = 0;
		this.render.length = 0;
		this.frame.length = 0;
	}
}
