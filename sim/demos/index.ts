/**
 * The demos `mesosim demo NAME` starts: each is a scenario (agents in racks
 * and zones, a mix of catalog packages, a timeline of bursts, failures and
 * recoveries over the first minutes) served live until Ctrl-C.
 */
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

/** The DC/OS-style datacenter: 1,000 agents, a dozen packages, a rack failure and its recovery. */
function datacenter(): ScenarioInput {
	return {
		name: "datacenter-1k",
		seed: 42,
		duration: "7d",
		master: { allocationInterval: "1s" },
		agents: [racks(800, 40, "gen", 8, 32768, 204800), racks(200, 40, "big", 32, 131072, 819200)],
		roles: [{ name: "infra", weight: 2 }, { name: "analytics" }],
		frameworks: [
			pkg("marathon"),
			pkg("hdfs", { role: "infra" }),
			pkg("kafka", { role: "infra" }),
			pkg("cassandra", { role: "infra" }),
			pkg("jenkins"),
			pkg("chronos"),
			{ ...pkg("kubernetes", { role: "infra" }), groups: { node: { instances: 60 } } },
			{ ...pkg("spark"), name: "spark-etl", role: "analytics" },
			{ ...pkg("spark"), name: "spark-adhoc", role: "analytics", startAt: "2m" },
			{ ...pkg("hadoop"), role: "analytics", startAt: "1m" },
		],
		timeline: [
			{ at: "3m", action: "installPackage", package: "storm", name: "storm" },
			{ at: "4m", action: "crashAgents", agents: { attribute: "rack=gen-r3" }, for: "3m" },
			{ at: "6m", action: "partitionAgents", agents: { group: "big", count: 10 }, for: "1m" },
			{ at: "8m", action: "restartAgentProcesses", agents: { group: "gen", count: 20 }, for: "20s" },
			{ at: "10m", action: "installPackage", package: "spark", name: "spark-burst", instances: 200 },
			{ at: "15m", action: "uninstallPackage", framework: "spark-burst" },
		],
	};
}

/** 60,000 agents: the scale Mesos ran at, a few big frameworks. */
function scale(): ScenarioInput {
	return {
		name: "scale-60k",
		seed: 60,
		duration: "7d",
		master: { allocationInterval: "1s" },
		agents: [racks(60_000, 50, "node", 16, 65536, 409600)],
		frameworks: [
			{ ...pkg("marathon"), groups: { app: { instances: 20_000 } } },
			{ ...pkg("kubernetes"), groups: { node: { instances: 2000 } } },
			pkg("spark"),
			pkg("hadoop"),
		],
		timeline: [{ at: "5m", action: "crashAgents", agents: { attribute: "rack=node-r7" }, for: "2m" }],
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
			{ ...pkg("kubernetes"), groups: { node: { instances: 100 } } },
			pkg("marathon"),
			pkg("spark"),
		],
		timeline: [{ at: "3m", action: "restartAgentProcesses", agents: { count: 10 }, for: "30s" }],
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
		description: "60,000 agents, Marathon, Kubernetes, Spark, Hadoop",
		speed: 1,
		scenario: scale,
	},
	{
		name: "kubernetes",
		description: "Kubernetes on Mesos: kubernetes and its pods beside Marathon and Spark",
		speed: 1,
		scenario: kubernetes,
	},
];
