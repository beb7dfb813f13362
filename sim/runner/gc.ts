/**
 * V8 settings for a process that serves a live master (`mesosim serve`, the
 * load benchmark's master): allocation-site pretenuring off.
 *
 * V8 watches, at each young-generation GC (scavenge), how many of an
 * allocation site's objects are still alive; past ~85 % it "pretenures" the
 * site: its objects are then allocated straight in the old generation. A live
 * master's work comes in bursts: one offer cycle sends the OFFERS, and
 * hundreds of calls and updates follow within ~50 ms. A scavenge that lands
 * in a burst finds nearly all of that burst's offers, requests and updates
 * still alive, so V8 pretenures those sites, and from then on short-lived
 * objects fill the old generation: a major GC every few seconds (marking
 * steps and a finalizing pause inside the bursts) and slower scavenges (old
 * objects pointing at young ones must be scanned). With pretenuring off they
 * die young. `mesosim bench load` (100 frameworks × 1000 agents, interleaved
 * runs): p99 call latency −15 to −20 ms, master CPU −10 %; docs/benchmarks.md.
 *
 * V8 reads this flag at every scavenge, so setting it at run time takes
 * effect (test/unit/live-gc.test.ts checks); it changes nothing else.
 */
import { setFlagsFromString } from "node:v8";

export const LIVE_V8_FLAGS = ["--no-allocation-site-pretenuring"] as const;

/** Applies LIVE_V8_FLAGS to this process (idempotent). */
export function applyLiveV8Flags(): void {
	for (const f of LIVE_V8_FLAGS) setFlagsFromString(f);
}
