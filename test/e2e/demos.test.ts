/**
 * The demos `mesosim demo NAME` serves look like busy clusters: each one's
 * scenario, run headless for its first simulated minutes, keeps the share of
 * allocated CPUs in a believable band, rises with the datacenter's burst and
 * falls back after it, and the rack failure costs tasks that come back.
 */
import { describe, expect, it } from "vitest";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import { DEMOS } from "../../sim/demos/index.js";
import { buildSimulation, type Simulation } from "../../sim/runner/index.js";
import { RunMetrics } from "../../sim/runner/metrics.js";
import { validateScenario } from "../../sim/scenario/index.js";

function demoSim(name: string): { sim: Simulation; cpuAt: (minute: number) => number } {
	const demo = DEMOS.find((d) => d.name === name)!;
	const sim = buildSimulation(validateScenario(demo.scenario(), { sourceName: `demo ${name}` }));
	const metrics = new RunMetrics(sim);
	return {
		sim,
		cpuAt: (minute) => {
			sim.engine.runUntil(minute * 60_000);
			return metrics.utilization().cpus;
		},
	};
}

const chameleon = (sim: Simulation, name: string) =>
	sim.frameworks.find((f) => f.name === name)!.scheduler as ChameleonFramework;

describe("demos", () => {
	it("every demo's scenario is valid", () => {
		expect(DEMOS.map((d) => d.name)).toEqual(["datacenter", "scale", "kubernetes"]);
		for (const d of DEMOS) expect(() => validateScenario(d.scenario())).not.toThrow();
	});

	it("datacenter: about half the cpus allocated after 2 minutes, more in the burst, back after it", () => {
		const { sim, cpuAt } = demoSim("datacenter");
		const settled = [2, 3, 5, 7, 9].map(cpuAt);
		for (const u of settled) {
			expect(u).toBeGreaterThan(0.4);
			expect(u).toBeLessThan(0.6);
		}
		const marathon = chameleon(sim, "marathon");
		const lostBefore = marathon.stats().groups.app!.lost;
		const burst = [11, 13].map(cpuAt);
		for (const u of burst) {
			expect(u).toBeGreaterThan(Math.max(...settled) + 0.05);
			expect(u).toBeLessThan(0.7);
		}
		expect(cpuAt(16)).toBeLessThan(Math.min(...burst) - 0.05);
		// The rack failure (4m) and the restarts (8m) cost tasks; every instance runs again.
		expect(lostBefore).toBeGreaterThan(0);
		expect(marathon.stats().groups.app!.running).toBe(800);
	}, 120_000);

	it("kubernetes: the framework named kubernetes runs its nodes and pods beside Marathon and Spark", () => {
		const { sim, cpuAt } = demoSim("kubernetes");
		for (const m of [2, 4, 8]) {
			const u = cpuAt(m);
			expect(u).toBeGreaterThan(0.3);
			expect(u).toBeLessThan(0.7);
		}
		const k8s = chameleon(sim, "kubernetes").stats();
		expect(k8s.package).toBe("kubernetes");
		expect(k8s.groups.node!.running).toBe(100);
		expect(k8s.groups.pod!.running).toBe(1500);
		expect(k8s.groups.job!.jobs).toBeGreaterThan(100);
		expect(chameleon(sim, "marathon").stats().running).toBe(200);
	}, 120_000);
});
