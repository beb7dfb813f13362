import type { CatalogEntry } from "./types.js";

export const mpi: CatalogEntry = {
	name: "mpi",
	description:
		"MPI (mpiexec): a gang of 16 ranks of 1 cpu / 1 GB, all or nothing; holds partial allocations up to 10 min.",
	patterns: ["gang"],
	spec: {
		offerPolicy: { acceptPartialGang: true, declineRefuseSeconds: 5 },
		groups: [
			{
				name: "rank",
				pattern: "gang",
				instances: 1,
				gangSize: 16,
				gangTimeout: "10m",
				resources: { cpus: 1, mem: 1024 },
				lifecycle: { runFor: "30m", retries: 1, restart: { backoffMs: 10_000, factor: 2, capMs: 300_000 } },
			},
		],
	},
	expected: { measure: "running", tasks: 16, within: "3m" },
	source:
		"docs/workloads.md §2 MPI / gang: N x 1/1024, runs once all N are up; holds partial allocations (NSDI'11); timeout 10 min [proposed]",
};
