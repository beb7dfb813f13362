/**
 * WallClockEngine — the Engine interface on the wall clock, for frameworks
 * that run as their own process against a live master (`mesosim chameleon`,
 * the load benchmark, the HTTP client tests).
 *
 * The SchedulerDriver and the frameworks take their time and timers from an
 * Engine (FrameworkContext.now/after/cancel); in a simulation that clock is
 * simulated. Here `now` is whole wall milliseconds since the engine was made
 * and every timer is a real setTimeout, so the same driver and framework code
 * runs unchanged in real time. `speed` scales it (simulated ms per wall ms),
 * to match a master started with `mesosim serve --speed X`.
 *
 * This lives in sim/ (the driver layer), not under frameworks/ or engine,
 * which must stay free of the wall clock (test/unit/no-wall-clock.test.ts).
 * step(), runUntil() and nextTime() have nothing to run: timers fire by
 * themselves on Node's event loop.
 */
import { performance } from "node:perf_hooks";
import { Engine, type EventHandler, type TimerHandle } from "../../engine/index.js";

export interface WallClockEngineOptions {
	/** Simulated ms per wall ms (default 1). */
	speed?: number;
	/** The wall clock in ms (tests may inject one; default performance.now). */
	wallNow?: () => number;
	/** Keep timers from holding the process open (default false). */
	unref?: boolean;
}

/** setTimeout's longest delay (2^31 - 1 ms); longer ones would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

interface Timer {
	id: NodeJS.Timeout;
	/** Absolute time it fires, in engine ms. */
	at: number;
}

export class WallClockEngine extends Engine {
	readonly speed: number;
	readonly #wallNow: () => number;
	readonly #start: number;
	readonly #unref: boolean;
	readonly #timers = new Map<TimerHandle, Timer>();
	#next: TimerHandle = 1;
	#ran = 0;

	constructor(opts: WallClockEngineOptions = {}) {
		super();
		const speed = opts.speed ?? 1;
		if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be > 0 (got ${speed})`);
		this.speed = speed;
		this.#wallNow = opts.wallNow ?? (() => performance.now());
		this.#start = this.#wallNow();
		this.#unref = opts.unref ?? false;
	}

	/** Whole ms since the engine was made (× speed). */
	override get now(): number {
		return Math.floor((this.#wallNow() - this.#start) * this.speed);
	}

	override get eventsRun(): number {
		return this.#ran;
	}

	override get pending(): number {
		return this.#timers.size;
	}

	override at(time: number, handler: EventHandler, kind: number, a = 0, b = 0): TimerHandle {
		return this.#schedule(time, () => handler.onEvent(kind, a, b));
	}

	override after(delayMs: number, handler: EventHandler, kind: number, a = 0, b = 0): TimerHandle {
		return this.at(this.now + (Math.max(0, delayMs) || 0), handler, kind, a, b);
	}

	override timeout(delayMs: number, fn: () => void): TimerHandle {
		return this.#schedule(this.now + (Math.max(0, delayMs) || 0), fn);
	}

	override cancel(handle: TimerHandle): boolean {
		const t = this.#timers.get(handle);
		if (t === undefined) return false;
		clearTimeout(t.id);
		this.#timers.delete(handle);
		return true;
	}

	override isPending(handle: TimerHandle): boolean {
		return this.#timers.has(handle);
	}

	/** Time of the earliest pending timer, or Infinity. */
	override nextTime(): number {
		let min = Number.POSITIVE_INFINITY;
		for (const t of this.#timers.values()) if (t.at < min) min = t.at;
		return min;
	}

	/** Nothing to step: timers run on Node's event loop. */
	override step(): boolean {
		return false;
	}

	override runUntil(_time: number): void {}

	override stop(): void {}

	/** Cancels every pending timer (shutdown). */
	cancelAll(): void {
		for (const t of this.#timers.values()) clearTimeout(t.id);
		this.#timers.clear();
	}

	#schedule(time: number, fn: () => void): TimerHandle {
		const handle = this.#next++;
		const t: Timer = { id: null as unknown as NodeJS.Timeout, at: Math.round(time) };
		this.#timers.set(handle, t);
		this.#arm(handle, t, fn);
		return handle;
	}

	/** setTimeout for the time left; delays past Node's limit (~24.8 days) are chained. */
	#arm(handle: TimerHandle, t: Timer, fn: () => void): void {
		const wallDelay = Math.max(0, (t.at - this.now) / this.speed);
		const capped = wallDelay > MAX_TIMEOUT_MS;
		t.id = setTimeout(
			() => {
				if (this.#timers.get(handle) !== t) return;
				if (capped) {
					this.#arm(handle, t, fn);
					return;
				}
				this.#timers.delete(handle);
				this.#ran++;
				fn();
				this.afterEvent?.();
			},
			capped ? MAX_TIMEOUT_MS : wallDelay,
		);
		if (this.#unref) t.id.unref();
	}
}
