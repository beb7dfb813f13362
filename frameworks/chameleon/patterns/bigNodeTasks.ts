/**
 * bigNodeTasks — one big long-lived task per host (Kubernetes nodes,
 * Elasticsearch data nodes): 3 cpus / 3072 MB / 10240 MB disk by default,
 * with a ["hostname", "UNIQUE"] constraint added unless the group already
 * limits itself to one task per host.
 */
import type { PatternMeta } from "./meta.js";
import { SteadyService } from "./steadyService.js";

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "bigNodeTasks";

export const meta: PatternMeta = {
	description: "One big long-running task per host (hostname UNIQUE is implied).",
	stresses: "bin packing, head-of-line blocking, fragmentation",
	fields: ["instances", "count"],
	defaultInstances: 3,
	defaults: { resources: { cpus: 3, mem: 3072, disk: 10240 }, lifecycle: { runFor: "infinite" } },
	// One task per host, whatever else the group's constraints say.
	refine(group) {
		const onePerHost = group.constraints.some(
			(c) => c.field === "hostname" && (c.op === "UNIQUE" || (c.op === "MAX_PER" && c.max === 1)),
		);
		if (!onePerHost) group.constraints.unshift({ field: "hostname", op: "UNIQUE" });
	},
	create: (cfg, host) => new SteadyService(cfg, host),
};
