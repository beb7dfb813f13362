import type { CatalogEntry } from "./types.js";

export const metronome: CatalogEntry = {
	name: "metronome",
	description:
		"Metronome (DC/OS jobs): 5 jobs of 1 cpu / 128 MB every 15 min, ALLOW, 15 min starting deadline, restart NEVER.",
	patterns: ["cronBurst"],
	spec: {
		offerPolicy: { declineRefuseSeconds: 120, suppressWhenIdle: true, reviveMinIntervalMs: 5000 },
		groups: [
			{
				name: "jobs",
				pattern: "cronBurst",
				arrivals: { kind: "cron", every: "15m" },
				jobsPerTick: 5,
				concurrencyPolicy: "ALLOW",
				startingDeadline: "15m",
				resources: { cpus: 1, mem: 128 },
				lifecycle: { runFor: { kind: "lognormal", median: 120, sigma: 0.8, max: "1h" }, retries: 0 },
			},
		],
	},
	expected: { measure: "launched", tasks: 5, within: "2m" },
	source:
		"docs/workloads.md §2 Metronome (ALLOW/FORBID, startingDeadline 15 min, restart NEVER), offers likely Marathon-style",
};
