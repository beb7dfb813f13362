import type { CatalogEntry } from "./types.js";

export const spark: CatalogEntry = {
	name: "spark",
	description:
		"Spark coarse-grained: a 1 cpu / 1 GB driver, then one executor per agent taking all its cpus with 1 GB + 384 MB.",
	patterns: ["steadyService", "greedyGrabber"],
	spec: {
		offerPolicy: { declineRefuseSeconds: 120 },
		groups: [
			{ name: "driver", pattern: "steadyService", instances: 1, resources: { cpus: 1, mem: 1024 } },
			{
				name: "executor",
				pattern: "greedyGrabber",
				after: "driver",
				instances: 10,
				scale: "cpus",
				resources: { cpus: 1, mem: 1408 },
				lifecycle: { runFor: "infinite", startupDelay: "5s" },
			},
		],
	},
	expected: { measure: "running", tasks: 11, within: "3m" },
	source:
		"docs/workloads.md §2 Spark coarse (no cores.max: takes everything; rejectOfferDuration 120 s), §6 spark",
};
