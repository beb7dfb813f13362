import type { CatalogEntry } from "./types.js";

export const chronos: CatalogEntry = {
	name: "chronos",
	description:
		"Chronos: 10 hourly jobs of 0.1 cpu / 128 MB / 256 MB disk at :00, 2 retries, Mesos's 5 s declines, no revive.",
	patterns: ["cronBurst"],
	spec: {
		offerPolicy: { declineRefuseSeconds: 5, suppressWhenIdle: false, reviveOnDemand: false },
		groups: [
			{
				name: "jobs",
				pattern: "cronBurst",
				arrivals: { kind: "cron", every: "1h" },
				jobsPerTick: 10,
				resources: { cpus: 0.1, mem: 128, disk: 256 },
				lifecycle: {
					runFor: { kind: "lognormal", median: 60, sigma: 1, max: "30m" },
					failureProbability: 0.05,
					retries: 2,
					restart: { backoffMs: 60_000, factor: 1, capMs: 60_000 },
				},
			},
		],
	},
	expected: { measure: "launched", tasks: 10, within: "2m" },
	source: "docs/workloads.md §2 Chronos (retries 2, failure_retry 60 s, revive-for-new-jobs off), §6 chronos",
};
