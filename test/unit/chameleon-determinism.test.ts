/**
 * Chameleon determinism: the same scenario and seed give identical runs; a
 * chameleon's own draws do not move when another framework is added; time
 * and randomness come only from the driver's context.
 */
import { describe, expect, it } from "vitest";
import { type ChameleonFramework, chameleonTuning, PACKAGE_NAMES } from "../../frameworks/chameleon/index.js";
import { runSimulation } from "../../sim/runner/index.js";
import { type Scenario, validateScenario } from "../../sim/scenario/index.js";

const batch = {
	type: "chameleon",
	name: "etl",
	groups: [
		{
			name: "job",
			pattern: "poissonBatch",
			arrivals: { kind: "mmpp", rates: [2, 20], meanSojournMs: [60_000, 20_000] },
			tasksPerJob: { kind: "lognormal", median: 3, sigma: 0.8, max: 20 },
			resources: { cpus: { kind: "choice", values: [0.1, 0.5, 1] }, mem: 256 },
			lifecycle: { runFor: { kind: "lognormal", median: 30, sigma: 1 }, failureProbability: 0.1 },
		},
	],
};

function scenario(frameworks: unknown[], seed = 5): Scenario {
	return validateScenario({
		seed,
		duration: "10m",
		agents: [{ count: 8, cpus: 4, mem: 8192, attributes: { rack: "r{i % 2}" } }],
		frameworks,
	});
}

function statsOf(s: Scenario, name: string) {
	const { sim, report } = runSimulation(s);
	const h = sim.frameworks.find((f) => f.name === name)!;
	return { stats: (h.scheduler as ChameleonFramework).stats(), report };
}

describe("chameleon determinism", () => {
	it("same scenario and seed: identical report and statistics (and a scenario object can be run twice)", () => {
		const frameworks = [
			batch,
			{ type: "chameleon", name: "k8s", package: "kubernetes-legacy" },
			{ type: "chameleon", name: "hdfs", package: "hdfs" },
		];
		const s = scenario(frameworks);
		const a = statsOf(s, "etl");
		const b = statsOf(s, "etl");
		const c = statsOf(scenario(frameworks), "etl");
		expect(a.report.eventLogHash).toBe(b.report.eventLogHash);
		expect(a.report.eventLogHash).toBe(c.report.eventLogHash);
		expect({ ...a.report, wall: null }).toEqual({ ...c.report, wall: null });
		expect(a.stats).toEqual(c.stats);
		expect(a.stats.groups.job!.launched).toBeGreaterThan(50);
		const other = statsOf(scenario(frameworks, 6), "etl");
		expect(other.stats.groups.job!.arrivals).not.toEqual(a.stats.groups.job!.arrivals);
	});

	it("adding a framework does not change another chameleon's draws", () => {
		const alone = statsOf(scenario([batch]), "etl").stats.groups.job!;
		const crowded = statsOf(
			scenario([
				{ type: "chameleon", name: "greedy", package: "spark" },
				batch,
				{ type: "chameleon", name: "cron", package: "chronos" },
			]),
			"etl",
		).stats.groups.job!;
		// Arrival times and the task fates drawn for each job are the group's own.
		expect(crowded.arrivals).toEqual(alone.arrivals);
		expect(crowded.jobs).toBe(alone.jobs);
		expect(crowded.commands).toEqual(alone.commands);
	});

	it("honours startAt and latencyMs", () => {
		const { sim, report } = runSimulation(
			scenario([{ type: "chameleon", name: "late", startAt: "2m", latencyMs: 50, package: "marathon" }]),
		);
		const d = sim.frameworks[0]!.driver.stats();
		expect(d.subscribedAt).toBe(120_100);
		expect(sim.frameworks[0]!.transport.latencyMs).toBe(50);
		expect(report.frameworks[0]!.tasks.running).toBe(3);
	});

	it("frameworkInfo carries the name, roles, failover timeout and the package label", () => {
		const { sim } = runSimulation(
			scenario([
				{
					type: "chameleon",
					name: "db",
					package: "cassandra",
					roles: ["db", "backup"],
					partitionAware: true,
				},
			]),
		);
		const info = (sim.frameworks[0]!.scheduler as ChameleonFramework).frameworkInfo();
		expect(info).toMatchObject({
			name: "db",
			roles: ["db", "backup"],
			failover_timeout: 604_800,
			user: "root",
		});
		expect(info.capabilities).toContainEqual({ type: "PARTITION_AWARE" });
		expect(info.labels?.labels).toContainEqual({ key: "mesosim.io/chameleon-package", value: "cassandra" });
		const fw = sim.master.frameworks.find((f) => f.info.name === "db")!;
		expect(fw.roles).toEqual(["db", "backup"]);
	});

	it("declining on arrival (idle framework, no hold policy) answers exactly as the offer pool would", () => {
		const frameworks = [batch, ...PACKAGE_NAMES.map((p) => ({ type: "chameleon", name: p, package: p }))];
		const s = validateScenario({
			seed: 3,
			duration: "20m",
			agents: [
				{
					count: 60,
					cpus: 8,
					mem: 16_384,
					disk: 100_000,
					ports: "[31000-31100]",
					attributes: { rack: "r{i % 4}" },
				},
			],
			frameworks,
		});
		const run = (declineOnArrival: boolean) => {
			chameleonTuning.declineOnArrival = declineOnArrival;
			try {
				const { sim, report } = runSimulation(s);
				const stats = sim.frameworks.map((f) => (f.scheduler as ChameleonFramework).stats());
				return { report: { ...report, wall: null }, stats, offers: sim.master.metrics.offersSent };
			} finally {
				chameleonTuning.declineOnArrival = true;
			}
		};
		const fast = run(true);
		const pooled = run(false);
		expect(fast.report.eventLogHash).toBe(pooled.report.eventLogHash);
		expect(fast.report).toEqual(pooled.report);
		expect(fast.stats).toEqual(pooled.stats);
		expect(fast.offers).toBeGreaterThan(5_000);
	});
});
