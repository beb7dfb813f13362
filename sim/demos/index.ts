/**
 * The demos `mesosim demo NAME` starts: each is a scenario (agents in racks
 * and zones, a mix of catalog packages, a timeline of bursts, failures and
 * recoveries over the first minutes) served live until Ctrl-C.
 */
import { CATALOG } from "../../frameworks/chameleon/index.js";

/** A scenario as a file would hold it (checked by validateScenario). */
type ScenarioInput = Record<string, unknown>;

export interface Demo {
	name: string;
	description: string;
	/** Wall-clock speed the demo runs at unless --speed says otherwise. */
	speed: number;
	scenario: () => ScenarioInput;
}

function racks(count: number, perRack: number, group: string, cpus: number, mem: number, disk: number) {
	return {
		group,
		count,
		cpus,
		mem,
		disk,
		hostname: `${group}-{i}`,
		attributes: { rack: `${group}-r{i / ${perRack}}`, zone: "z{i % 3}" },
	};
}

const pkg = (name: string, extra: Record<string, unknown> = {}) => ({
	type: "chameleon" as const,
	name,
	package: name,
	...extra,
});

/**
 * The DC/OS-style datacenter: 1,000 agents (12,800 cpus), a dozen packages
 * sized so that about half the cpus are allocated once they are deployed
 * (Spark and Hadoop executors take whole agents), then a burst, a rack
 * failure and its recovery. demos.test.ts runs it headless and checks the
 * load stays in that band.
 */
function datacenter(): ScenarioInput {
	return {
		name: "datacenter-1k",
		seed: 42,
		duration: "7d",
		master: { allocationInterval: "1s" },
		agents: [racks(800, 40, "gen", 8, 32768, 204800), racks(200, 40, "big", 32, 131072, 819200)],
		roles: [{ name: "infra", weight: 2 }, { name: "analytics" }],
		frameworks: [
			{ ...pkg("marathon"), groups: { app: { instances: 800, resources: { cpus: 2, mem: 1024 } } } },
			{ ...pkg("hdfs", { role: "infra" }), groups: { data: { instances: 30 } } },
			{ ...pkg("kafka", { role: "infra" }), groups: { broker: { instances: 9 } } },
			{ ...pkg("cassandra", { role: "infra" }), groups: { node: { instances: 9 } } },
			pkg("jenkins"),
			pkg("chronos"),
			{ ...pkg("kubernetes", { role: "infra" }), groups: { node: { instances: 250 } } },
			{ ...pkg("spark"), name: "spark-etl", role: "analytics", groups: { executor: { instances: 220 } } },
			{
				...pkg("spark"),
				name: "spark-adhoc",
				role: "analytics",
				startAt: "2m",
				groups: { executor: { instances: 80 } },
			},
			{ ...pkg("hadoop"), role: "analytics", startAt: "1m", groups: { tasktracker: { instances: 60 } } },
		],
		timeline: [
			{ at: "3m", action: "installPackage", package: "storm", name: "storm" },
			{ at: "4m", action: "crashAgents", agents: { attribute: "rack=gen-r3" }, for: "3m" },
			{ at: "6m", action: "partitionAgents", agents: { group: "big", count: 10 }, for: "1m" },
			{ at: "8m", action: "restartAgentProcesses", agents: { group: "gen", count: 20 }, for: "20s" },
			{ at: "10m", action: "installPackage", package: "spark", name: "spark-burst", instances: 100 },
			{ at: "15m", action: "uninstallPackage", framework: "spark-burst" },
		],
	};
}

/** Kubernetes Jobs: batches of 1-8 pods arriving as a Poisson process. */
function jobs(perMin: number): Record<string, unknown> {
	return {
		name: "job",
		pattern: "poissonBatch",
		after: "node",
		arrivals: { kind: "poisson", ratePerMin: perMin },
		tasksPerJob: { kind: "uniform", min: 1, max: 8 },
		resources: { cpus: 1, mem: 1024 },
		lifecycle: { runFor: { kind: "lognormal", median: 90, sigma: 1, max: "30m" } },
	};
}

