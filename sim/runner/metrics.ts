/**
 * Run metrics collected from master observer hooks and periodic samples on
 * the simulated clock: per-framework task states (each task counted once per
 * state), dominant shares and utilisation over time.
 */

import type { EventHandler } from "../../engine/index.js";
import type { Event } from "../../master/index.js";
import type { Simulation } from "./build.js";

export interface FrameworkSeries {
	/** task id -> bitmask of states already counted */
	seen: Map<string, number>;
	byState: Record<string, number>;
	shareSum: number;
	shareSamples: number;
}

const STATE_BIT: Record<string, number> = {
	TASK_STAGING: 1,
	TASK_STARTING: 2,
	TASK_RUNNING: 4,
	TASK_KILLING: 8,
	TASK_FINISHED: 16,
	TASK_FAILED: 32,
	TASK_KILLED: 64,
	TASK_ERROR: 128,
	TASK_LOST: 256,
	TASK_DROPPED: 512,
	TASK_UNREACHABLE: 1024,
	TASK_GONE: 2048,
	TASK_GONE_BY_OPERATOR: 4096,
	TASK_UNKNOWN: 8192,
};

/** At most this many points are kept per series (every other one is dropped when full). */
const MAX_POINTS = 120;

export class RunMetrics implements EventHandler {
	/** Sampled series: simulated time, utilisation, and shares by framework index. */
	readonly tMs: number[] = [];
	readonly cpus: number[] = [];
	readonly mem: number[] = [];
	readonly shares = new Map<number, number[]>();
	#keepEvery = 1;
	#sampleNo = 0;
	readonly byFramework = new Map<number, FrameworkSeries>();
	cpuUtilSum = 0;
	memUtilSum = 0;
	samples = 0;
	readonly #sim: Simulation;
	readonly #sampleMs: number;

	constructor(sim: Simulation) {
		this.#sim = sim;
		this.#sampleMs = Math.min(60_000, Math.max(1000, Math.round(sim.scenario.durationMs / 1000)));
		const prev = sim.master.observer;
		sim.master.observer = {
			...prev,
			eventSent: (fw, e) => {
				this.#onEvent(fw.idx, e);
				prev.eventSent?.(fw, e);
			},
		};
		sim.engine.after(this.#sampleMs, this, 0);
	}

	series(fwIdx: number): FrameworkSeries {
		let s = this.byFramework.get(fwIdx);
		if (s === undefined) {
			s = { seen: new Map(), byState: {}, shareSum: 0, shareSamples: 0 };
			this.byFramework.set(fwIdx, s);
		}
		return s;
	}

	#onEvent(fwIdx: number, e: Event): void {
		if (e.type !== "UPDATE") return;
		const st = e.update.status;
		const s = this.series(fwIdx);
		const bit = STATE_BIT[st.state] ?? 0;
		const id = st.task_id.value;
		const mask = s.seen.get(id) ?? 0;
		if ((mask & bit) !== 0) return;
		s.seen.set(id, mask | bit);
		s.byState[st.state] = (s.byState[st.state] ?? 0) + 1;
	}

	onEvent(): void {
		this.sample();
		this.#sim.engine.after(this.#sampleMs, this, 0);
	}

	/** One sample of utilisation and shares (also taken at the end of the run). */
	sample(): void {
		const m = this.#sim.master;
		const u = this.utilization();
		this.cpuUtilSum += u.cpus;
		this.memUtilSum += u.mem;
		this.samples++;
		const keep = this.#sampleNo++ % this.#keepEvery === 0;
		if (keep) {
			this.tMs.push(this.#sim.engine.now);
			this.cpus.push(u.cpus);
			this.mem.push(u.mem);
		}
		for (const fw of m.frameworks) {
			const s = this.series(fw.idx);
			const share = fw.removed ? 0 : m.dominantShare(fw);
			s.shareSum += share;
			s.shareSamples++;
			if (keep) {
				let points = this.shares.get(fw.idx);
				if (points === undefined) {
					// A framework that arrives late has no share before it.
					points = new Array<number>(this.tMs.length - 1).fill(0);
					this.shares.set(fw.idx, points);
				}
				points.push(share);
			}
		}
		if (keep && this.tMs.length >= MAX_POINTS) this.#halve();
	}

	/** Keeps every other point and samples half as often from now on. */
	#halve(): void {
		const odd = (_: number, i: number) => i % 2 === 0;
		const t = this.tMs.filter(odd);
		this.tMs.length = 0;
		this.tMs.push(...t);
		for (const arr of [this.cpus, this.mem, ...this.shares.values()]) {
			const kept = arr.filter(odd);
			arr.length = 0;
			arr.push(...kept);
		}
		this.#keepEvery *= 2;
	}

	/** Allocated (used by tasks) over total, for the agents in the allocator. */
	utilization(): { cpus: number; mem: number } {
		const cl = this.#sim.master.cluster;
		const total = this.#sim.master.allocator.total;
		let cpus = 0;
		let mem = 0;
		for (let a = 0; a < cl.size; a++) {
			cpus += cl.allocated[0]![a]!;
			mem += cl.allocated[1]![a]!;
		}
		return { cpus: total[0]! > 0 ? cpus / total[0]! : 0, mem: total[1]! > 0 ? mem / total[1]! : 0 };
	}
}
