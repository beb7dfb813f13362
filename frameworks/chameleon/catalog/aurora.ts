import type { CatalogEntry } from "./types.js";

export const aurora: CatalogEntry = {
	name: "aurora",
	description:
		"Apache Aurora: 5 service instances of 1 cpu / 1 GB (+ Thermos 0.25 / 128 MB); hoards offers 5 min + up to 1 min, refuse 5 s.",
	patterns: ["offerHoarder", "steadyService"],
	spec: {
		offerPolicy: { holdOffersMs: 300_000, holdJitterMs: 60_000, declineRefuseSeconds: 5 },
		groups: [
			{
				name: "service",
				pattern: "offerHoarder",
				instances: 5,
				resources: { cpus: 1.25, mem: 1152 },
				lifecycle: { runFor: "infinite", startupDelay: "3s" },
			},
		],
	},
	expected: { measure: "running", tasks: 5, within: "2m" },
	source:
		'docs/workloads.md §2 Aurora: hoards >= 5 min + <= 1 min jitter, refuse 5 s; docs: "might starve other frameworks"',
};
