/**
 * The chameleon end to end: the datacenter example (a dozen packages on 200
 * agents) runs 10 simulated minutes with invariants checked after every
 * event, twice, with identical results.
 */
import { describe, expect, it } from "vitest";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import { runSimulation } from "../../sim/runner/index.js";
import { loadScenarioFile } from "../../sim/scenario/index.js";

describe("examples/chameleon-datacenter.yaml", () => {
	it("runs with every invariant holding and settles its services", () => {
		const scenario = { ...loadScenarioFile("examples/chameleon-datacenter.yaml"), durationMs: 600_000 };
		const { sim, report } = runSimulation(scenario, { checkInvariants: true });
		expect(report.invariants.checked).toBeGreaterThan(10_000);
		expect(report.invariants.violations).toBe(0);
		const running = (name: string) =>
			(sim.frameworks.find((f) => f.name === name)!.scheduler as ChameleonFramework).stats().running;
		expect(running("hdfs")).toBe(10);
		expect(running("kafka")).toBe(3);
		expect(running("cassandra")).toBe(3);
		expect(running("kubernetes")).toBe(22);
		expect(running("spark-etl")).toBe(11);
		const again = runSimulation(scenario).report;
		expect(again.eventLogHash).toBe(report.eventLogHash);
	});
});
