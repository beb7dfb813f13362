/**
 * The floor: the least work an allocation round must do — one pass that reads
 * each candidate agent's free resources (total − offered − allocated, per
 * scalar, from the cluster's struct-of-arrays) and writes one offer record
 * (agent, framework, four quantities) into a preallocated Float64Array.
 * Agents are visited in a pre-shuffled order, as a cycle visits them. The
 * checksum keeps V8 from dropping the work.
 */
import { performance } from "node:perf_hooks";
import type { Cluster } from "../../master/index.js";

const RECORD = 6;
let sink = 0;

export interface FloorResult {
	/** Median cost of the pass per agent, in nanoseconds. */
	nsPerAgent: number;
	passes: number;
}

function pass(cl: Cluster, order: Int32Array, out: Float64Array): number {
	const t0 = cl.total[0]!;
	const t1 = cl.total[1]!;
	const t2 = cl.total[2]!;
	const t3 = cl.total[3]!;
	const o0 = cl.offered[0]!;
	const o1 = cl.offered[1]!;
	const o2 = cl.offered[2]!;
	const o3 = cl.offered[3]!;
	const a0 = cl.allocated[0]!;
	const a1 = cl.allocated[1]!;
	const a2 = cl.allocated[2]!;
	const a3 = cl.allocated[3]!;
	let acc = 0;
	for (let i = 0, w = 0; i < order.length; i++, w += RECORD) {
		const a = order[i]!;
		const c = t0[a]! - o0[a]! - a0[a]!;
		const m = t1[a]! - o1[a]! - a1[a]!;
		const d = t2[a]! - o2[a]! - a2[a]!;
		const g = t3[a]! - o3[a]! - a3[a]!;
		out[w] = a;
		out[w + 1] = i;
		out[w + 2] = c > 1e-9 ? c : 0;
		out[w + 3] = m > 1e-9 ? m : 0;
		out[w + 4] = d > 1e-9 ? d : 0;
		out[w + 5] = g > 1e-9 ? g : 0;
		acc += out[w + 2]!;
	}
	return acc;
}

/** Times the floor pass over `n` agents of `cl` (all of them by default). */
export function measureFloor(cl: Cluster, n: number = cl.size, seed = 12345): FloorResult {
	const count = Math.max(1, Math.min(n, cl.size));
	const order = new Int32Array(count);
	for (let i = 0; i < count; i++) order[i] = i;
	// A seeded Fisher–Yates shuffle (xorshift), so the pass reads agents out of order as a cycle does.
	let x = seed | 1;
	for (let i = count - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		const j = (x >>> 0) % (i + 1);
		const t = order[i]!;
		order[i] = order[j]!;
		order[j] = t;
	}
	const out = new Float64Array(count * RECORD);
	const times: number[] = [];
	// Warm up (JIT), then time passes until there are enough of them.
	for (let i = 0; i < 5; i++) sink += pass(cl, order, out);
	let total = 0;
	while (times.length < 9 || (total < 20 && times.length < 2000)) {
		const t0 = performance.now();
		sink += pass(cl, order, out);
		const dt = performance.now() - t0;
		times.push(dt);
		total += dt;
	}
	times.sort((a, b) => a - b);
	const med = times[times.length >> 1]!;
	if (sink === 42.4242) process.stdout.write("");
	return { nsPerAgent: (med * 1e6) / count, passes: times.length };
}
