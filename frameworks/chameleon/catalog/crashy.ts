import type { CatalogEntry } from "./types.js";

export const crashy: CatalogEntry = {
	name: "crashy",
	description:
		"A demo crash loop: 3 instances of 0.1 cpu / 64 MB that fail after U(1 s, 30 s); Marathon backoff 1 s x 1.15^n up to 300 s.",
	patterns: ["crashLoop"],
	spec: {
		// Runs as a Marathon app would: long declines, suppress when idle, revive on restart.
		offerPolicy: { declineRefuseSeconds: 120, suppressWhenIdle: true, reviveMinIntervalMs: 5000 },
		groups: [
			{
				name: "crasher",
				pattern: "crashLoop",
				instances: 3,
				resources: { cpus: 0.1, mem: 64 },
				lifecycle: {
					failureProbability: 1,
					failAfter: { kind: "uniform", min: 1, max: 30 },
					restart: { backoffMs: 1000, factor: 1.15, capMs: 300_000 },
				},
			},
		],
	},
	expected: { measure: "launched", tasks: 20, within: "10m" },
	source:
		"docs/workloads.md §3 failures (crash loop exits after U(1,30) s; Marathon backoff 1 s x 1.15^n, cap 300 s), dcos-commons crash-loop.yml",
};
