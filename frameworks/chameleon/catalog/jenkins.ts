import type { CatalogEntry } from "./types.js";

export const jenkins: CatalogEntry = {
	name: "jenkins",
	description:
		"Jenkins on Mesos: a 1 cpu / 4 GB master and a build queue with bursts; an agent (0.1 cpu / 512 MB) per waiting build, reaped after 3 min idle.",
	patterns: ["steadyService", "burstyQueue"],
	spec: {
		offerPolicy: { declineRefuseSeconds: 600, unfitRefuseSeconds: 5, reviveMinIntervalMs: 1000 },
		groups: [
			{ name: "master", pattern: "steadyService", instances: 1, resources: { cpus: 1, mem: 4096 } },
			{
				name: "agent",
				pattern: "burstyQueue",
				after: "master",
				arrivals: { kind: "mmpp", rates: [0.5, 6], meanSojournMs: [600_000, 120_000] },
				idleTimeout: "3m",
				maxAgents: 50,
				resources: { cpus: 0.1, mem: 512 },
				lifecycle: { runFor: { kind: "lognormal", median: 120, sigma: 0.5 }, startupDelay: "5s" },
			},
		],
	},
	expected: { measure: "launched", tasks: 3, within: "15m" },
	source:
		"docs/workloads.md §2 Jenkins: agent per queued build, killed after 3 min idle; decline 600 s when queue empty; revive on enqueue",
};
