import type { CatalogEntry } from "./types.js";

export const marathon: CatalogEntry = {
	name: "marathon",
	description:
		"Marathon app: 3 long-running instances of 1 cpu / 128 MB with a port, restarted with backoff.",
	patterns: ["steadyService"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: {
			declineRefuseSeconds: 120,
			suppressWhenIdle: true,
			reviveMinIntervalMs: 5000,
			maxTasksPerOffer: 5,
		},
		groups: [
			{
				name: "app",
				pattern: "steadyService",
				instances: 3,
				resources: { cpus: 1, mem: 128, ports: 1 },
				lifecycle: {
					runFor: "infinite",
					startupDelay: "2s",
					restart: { backoffMs: 1000, factor: 1.15, capMs: 300_000 },
				},
			},
		],
	},
	expected: { measure: "running", tasks: 3, within: "2m" },
	source:
		"docs/workloads.md §2 Marathon, §6 marathon: decline 120 s, suppress when idle, revive >= 5 s apart, <= 5 tasks/offer",
};
