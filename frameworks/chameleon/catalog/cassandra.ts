import { SDK_POLICY } from "./hdfs.js";
import type { CatalogEntry } from "./types.js";

export const cassandra: CatalogEntry = {
	name: "cassandra",
	description:
		"Cassandra (dcos-commons): 3 nodes of 0.5 cpu / 4 GB / 10 GB, at most one per host, deployed serially.",
	patterns: ["stateful", "constrainedPlacement"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: { ...SDK_POLICY },
		groups: [
			{
				name: "node",
				pattern: "stateful",
				instances: 3,
				resources: { cpus: 0.5, mem: 4096, disk: 10240, ports: 2 },
				constraints: [["hostname", "MAX_PER", 1]],
				lifecycle: { startupDelay: "20s" },
			},
		],
	},
	expected: { measure: "running", tasks: 3, within: "3m" },
	source: "docs/workloads.md §2 Cassandra (SDK): 3 x 0.5/4096/10240, hostname MAX_PER 1, serial",
};
