/**
 * crashLoop — instances that always fail after a while (U(1 s, 30 s) by
 * default: `sleep X && exit 1`) and are restarted with Marathon's backoff:
 * 1 s × 1.15^(n−1), capped at 300 s (dcos-commons crash-loop.yml). The
 * restart gaps grow by `factor` until they reach `capMs`.
 */
import type { PatternMeta } from "./meta.js";
import { SteadyService } from "./steadyService.js";

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "crashLoop";

export const meta: PatternMeta = {
	description: "Instances that keep failing; each restart waits backoffMs × factor^(n−1), up to capMs.",
	stresses: "status-update rate, offer recycling, restart backoff",
	fields: ["instances", "count"],
	defaultInstances: 1,
	defaults: {
		resources: { cpus: 0.1, mem: 64 },
		lifecycle: {
			runFor: "infinite",
			failureProbability: 1,
			failAfter: { kind: "uniform", min: 1, max: 30 },
			restart: { backoffMs: 1000, factor: 1.15, capMs: 300_000 },
		},
	},
	create: (cfg, host) => new SteadyService(cfg, host),
};
