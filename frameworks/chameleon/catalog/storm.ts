import type { CatalogEntry } from "./types.js";

export const storm: CatalogEntry = {
	name: "storm",
	description:
		"Storm on Mesos: a supervisor (0.1 cpu / 500 MB) on each of 4 hosts and 8 workers of 1 cpu / 1 GB; buffers offers 10 s between Nimbus rounds.",
	patterns: ["offerHoarder", "steadyService"],
	spec: {
		offerPolicy: { holdOffersMs: 10_000, holdJitterMs: 0, declineRefuseSeconds: 120, suppressWhenIdle: true },
		groups: [
			{
				name: "supervisor",
				pattern: "steadyService",
				instances: 4,
				resources: { cpus: 0.1, mem: 500 },
				constraints: [["hostname", "UNIQUE"]],
			},
			{
				name: "worker",
				pattern: "offerHoarder",
				instances: 8,
				resources: { cpus: 1, mem: 1000, ports: 1 },
				constraints: [["hostname", "MAX_PER", 2]],
			},
		],
	},
	expected: { measure: "running", tasks: 12, within: "3m" },
	source:
		"docs/workloads.md §2 Storm: supervisor 0.1/500 + workers 1/1000 per host; buffers offers per host; suppress when no slots needed",
};
