import type { CatalogEntry } from "./types.js";

export const kubernetesLegacy: CatalogEntry = {
	name: "kubernetes-legacy",
	description:
		"Kubernetes-Mesos (k8sm, 2015-16): pods of 0.25 cpu / 64 MB churning as Poisson arrivals; holds offers 5 s.",
	patterns: ["offerHoarder", "poissonBatch"],
	spec: {
		offerPolicy: { holdOffersMs: 5000, holdJitterMs: 0, declineRefuseSeconds: 5 },
		groups: [
			{
				name: "pod",
				pattern: "offerHoarder",
				arrivals: { kind: "poisson", ratePerMin: 30 },
				resources: { cpus: 0.25, mem: 64 },
				lifecycle: { runFor: { kind: "lognormal", median: 120, sigma: 1, max: "2h" } },
			},
		],
	},
	expected: { measure: "launched", tasks: 50, within: "5m" },
	source: "docs/workloads.md §2 k8sm: pod = task, no-limit pod 0.25/64, holds offers 5 s (offer-ttl)",
};
