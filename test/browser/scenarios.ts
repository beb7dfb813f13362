/** Scenarios of the dashboard's browser tests and benchmark. */
import { type Scenario, validateScenario } from "../../sim/scenario/index.js";

/** A small cluster: 2 groups on 4 racks, two frameworks that fill it part way. */
export function smallCluster(): Scenario {
	return validateScenario(
		{
			name: "dashboard-small",
			seed: 7,
			master: { allocationInterval: "1s" },
			agents: [
				{ group: "web", count: 24, cpus: 8, mem: 32768, attributes: { rack: "r{i / 8}", zone: "z{i % 2}" } },
				{ group: "db", count: 8, cpus: 16, mem: 65536, attributes: { rack: "r3", zone: "z{i % 2}" } },
			],
			roles: [{ name: "infra", weight: 2 }],
			frameworks: [
				{
					type: "simple",
					name: "batch",
					tasks: { count: 40, cpus: 2, mem: 4096, command: "sleep 30", relaunch: true },
				},
				{
					type: "simple",
					name: "services",
					role: "infra",
					tasks: { count: 12, cpus: 4, mem: 8192, command: "sleep infinity" },
				},
			],
		},
		{ sourceName: "dashboard-small" },
	);
}

/**
 * `agents` agents of 16 cpus on racks of 500 in 4 zones; a batch framework
 * whose tasks come and go and a service framework that fills a third of the
 * cluster and stays.
 */
export function bigCluster(agents: number): Scenario {
	return validateScenario(
		{
			name: `dashboard-${agents}`,
			seed: 11,
			master: { allocationInterval: "1s" },
			agents: [
				{
					group: "node",
					count: agents,
					cpus: 16,
					mem: 65536,
					attributes: { rack: "r{i / 500}", zone: "z{i % 4}" },
				},
			],
			roles: [{ name: "infra", weight: 2 }],
			frameworks: [
				{
					type: "simple",
					name: "batch",
					tasks: {
						count: Math.floor(agents / 2),
						cpus: 4,
						mem: 8192,
						command: "sleep 45",
						relaunch: true,
						maxPerOffer: 2,
					},
				},
				{
					type: "simple",
					name: "services",
					role: "infra",
					tasks: { count: Math.floor(agents / 3), cpus: 8, mem: 16384, command: "sleep infinity" },
				},
			],
		},
		{ sourceName: `dashboard-${agents}` },
	);
}
