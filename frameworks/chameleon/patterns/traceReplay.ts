/**
 * traceReplay — one task per trace row (arrival_s, duration_s, cpus, mem),
 * queued at its arrival (times multiplied by `timeScale`) and running
 * `sleep duration` (a failure draw from the lifecycle may still turn it into
 * `sleep X && exit C`). Rows come from a CSV file or inline.
 */
import { drawTaskPlan } from "../commands.js";
import type { Lifecycle } from "../spec/config.js";
import { Pattern } from "./base.js";
import type { PatternMeta } from "./meta.js";

export class TraceReplay extends Pattern {
	#next = 0;
	#t0 = 0;

	protected start(): void {
		this.#t0 = this.host.now();
		this.#schedule();
	}

	#schedule(): void {
		const row = this.cfg.trace[this.#next];
		if (row === undefined) return;
		this.host.at(this.#t0 + Math.round(row.arrivalMs * this.cfg.timeScale), () => {
			const at = this.host.now();
			// Every row due now, then the next timer.
			for (;;) {
				const r = this.cfg.trace[this.#next];
				if (r === undefined || this.#t0 + Math.round(r.arrivalMs * this.cfg.timeScale) > at) break;
				this.#next++;
				this.noteArrival();
				const lc: Lifecycle = {
					...this.cfg.lifecycle,
					runFor: { kind: "const", value: Math.round(r.durationMs * this.cfg.timeScale) },
				};
				const plan = drawTaskPlan(lc, this.rng);
				const need = { cpus: r.cpus, mem: r.mem, disk: 0, gpus: 0, ports: this.cfg.resources.ports };
				this.enqueue(this.request({ name: this.name, need, plan }));
			}
			this.#schedule();
		});
	}

	override ready(): boolean {
		return this.started;
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "traceReplay";

export const meta: PatternMeta = {
	description:
		"Replays a trace: one task per CSV row (arrival_s, duration_s, cpus, mem) at its arrival time.",
	stresses: "realism: heavy tails, hogs, bursts as they happened",
	fields: ["trace", "timeScale"],
	defaultInstances: 0,
	requires: [{ field: "trace", hint: "(a CSV path or rows)" }],
	defaults: { resources: { cpus: 1, mem: 128 } },
	create: (cfg, host) => new TraceReplay(cfg, host),
};