/**
 * Kubernetes as a Mesos framework, with its pods: the `kubernetes` package's
 * etcd, control plane and nodes come up in order, then its pods (replicated
 * services kept alive) and jobs, each pod a Mesos task as Kubernetes-Mesos
 * ran them. `mesosim package scale kubernetes --instances N` scales the pods.
 */
function kubernetesWithPods(nodes: number, pods: number, jobsPerMin: number): Record<string, unknown> {
	return {
		type: "chameleon",
		name: "kubernetes",
		package: "kubernetes",
		// A list replaces the package's groups: its own three, then the pods and jobs.
		groups: [
			...(CATALOG.kubernetes!.spec.groups as Record<string, unknown>[]).map((g) =>
				g.name === "node" ? { ...g, instances: nodes } : g,
			),
			{
				name: "pod",
				pattern: "steadyService",
				after: "node",
				instances: pods,
				resources: { cpus: 0.5, mem: 512 },
				lifecycle: { runFor: "infinite", startupDelay: "3s", failureProbability: 0.02 },
			},
			...(jobsPerMin > 0 ? [jobs(jobsPerMin)] : []),
		],
	};
}

const QUIET = { declineRefuseSeconds: 600, unfitRefuseSeconds: 30, suppressWhenIdle: true };

/**
 * 60,000 agents (960,000 cpus), the scale Mesos ran at: thousands of
 * services, Kubernetes nodes and pods, Spark and Hadoop executors on whole
 * agents; a rack fails at 5 minutes and comes back.
 */
function scale(): ScenarioInput {
	return {
		name: "scale-60k",
		seed: 60,
		duration: "7d",
		master: { allocationInterval: "1s" },
		agents: [racks(60_000, 50, "node", 16, 65536, 409600)],
		// Long decline filters and suppress when idle, as large clusters are run: an idle
		// framework is not offered 60,000 agents every few seconds.
		frameworks: [
			{
				...pkg("marathon"),
				offerPolicy: QUIET,
				groups: { app: { instances: 20_000, resources: { cpus: 2, mem: 2048 } } },
			},
			{ ...kubernetesWithPods(4000, 20_000, 0), offerPolicy: QUIET },
			{ ...pkg("spark"), offerPolicy: QUIET, groups: { executor: { instances: 14_000 } } },
			{ ...pkg("hadoop"), offerPolicy: QUIET, groups: { tasktracker: { instances: 6000 } } },
		],
		timeline: [
			{ at: "5m", action: "crashAgents", agents: { attribute: "rack=node-r7" }, for: "2m" },
			{ at: "8m", action: "restartAgentProcesses", agents: { count: 500 }, for: "30s" },
		],
	};
}

/** Kubernetes on Mesos: a framework named kubernetes and its pods beside Marathon and Spark. */
function kubernetes(): ScenarioInput {
	return {
		name: "kubernetes-on-mesos",
		seed: 8,
		duration: "7d",
		master: { allocationInterval: "1s" },
		agents: [racks(300, 30, "node", 16, 65536, 409600)],
		frameworks: [
			kubernetesWithPods(100, 1500, 20),
			{ ...pkg("marathon"), groups: { app: { instances: 200 } } },
			{ ...pkg("spark"), groups: { executor: { instances: 60 } } },
		],
		timeline: [
			{ at: "3m", action: "restartAgentProcesses", agents: { count: 10 }, for: "30s" },
			{ at: "5m", action: "crashAgents", agents: { attribute: "rack=node-r2" }, for: "2m" },
		],
	};
}

export const DEMOS: readonly Demo[] = [
	{
		name: "datacenter",
		description: "DC/OS-style: 1,000 agents in racks and zones, a dozen packages, a rack failure",
		speed: 1,
		scenario: datacenter,
	},
	{
		name: "scale",
		description: "60,000 agents: Marathon services, Kubernetes nodes and pods, Spark, Hadoop; a rack failure",
		speed: 1,
		scenario: scale,
	},
	{
		name: "kubernetes",
		description:
			"Kubernetes on Mesos: etcd, control plane, nodes, then pods and jobs beside Marathon and Spark",
		speed: 1,
		scenario: kubernetes,
	},
];
