/**
 * elasticScale — a service whose instance count follows a periodic target
 * between `elastic.min` and `elastic.max` (period `periodMs`): "step" holds
 * min for the first half of each period and max for the second; "ramp" goes
 * linearly from min up to max and back, one instance at a time. Scaling up
 * queues new instances (and REVIVEs); scaling down drops queued ones and
 * kills the newest running ones.
 */
import type { PatternMeta } from "./meta.js";
import { SteadyService } from "./steadyService.js";

export class ElasticScale extends SteadyService {
	target = 0;
	#t0 = 0;

	/** Its count follows its own periodic target. */
	override get scalable(): boolean {
		return false;
	}

	protected override start(): void {
		this.#t0 = this.host.now();
		this.#update();
	}

	/** The target at time t. */
	targetAt(t: number): number {
		const e = this.cfg.elastic!;
		const phase = ((((t - this.#t0) % e.periodMs) + e.periodMs) % e.periodMs) / e.periodMs;
		if (e.shape === "step") return phase < 0.5 ? e.min : e.max;
		const tri = phase < 0.5 ? 2 * phase : 2 - 2 * phase;
		return e.min + Math.round((e.max - e.min) * tri);
	}

	#update(): void {
		const e = this.cfg.elastic!;
		const now = this.host.now();
		this.#scaleTo(this.targetAt(now));
		let step: number;
		if (e.shape === "step" || e.max === e.min) step = e.periodMs / 2;
		else step = Math.max(1000, e.periodMs / (2 * (e.max - e.min)));
		// Next change point, aligned to the period so steps do not drift.
		const since = now - this.#t0;
		const next = this.#t0 + (Math.floor(since / step + 1e-9) + 1) * step;
		this.host.at(Math.round(next), () => this.#update());
	}

	#scaleTo(n: number): void {
		this.target = n;
		for (let i = 0; i < n; i++) {
			const s = this.slot(i);
			if (s.retired) this.unretire(s);
			else if (!s.active) this.launchSlot(s);
		}
		for (let i = this.slots.length - 1; i >= n; i--) {
			const s = this.slots[i]!;
			if (!s.retired) this.retire(s);
		}
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "elasticScale";

export const meta: PatternMeta = {
	description:
		"Instances follow a periodic target between min and max (step or ramp); scale-down kills the newest.",
	stresses: "suppress/revive oscillation, allocation churn",
	fields: ["elastic"],
	defaultInstances: 0,
	requires: [{ field: "elastic", hint: "{min, max, periodMs}" }],
	defaults: {
		elastic: { min: 1, max: 5, periodMs: 600_000, shape: "step" },
		resources: { cpus: 0.5, mem: 256 },
		lifecycle: { runFor: "infinite" },
	},
	create: (cfg, host) => new ElasticScale(cfg, host),
};
