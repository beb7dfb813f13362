import { SDK_POLICY } from "./hdfs.js";
import type { CatalogEntry } from "./types.js";

export const elastic: CatalogEntry = {
	name: "elastic",
	description:
		"Elasticsearch (dcos-commons): 3 masters (1 cpu / 2 GB), 2 big data nodes (1 cpu / 4 GB / 10 GB) and a coordinator, one per host.",
	patterns: ["stateful", "bigNodeTasks"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: { ...SDK_POLICY },
		groups: [
			{
				name: "master",
				pattern: "stateful",
				instances: 3,
				resources: { cpus: 1, mem: 2048, disk: 2000, ports: 2 },
				constraints: [["hostname", "UNIQUE"]],
			},
			{
				name: "data",
				pattern: "bigNodeTasks",
				after: "master",
				instances: 2,
				resources: { cpus: 1, mem: 4096, disk: 10000, ports: 2 },
			},
			{
				name: "coordinator",
				pattern: "stateful",
				after: "data",
				instances: 1,
				resources: { cpus: 1, mem: 2048, disk: 1000, ports: 2 },
				constraints: [["hostname", "UNIQUE"]],
			},
		],
	},
	expected: { measure: "running", tasks: 6, within: "3m" },
	source:
		"docs/workloads.md §2 Elastic (SDK): master 3 x 1/2048/2000, data 2 x 1/4096/10000, coord 1 x 1/2048/1000, UNIQUE",
};
