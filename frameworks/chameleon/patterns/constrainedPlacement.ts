/**
 * constrainedPlacement — a service whose instances must obey placement
 * constraints (Marathon syntax: UNIQUE, CLUSTER, GROUP_BY, MAX_PER, LIKE,
 * UNLIKE, IS on hostname or any attribute). Offers that do not satisfy them
 * are declined (with unfitRefuseSeconds); a constraint is never broken: an
 * instance that cannot be placed waits.
 */
import type { PatternMeta } from "./meta.js";
import { SteadyService } from "./steadyService.js";

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "constrainedPlacement";

export const meta: PatternMeta = {
	description:
		"Service instances under Marathon placement constraints (at least one required); waits rather than break one.",
	stresses: "decline rate, filters hiding good agents, spread across racks and zones",
	fields: ["instances", "count"],
	defaultInstances: 3,
	defaults: {
		constraints: [["hostname", "UNIQUE"]],
		resources: { cpus: 0.5, mem: 512 },
		lifecycle: { runFor: "infinite" },
	},
	refine(group, input, problem) {
		if (group.constraints.length === 0 && (input.constraints ?? []).length === 0)
			problem(["constraints"], `${name} needs at least one constraint`);
	},
	create: (cfg, host) => new SteadyService(cfg, host),
};
