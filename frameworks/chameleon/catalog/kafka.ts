import { SDK_POLICY } from "./hdfs.js";
import type { CatalogEntry } from "./types.js";

export const kafka: CatalogEntry = {
	name: "kafka",
	description:
		"Kafka (dcos-commons): 3 brokers of 1 cpu / 2 GB / 5 GB with a port, at most one per host, deployed serially.",
	patterns: ["stateful", "constrainedPlacement"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: { ...SDK_POLICY },
		groups: [
			{
				name: "broker",
				pattern: "stateful",
				instances: 3,
				resources: { cpus: 1, mem: 2048, disk: 5000, ports: 1 },
				constraints: [["hostname", "MAX_PER", 1]],
				lifecycle: { startupDelay: "10s" },
			},
		],
	},
	expected: { measure: "running", tasks: 3, within: "3m" },
	source: "docs/workloads.md §2 Kafka (SDK): 3 x 1/2048/5000, heap 512, MAX_PER 1, dynamic port",
};
