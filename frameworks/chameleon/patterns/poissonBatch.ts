/**
 * poissonBatch — jobs arrive (Poisson by default; diurnal, MMPP or cron as
 * `arrivals` says), each with `tasksPerJob` tasks of one drawn size that run
 * for a drawn time (batch default lognormal, median 60 s, sigma 1.5) and
 * may fail. A failed or lost task is retried `lifecycle.retries` times after
 * the restart backoff. Arrival times and each job's draws come from the
 * group's own streams, so they do not depend on how the cluster answers.
 */

import type { Rng } from "../../../engine/index.js";
import type { TaskState, TaskStatus } from "../../../master/protocol/index.js";
import { type ArrivalProcess, arrivalProcess } from "../arrivals.js";
import { sample } from "../dist.js";
import type { GroupConfig } from "../spec/config.js";
import { type Host, type LiveTask, type Need, neverStarted, Pattern } from "./base.js";
import type { PatternMeta } from "./meta.js";

export interface BatchTask {
	job: number;
	/** Failures so far of this task. */
	failures: number;
	need: Need;
}

export class PoissonBatch extends Pattern {
	protected readonly arrivalRng: Rng;
	protected proc: ArrivalProcess | null = null;
	protected jobsStarted = 0;

	constructor(cfg: GroupConfig, host: Host) {
		super(cfg, host);
		this.arrivalRng = host.stream(`group/${cfg.name}/arrivals`);
	}

	protected start(): void {
		if (this.cfg.arrivals === null) return;
		this.proc = arrivalProcess(this.cfg.arrivals, this.host.now(), this.arrivalRng);
		this.scheduleNext();
	}

	protected scheduleNext(): void {
		if (this.proc === null || this.jobsStarted >= this.cfg.maxJobs) return;
		const t = this.proc.next();
		if (t === null) return;
		this.host.at(t, () => {
			this.tick();
			this.scheduleNext();
		});
	}

	/** One arrival: a job (cron: delayed by its jitter draw). */
	protected tick(): void {
		this.arrive();
	}

	protected arrive(): void {
		if (this.jobsStarted >= this.cfg.maxJobs) return;
		this.jobsStarted++;
		const jitter = this.cfg.jitterMs > 0 ? Math.round(this.arrivalRng.uniform(0, this.cfg.jitterMs)) : 0;
		if (jitter > 0) this.host.after(jitter, () => this.job());
		else this.job();
	}

	/** A job arrives: its tasks are queued. */
	protected job(): void {
		this.noteArrival();
		const job = this.stats.jobs;
		const n = Math.max(1, Math.round(sample(this.cfg.tasksPerJob, this.rng)));
		const need = this.drawNeed();
		for (let k = 0; k < n; k++) this.queueTask({ job, failures: 0, need });
	}

	protected queueTask(bt: BatchTask): void {
		this.enqueue(this.request({ name: this.name, need: bt.need, data: bt }));
	}

	override onEnded(task: LiveTask, state: TaskState, status?: TaskStatus): void {
		const bt = task.req.data as BatchTask;
		if (neverStarted(task, status)) {
			this.queueTask(bt);
			return;
		}
		if (state === "TASK_FINISHED" || task.killed) return;
		if (bt.failures >= this.cfg.lifecycle.retries) return;
		bt.failures++;
		const delay = this.backoff(bt.failures);
		if (delay <= 0) this.queueTask(bt);
		else this.afterBackoff(delay, () => this.queueTask(bt));
	}

	override ready(): boolean {
		return this.started;
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "poissonBatch";

export const meta: PatternMeta = {
	description:
		"Jobs of tasksPerJob tasks arrive as a Poisson (or diurnal / MMPP / cron) process; tasks run a drawn time and may fail.",
	stresses: "offer throughput, allocation latency, DRF fairness over short tasks, decline-filter churn",
	fields: ["arrivals", "tasksPerJob", "maxJobs"],
	defaultInstances: 0,
	requires: [{ field: "arrivals" }],
	defaults: {
		resources: { cpus: 0.5, mem: 512 },
		arrivals: { kind: "poisson", ratePerMin: 6 },
		lifecycle: { runFor: { kind: "lognormal", median: 60, sigma: 1.5, max: "6h" } },
	},
	create: (cfg, host) => new PoissonBatch(cfg, host),
};
