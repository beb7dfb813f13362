/**
 * cronBurst — at every cron tick, `jobsPerTick` jobs of `tasksPerJob` tasks
 * (Chronos, Metronome): a herd at :00. Each job of a tick starts up to
 * `arrivals.jitterMs` late. concurrencyPolicy FORBID skips a tick while
 * tasks of earlier ticks are still queued or running; a queued task that
 * has not launched within `startingDeadline` of its job's arrival is dropped.
 */

import type { Round } from "./base.js";
import type { PatternMeta } from "./meta.js";
import { type BatchTask, PoissonBatch } from "./poissonBatch.js";

export class CronBurst extends PoissonBatch {
	protected override tick(): void {
		if (this.cfg.concurrencyPolicy === "FORBID" && (this.live.size > 0 || this.queue.length > 0)) {
			this.stats.skippedTicks++;
			return;
		}
		for (let k = 0; k < this.cfg.jobsPerTick; k++) this.arrive();
	}

	#dropLate(): void {
		const deadline = this.cfg.startingDeadlineMs;
		if (deadline === null || this.queue.length === 0) return;
		const now = this.host.now();
		let kept = 0;
		for (const req of this.queue) {
			if (now - req.createdAt > deadline && (req.data as BatchTask).failures === 0)
				this.stats.deadlineMisses++;
			else this.queue[kept++] = req;
		}
		this.queue.length = kept;
	}

	override wantsOffers(): boolean {
		this.#dropLate();
		return super.wantsOffers();
	}

	override place(round: Round): void {
		this.#dropLate();
		super.place(round);
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "cronBurst";

export const meta: PatternMeta = {
	description:
		"At each cron tick, jobsPerTick jobs arrive together (with optional jitter); FORBID skips busy ticks; late jobs miss their deadline.",
	stresses: "herds at :00, time to first offer, starvation under short declines",
	fields: ["arrivals", "jobsPerTick", "tasksPerJob", "concurrencyPolicy", "startingDeadline", "maxJobs"],
	defaultInstances: 0,
	requires: [{ field: "arrivals" }],
	defaults: {
		resources: { cpus: 0.1, mem: 128 },
		arrivals: { kind: "cron", every: "1h" },
		jobsPerTick: 10,
		lifecycle: { runFor: { kind: "lognormal", median: 60, sigma: 1, max: "1h" } },
	},
	refine(group, _input, problem) {
		if (group.arrivals !== null && group.arrivals.kind !== "cron")
			problem(["arrivals", "kind"], `${name} arrivals must be of kind "cron" (got "${group.arrivals.kind}")`);
	},
	create: (cfg, host) => new CronBurst(cfg, host),
};
