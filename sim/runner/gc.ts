/**
 * V8 garbage collection for a process that serves a live master (`mesosim
 * serve`, the load benchmark's master; the benchmark's frameworks take the
 * pretenuring setting too). A live master's work comes in
 * bursts: one offer cycle sends the OFFERS, and hundreds of calls and
 * updates follow within ~50 ms; then it idles until the next cycle. A GC
 * pause inside a burst delays every call still waiting in it, so both
 * settings here keep GC out of the bursts.
 *
 * 1. Allocation-site pretenuring off (LIVE_V8_FLAGS). V8 watches, at each
 *    young-generation GC (scavenge), how many of an allocation site's
 *    objects are still alive; past ~85 % it "pretenures" the site: its
 *    objects are then allocated straight in the old generation. A scavenge
 *    that lands in a burst finds nearly all of that burst's offers, requests
 *    and updates still alive, so V8 pretenured those sites, and from then on
 *    short-lived objects filled the old generation: a major GC every few
 *    seconds (marking steps and a finalizing pause inside the bursts) and
 *    slower scavenges (old objects pointing at young ones must be scanned).
 *    With pretenuring off they die young. V8 reads this flag at every
 *    scavenge, so setting it at run time takes effect
 *    (test/unit/live-gc.test.ts checks).
 *
 * 2. Idle-time scavenges (IdleScavenger). A burst allocates ~10 MB, about
 *    what the young generation holds, so left alone a scavenge lands in most
 *    bursts, copying that burst's live objects (3–12 ms). Once calls have
 *    stopped for a moment, one scavenge of what the last burst left (nearly
 *    all dead: ~1 ms) gives the next burst an empty young generation.
 *
 * Measured with `mesosim bench load` (100 frameworks × 1000 agents,
 * interleaved runs): docs/benchmarks.md, HTTP load.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export const LIVE_V8_FLAGS = ["--no-allocation-site-pretenuring"] as const;

/** Applies LIVE_V8_FLAGS to this process (idempotent). */
export function applyLiveV8Flags(): void {
	for (const f of LIVE_V8_FLAGS) setFlagsFromString(f);
}

type GcFunction = (options?: { type?: "minor" | "major" }) => void;

let exposedGc: GcFunction | null | undefined;

/**
 * V8's gc() (the process's own when started with --expose-gc; otherwise
 * exposed at run time, as a fresh context then carries it; made once), or null.
 */
function v8Gc(): GcFunction | null {
	const own = (globalThis as { gc?: GcFunction }).gc;
	if (typeof own === "function") return own;
	if (exposedGc === undefined) {
		try {
			setFlagsFromString("--expose-gc");
			const gc = runInNewContext("typeof gc === 'function' ? gc : null") as unknown;
			exposedGc = typeof gc === "function" ? (gc as GcFunction) : null;
		} catch {
			exposedGc = null; // no idle-time scavenges then; nothing else changes
		}
	}
	return exposedGc;
}

/** Bytes in use in V8's young generation. */
function youngBytes(): number {
	for (const s of getHeapSpaceStatistics()) if (s.space_name === "new_space") return s.space_used_size;
	return 0;
}

export interface IdleScavengerOptions {
	/** Wall clock in ms. */
	wallNow: () => number;
	/** Quiet time after the last call before a scavenge (default 20 ms). */
	quietMs?: number;
	/** Scavenge only when the young generation holds at least this much (default 2 MiB). */
	minYoungBytes?: number;
	/** Runs a scavenge (default: V8's gc({ type: "minor" })); tests inject one. */
	scavenge?: () => void;
	/** Young generation in use (default: V8's heap statistics); tests inject one. */
	youngBytes?: () => number;
}

/** One scavenge per quiet spell between bursts of calls (see above). */
export class IdleScavenger {
	readonly #wallNow: () => number;
	readonly #quietMs: number;
	readonly #minBytes: number;
	readonly #scavenge: (() => void) | null;
	readonly #youngBytes: () => number;
	#lastCall = Number.NEGATIVE_INFINITY;
	/** Whether this quiet spell was dealt with (scavenged, or too little to scavenge). */
	#settled = true;
	/** Scavenges run. */
	count = 0;

	constructor(opts: IdleScavengerOptions) {
		this.#wallNow = opts.wallNow;
		this.#quietMs = opts.quietMs ?? 20;
		this.#minBytes = opts.minYoungBytes ?? 2 * 1024 * 1024;
		if (opts.scavenge !== undefined) this.#scavenge = opts.scavenge;
		else {
			const gc = v8Gc();
			this.#scavenge = gc === null ? null : () => gc({ type: "minor" });
		}
		this.#youngBytes = opts.youngBytes ?? youngBytes;
	}

	/** A call arrived: the master is in a burst. */
	noteCall(): void {
		this.#lastCall = this.#wallNow();
		this.#settled = false;
	}

	/** From the driver's tick: scavenges once calls have been quiet for quietMs. Returns whether it did. */
	poll(): boolean {
		if (this.#settled || this.#scavenge === null) return false;
		if (this.#wallNow() - this.#lastCall < this.#quietMs) return false;
		this.#settled = true;
		if (this.#youngBytes() < this.#minBytes) return false;
		this.#scavenge();
		this.count++;
		return true;
	}
}
