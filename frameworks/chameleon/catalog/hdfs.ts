import type { CatalogEntry } from "./types.js";

const SDK_POLICY = {
	declineRefuseSeconds: 3600,
	unfitRefuseSeconds: 5,
	suppressWhenIdle: true,
	reviveMinIntervalMs: 5000,
} as const;

export const hdfs: CatalogEntry = {
	name: "hdfs",
	description:
		"HDFS (dcos-commons): 3 journal, 2 name (+2 zkfc) and 3 data nodes of 0.3 cpu / 2 GB / 5 GB, one per host, deployed serially.",
	patterns: ["stateful"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: { ...SDK_POLICY },
		groups: [
			{
				name: "journal",
				pattern: "stateful",
				instances: 3,
				resources: { cpus: 0.3, mem: 2048, disk: 5000, ports: 2 },
				constraints: [["hostname", "UNIQUE"]],
				lifecycle: { startupDelay: "10s" },
			},
			{
				name: "name",
				pattern: "stateful",
				after: "journal",
				instances: 2,
				resources: { cpus: 0.3, mem: 2048, disk: 5000, ports: 2 },
				constraints: [["hostname", "UNIQUE"]],
				lifecycle: { startupDelay: "10s" },
			},
			{
				name: "zkfc",
				pattern: "stateful",
				after: "name",
				instances: 2,
				resources: { cpus: 0.3, mem: 2048 },
				constraints: [["hostname", "UNIQUE"]],
			},
			{
				name: "data",
				pattern: "stateful",
				after: "zkfc",
				instances: 3,
				resources: { cpus: 0.3, mem: 2048, disk: 5000, ports: 3 },
				constraints: [["hostname", "UNIQUE"]],
				lifecycle: { startupDelay: "10s" },
			},
		],
	},
	expected: { measure: "running", tasks: 10, within: "5m" },
	source:
		"docs/workloads.md §2 HDFS (SDK): unneeded offers declined 3600 s, not-ready 5 s, suppress when idle, serial deploy",
};

export { SDK_POLICY };
