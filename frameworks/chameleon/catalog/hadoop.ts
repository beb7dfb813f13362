import type { CatalogEntry } from "./types.js";

export const hadoop: CatalogEntry = {
	name: "hadoop",
	description:
		"Hadoop on Mesos: 6 TaskTrackers sized to their offers in 1 cpu / 1 GB / 1 GB slots (<= 8 each), plus Poisson MapReduce tasks.",
	patterns: ["greedyGrabber", "poissonBatch"],
	spec: {
		offerPolicy: { declineRefuseSeconds: 5 },
		groups: [
			{
				name: "tasktracker",
				pattern: "greedyGrabber",
				instances: 6,
				scale: "slots",
				maxSlotsPerTask: 8,
				resources: { cpus: 1, mem: 1024, disk: 1024 },
			},
			{
				name: "mapreduce",
				pattern: "poissonBatch",
				arrivals: { kind: "poisson", ratePerMin: 4 },
				tasksPerJob: { kind: "lognormal", median: 4, sigma: 1, max: 50 },
				resources: { cpus: 1, mem: 1024, disk: 1024 },
				lifecycle: { runFor: { kind: "lognormal", median: 30, sigma: 1, max: "30m" } },
			},
		],
	},
	expected: { measure: "running", tasks: 6, within: "3m", group: "tasktracker" },
	source:
		"docs/workloads.md §2 Hadoop MR (TaskTracker sized to offer, slots 1/1024/1024, <= 50+50), §6 hadoop (median 30 s maps [proposed])",
};
