/**
 * Run metrics collected from master observer hooks and periodic samples on
 * the simulated clock: per-framework task states, dominant shares and
 * utilisation over time, and the timeline (per-interval offers and tasks).
 *
 * Task counts come in three kinds, each under its own name in the report:
 * - `reached`: tasks that reached a state at least once (first time per task),
 *   from the status updates sent to the framework;
 * - `byState`: tasks in each state now (every task in exactly one state);
 * - `transitions`: how many times a task entered each state (from taskChanged).
 */

import type { EventHandler } from "../../engine/index.js";
import type { Event, FrameworkRecord, TaskRecord, TaskState } from "../../master/index.js";
import { SCALAR_NAMES } from "../../master/index.js";
import type { Timeline } from "../report/types.js";
import type { FrameworkHandle, Simulation } from "./build.js";

export interface FrameworkSeries {
	/** task id -> bitmask of states already counted */
	seen: Map<string, number>;
	/** Tasks that reached each state at least once. */
	reached: Record<string, number>;
	/** Tasks in each state now. */
	byState: Record<string, number>;
	/** Entries into each state (a task that enters a state twice counts twice). */
	transitions: Record<string, number>;
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

/** The states the report counts as "lost" (the task is gone with its agent). */
export const LOST_STATES: readonly TaskState[] = [
	"TASK_LOST",
	"TASK_DROPPED",
	"TASK_GONE",
	"TASK_GONE_BY_OPERATOR",
];

/** At most this many points are kept per series (every other one is dropped when full). */
const MAX_POINTS = 120;

/** At most this many timeline intervals per run (plus a last, shorter one up to the end). */
export const MAX_TIMELINE_INTERVALS = 120;

/** Candidate timeline intervals, shortest first: the first giving at most MAX_TIMELINE_INTERVALS wins. */
const NICE_INTERVALS_MS = [
	1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
].map((s) => s * 1000);

/** The timeline's interval for a run of `durationMs`: a round figure, at most MAX_TIMELINE_INTERVALS per run. */
export function timelineIntervalMs(durationMs: number): number {
	for (const ms of NICE_INTERVALS_MS) if (durationMs / ms <= MAX_TIMELINE_INTERVALS) return ms;
	const day = 86_400_000;
	return Math.ceil(durationMs / MAX_TIMELINE_INTERVALS / day) * day;
}

const KIND_SAMPLE = 0;
const KIND_TIMELINE = 1;

/** Cumulative counters of one framework at the previous timeline point (the next point reports the difference). */
interface TimelineCursor {
	received: number;
	accepted: number;
	declined: number;
	launched: number;
	finished: number;
	failed: number;
	killed: number;
	lost: number;
}

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
	readonly timelineMs: number;
	readonly #timeline: Timeline;
	/** Each framework's timeline line and counts at the previous point, by handle: installPackage adds frameworks, uninstallPackage removes them. */
	readonly #lines = new Map<
		FrameworkHandle,
		{ line: Timeline["frameworks"][number]; cursor: TimelineCursor }
	>();

	constructor(sim: Simulation) {
		this.#sim = sim;
		this.#sampleMs = Math.min(60_000, Math.max(1000, Math.round(sim.scenario.durationMs / 1000)));
		this.timelineMs = timelineIntervalMs(sim.scenario.durationMs);
		this.#timeline = {
			intervalMs: this.timelineMs,
			tMs: [],
			frameworks: [],
			events: sim.scenario.timeline.map((e) => ({
				tMs: e.atMs,
				action: e.action,
				...(e.framework === undefined ? {} : { framework: e.framework }),
			})),
		};
		this.#addTimelineLines();
		const prev = sim.master.observer;
		sim.master.observer = {
			...prev,
			eventSent: (fw, e) => {
				this.#onEventSent(fw.idx, e);
				prev.eventSent?.(fw, e);
			},
			taskChanged: (task, previous) => {
				this.#onTaskChanged(task, previous);
				prev.taskChanged?.(task, previous);
			},
		};
		sim.engine.after(this.#sampleMs, this, KIND_SAMPLE);
		this.#nextTimelinePoint();
	}

	/** The next boundary's point; the one at the end of the run is taken by timeline(), after every event of that time. */
	#nextTimelinePoint(): void {
		const engine = this.#sim.engine;
		if (engine.now + this.timelineMs < this.#sim.scenario.durationMs)
			engine.after(this.timelineMs, this, KIND_TIMELINE);
	}

	series(fwIdx: number): FrameworkSeries {
		let s = this.byFramework.get(fwIdx);
		if (s === undefined) {
			s = { seen: new Map(), reached: {}, byState: {}, transitions: {}, shareSum: 0, shareSamples: 0 };
			this.byFramework.set(fwIdx, s);
		}
		return s;
	}

