import { SDK_POLICY } from "./hdfs.js";
import type { CatalogEntry } from "./types.js";

export const kubernetes: CatalogEntry = {
	name: "kubernetes",
	description:
		"Kubernetes (MKE): etcd (0.5 cpu / 1 GB), a control plane (1.5 cpu / 4 GB / 10 GB), then 3 nodes of 3 cpu / 3 GB / 10 GB, one per host.",
	patterns: ["stateful", "bigNodeTasks"],
	spec: {
		failoverTimeout: "7d",
		offerPolicy: { ...SDK_POLICY },
		groups: [
			{
				name: "etcd",
				pattern: "stateful",
				instances: 1,
				resources: { cpus: 0.5, mem: 1024, disk: 3584, ports: 2 },
				constraints: [["hostname", "UNIQUE"]],
			},
			{
				name: "control-plane",
				pattern: "stateful",
				after: "etcd",
				instances: 1,
				resources: { cpus: 1.5, mem: 4096, disk: 10240, ports: 1 },
				constraints: [["hostname", "UNIQUE"]],
				lifecycle: { startupDelay: "15s" },
			},
			{
				name: "node",
				pattern: "bigNodeTasks",
				after: "control-plane",
				instances: 3,
				resources: { cpus: 3, mem: 3072, disk: 10240 },
				lifecycle: { startupDelay: "20s" },
			},
		],
	},
	expected: { measure: "running", tasks: 5, within: "5m" },
	source:
		"docs/workloads.md §2 Kubernetes (MKE): node 2/2048/10240 + system 1/1024; control plane 1/3072/10240 (+0.5/1024); etcd 0.5/1024/3.5 GB",
};
