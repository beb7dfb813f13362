/**
 * Engine — the simulated clock and its event queue.
 *
 * Layout: events live in pooled slots (parallel arrays: handler, kind, a, b,
 * generation); the heap orders slot numbers by (time, seq). A handle encodes
 * slot + generation, so cancelling is O(1) lazy deletion: the slot's generation
 * moves on and the stale heap entry is skipped when it surfaces.
 * Invariants: time is an integer number of simulated milliseconds and never
 * goes backwards; equal times run first-in, first-out.
 * Origin: the clock starts at `originMs`, the Unix time (ms) that simulated
 * time 0 stands for: 0 (1970-01-01T00:00:00Z) unless a driver passes one, so
 * reproducible runs keep their times; the live driver passes the wall clock
 * at its start, so every time the system reports (status timestamps,
 * registration times) is a real date. Nothing here reads the wall clock.
 * Hot path: one monomorphic event shape (handler.onEvent(kind, a, b)); the
 * closure form (`timeout`) is for cold paths only.
 * Guarded by: `mesosim bench engine`.
 */
import { EventHeap } from "./heap.js";

/** Anything that receives engine events; `kind` is a small integer of its own. */
export interface EventHandler {
	onEvent(kind: number, a: number, b: number): void;
}

export type TimerHandle = number;

const SLOT_BITS = 4_194_304; // 2^22 slots; handle = generation * SLOT_BITS + slot
const CLOSURE_KIND = -1;

class ClosureHandler implements EventHandler {
	onEvent(): void {}
}
const closureHandler = new ClosureHandler();

export interface EngineOptions {
	/** Unix time in ms at which the clock starts (default 0). A whole number. */
	originMs?: number;
}

export class Engine {
	/** Unix time (ms) the clock started at; `now - originMs` is the time simulated so far. */
	readonly originMs: number;
	#now: number;
	#seq = 0;
	#heap = new EventHeap(4096);
	#handler: EventHandler[] = [];
	#fn: ((() => void) | null)[] = [];
	#kind: number[] = [];
	#a: number[] = [];
	#b: number[] = [];
	#gen: number[] = [];
	#live: boolean[] = [];
	#free: number[] = [];
	#eventsRun = 0;
	#stopped = false;
	/** Called after every event (invariant checks); null when unused. */
	afterEvent: (() => void) | null = null;

	constructor(opts: EngineOptions = {}) {
		const origin = opts.originMs ?? 0;
		if (!Number.isSafeInteger(origin) || origin < 0) {
			throw new RangeError(`engine: originMs must be a whole number of ms >= 0 (got ${origin})`);
		}
		this.originMs = origin;
		this.#now = origin;
	}

	/** Current simulated time in integer milliseconds (Unix time: it starts at originMs). */
	get now(): number {
		return this.#now;
	}

	get eventsRun(): number {
		return this.#eventsRun;
	}

	get pending(): number {
		return this.#heap.size;
	}

	/** Schedules handler.onEvent(kind, a, b) at absolute time `time` (clamped to now). */
	at(time: number, handler: EventHandler, kind: number, a = 0, b = 0): TimerHandle {
		const t = time < this.#now ? this.#now : Math.round(time);
		const slot = this.#alloc();
		this.#handler[slot] = handler;
		this.#kind[slot] = kind;
		this.#a[slot] = a;
		this.#b[slot] = b;
		this.#heap.push(t, this.#seq++, slot);
		return this.#gen[slot]! * SLOT_BITS + slot;
	}

	/** Schedules after `delayMs` of simulated time (rounded to whole ms, never negative). */
	after(delayMs: number, handler: EventHandler, kind: number, a = 0, b = 0): TimerHandle {
		// biome-ignore lint/complexity/useMathMinMax: a NaN delay must become 0, which Math.max would not do
		return this.at(this.#now + (delayMs > 0 ? delayMs : 0), handler, kind, a, b);
	}

	/** Closure form for cold paths (timeline steps, tests). */
	timeout(delayMs: number, fn: () => void): TimerHandle {
		const h = this.after(delayMs, closureHandler, CLOSURE_KIND);
		this.#fn[h % SLOT_BITS] = fn;
		return h;
	}

	/** Cancels a pending event; returns false if it already ran or was cancelled. */
	cancel(handle: TimerHandle): boolean {
		if (handle < 0) return false;
		const slot = handle % SLOT_BITS;
		const gen = Math.floor(handle / SLOT_BITS);
		if (this.#gen[slot] !== gen || !this.#live[slot]) return false;
		// The heap entry stays until it surfaces; only then is the slot reused.
		this.#kill(slot);
		return true;
	}

	isPending(handle: TimerHandle): boolean {
		if (handle < 0) return false;
		const slot = handle % SLOT_BITS;
		return this.#gen[slot] === Math.floor(handle / SLOT_BITS) && this.#live[slot] === true;
	}

	/** Time of the next live event, or Infinity. */
	nextTime(): number {
		this.#skipDead();
		return this.#heap.peekTime();
	}

	/** Runs one event; returns false when the queue is empty. */
	step(): boolean {
		this.#skipDead();
		const heap = this.#heap;
		if (heap.size === 0) return false;
		const t = heap.peekTime();
		const slot = heap.pop();
		this.#now = t;
		const handler = this.#handler[slot]!;
		const kind = this.#kind[slot]!;
		const a = this.#a[slot]!;
		const b = this.#b[slot]!;
		const fn = kind === CLOSURE_KIND ? this.#fn[slot]! : null;
		this.#release(slot);
		this.#eventsRun++;
		if (fn !== null) fn();
		else handler.onEvent(kind, a, b);
		if (this.afterEvent !== null) this.afterEvent();
		return true;
	}

	/** Runs every event with time <= `time`, then moves the clock to `time`. */
	runUntil(time: number): void {
		this.#stopped = false;
		// `step()` is false once the queue is empty (runUntil(Infinity) must end).
		while (!this.#stopped && this.nextTime() <= time && this.step());
		// Whole ms not past the target, so every event at or before `now` has run.
		if (!this.#stopped && time > this.#now && Number.isFinite(time)) this.#now = Math.floor(time);
	}

	/** Makes runUntil return after the current event. */
	stop(): void {
		this.#stopped = true;
	}

	#skipDead(): void {
		const heap = this.#heap;
		while (heap.size > 0 && !this.#live[heap.peekSlot()]) this.#free.push(heap.pop());
	}

	#alloc(): number {
		const slot = this.#free.length > 0 ? this.#free.pop()! : this.#newSlot();
		this.#live[slot] = true;
		return slot;
	}

	#newSlot(): number {
		const slot = this.#gen.length;
		if (slot >= SLOT_BITS) throw new RangeError("engine: more than 4M pending events");
		this.#gen.push(0);
		this.#handler.push(closureHandler);
		this.#fn.push(null);
		this.#kind.push(0);
		this.#a.push(0);
		this.#b.push(0);
		this.#live.push(false);
		return slot;
	}

	#kill(slot: number): void {
		this.#live[slot] = false;
		this.#gen[slot] = this.#gen[slot]! + 1;
		this.#fn[slot] = null;
		this.#handler[slot] = closureHandler;
	}

	#release(slot: number): void {
		this.#kill(slot);
		this.#free.push(slot);
	}
}