	#onEventSent(fwIdx: number, e: Event): void {
		if (e.type !== "UPDATE") return;
		const st = e.update.status;
		const s = this.series(fwIdx);
		const bit = STATE_BIT[st.state] ?? 0;
		const id = st.task_id.value;
		const mask = s.seen.get(id) ?? 0;
		if ((mask & bit) !== 0) return;
		s.seen.set(id, mask | bit);
		s.reached[st.state] = (s.reached[st.state] ?? 0) + 1;
	}

	/** A task was launched (previous null), changed state, or came back from TASK_UNREACHABLE. */
	#onTaskChanged(task: TaskRecord, previous: TaskState | null): void {
		if (previous === task.state) return;
		const s = this.series(task.fw.idx);
		if (previous !== null) s.byState[previous] = (s.byState[previous] ?? 0) - 1;
		s.byState[task.state] = (s.byState[task.state] ?? 0) + 1;
		s.transitions[task.state] = (s.transitions[task.state] ?? 0) + 1;
	}

	onEvent(kind: number): void {
		if (kind === KIND_TIMELINE) {
			this.#timelinePoint();
			this.#nextTimelinePoint();
			return;
		}
		this.sample();
		this.#sim.engine.after(this.#sampleMs, this, KIND_SAMPLE);
	}

	/** The master's record of a framework handle, once subscribed. */
	#record(h: FrameworkHandle): FrameworkRecord | undefined {
		const id = h.id();
		return id === null ? undefined : this.#sim.master.frameworks.find((f) => f.id === id);
	}

	/** Lines for frameworks that have none yet (installed during the run): zeros at the points before. */
	#addTimelineLines(): void {
		const points = this.#timeline.tMs.length;
		const zeros = (): number[] => new Array<number>(points).fill(0);
		for (const h of this.#sim.frameworks) {
			if (this.#lines.has(h)) continue;
			const line = {
				name: h.name,
				offers: { received: zeros(), accepted: zeros(), declined: zeros(), held: zeros() },
				tasks: {
					launched: zeros(),
					running: zeros(),
					finished: zeros(),
					failed: zeros(),
					killed: zeros(),
					lost: zeros(),
				},
				dominantShare: zeros(),
			};
			const cursor = {
				received: 0,
				accepted: 0,
				declined: 0,
				launched: 0,
				finished: 0,
				failed: 0,
				killed: 0,
				lost: 0,
			};
			this.#lines.set(h, { line, cursor });
		}
	}

	/** One timeline point at the current time: counts since the previous point, gauges now. */
	#timelinePoint(): void {
		this.#addTimelineLines();
		this.#timeline.tMs.push(this.#sim.engine.now);
		for (const [h, entry] of this.#lines) {
			const { line, cursor: cur } = entry;
			const fw = this.#record(h);
			const stats = h.driver.stats();
			const tr = fw === undefined ? {} : this.series(fw.idx).transitions;
			const entered = (st: TaskState) => tr[st] ?? 0;
			const now: TimelineCursor = {
				received: stats.offersReceived,
				accepted: stats.offersAccepted,
				declined: stats.offersDeclined,
				launched: fw?.counters.tasksLaunched ?? 0,
				finished: entered("TASK_FINISHED"),
				failed: entered("TASK_FAILED"),
				killed: entered("TASK_KILLED"),
				lost: LOST_STATES.reduce((n, st) => n + entered(st), 0),
			};
			line.offers.received.push(now.received - cur.received);
			line.offers.accepted.push(now.accepted - cur.accepted);
			line.offers.declined.push(now.declined - cur.declined);
			line.offers.held.push(fw === undefined ? 0 : fw.offers.size);
			line.tasks.launched.push(now.launched - cur.launched);
			line.tasks.running.push(fw === undefined ? 0 : (this.series(fw.idx).byState.TASK_RUNNING ?? 0));
			line.tasks.finished.push(now.finished - cur.finished);
			line.tasks.failed.push(now.failed - cur.failed);
			line.tasks.killed.push(now.killed - cur.killed);
			line.tasks.lost.push(now.lost - cur.lost);
			line.dominantShare.push(
				fw === undefined || fw.removed ? 0 : roundTo(this.#sim.master.dominantShare(fw), 4),
			);
			entry.cursor = now;
		}
	}

	/** The timeline, ending with a point now (the end of the run). Call once. */
	timeline(): Timeline {
		if (this.#sim.engine.now > (this.#timeline.tMs.at(-1) ?? -1)) this.#timelinePoint();
		// In the order of the report's frameworks: those still there at the end.
		this.#timeline.frameworks = this.#sim.frameworks.map((h) => this.#lines.get(h)!.line);
		return this.#timeline;
	}

	/** One sample of utilisation and shares; `final` (the end of the run) is always kept. */
	sample(final = false): void {
		const m = this.#sim.master;
		const u = this.utilization();
		this.cpuUtilSum += u.cpus;
		this.memUtilSum += u.mem;
		this.samples++;
		const keep = this.#sampleNo++ % this.#keepEvery === 0 || final;
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
		if (keep && !final && this.tMs.length >= MAX_POINTS) this.#halve();
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

	/**
	 * A framework's dominant share split by where its resources are: in live
	 * tasks, and in offers it holds (outstanding). The master's dominant share
	 * counts both, as Mesos's sorter does (offered resources are allocated).
	 */
	shareParts(fw: FrameworkRecord): { inTasks: number; inHeldOffers: number } {
		const m = this.#sim.master;
		const total = m.allocator.total;
		const excluded = m.flags.fairSharingExcludedResourceNames;
		const tasks = new Float64Array(SCALAR_NAMES.length);
		const held = new Float64Array(SCALAR_NAMES.length);
		for (const t of fw.tasks.values())
			if (!t.released) for (let k = 0; k < tasks.length; k++) tasks[k]! += t.q[k]!;
		for (const o of fw.offers) for (let k = 0; k < held.length; k++) held[k]! += o.q[k]!;
		const dominant = (q: Float64Array) => {
			let best = 0;
			for (let k = 0; k < q.length; k++)
				if (total[k]! > 0 && !excluded.includes(SCALAR_NAMES[k]!)) best = Math.max(best, q[k]! / total[k]!);
			return best;
		};
		return { inTasks: dominant(tasks), inHeldOffers: dominant(held) };
	}
}

function roundTo(x: number, digits: number): number {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}
