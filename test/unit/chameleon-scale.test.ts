/**
 * Scaling a running chameleon (the timeline's scalePackage, the live
 * `package scale`): up launches more, down kills the surplus through the
 * scheduler protocol (TASK_KILLED), newest first; the main group is the
 * scalable one with the most instances; the run stays deterministic.
 */
import { describe, expect, it } from "vitest";
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import { buildSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

function cluster(timeline: unknown[], frameworks: unknown[]) {
	return validateScenario({
		seed: 5,
		agents: [{ group: "a", count: 20, cpus: 8, mem: 32768, disk: 102400 }],
		frameworks,
		timeline,
	});
}

const chameleon = (sim: Simulation, name: string) =>
	sim.frameworks.find((f) => f.name === name)!.scheduler as ChameleonFramework;

/** Running tasks of a group, by the chameleon's own count. */
const running = (sim: Simulation, fw: string, group: string) =>
	chameleon(sim, fw).stats().groups[group]!.running;

function runTo(sim: Simulation, ms: number): void {
	sim.engine.runUntil(ms);
}

describe("scalePackage", () => {
	it("marathon: 3 -> 8 -> 2 instances; the surplus is killed, newest first", () => {
		const sim = buildSimulation(
			cluster(
				[
					{ at: "2m", action: "scalePackage", framework: "marathon", instances: 8 },
					{ at: "4m", action: "scalePackage", framework: "marathon", instances: 2 },
				],
				[{ type: "chameleon", name: "marathon", package: "marathon" }],
			),
		);
		runTo(sim, 110_000);
		expect(running(sim, "marathon", "app")).toBe(3);
		runTo(sim, 230_000);
		expect(running(sim, "marathon", "app")).toBe(8);
		runTo(sim, 300_000);
		const c = chameleon(sim, "marathon");
		expect(c.stats().groups.app!.running).toBe(2);
		expect(c.stats().groups.app!.killed).toBe(6);
		// Slots 0 and 1 stay: the newest were killed.
		expect(c.tasks().map((t) => t.name)).toEqual(["app-0", "app-1"]);
	});

	it("kubernetes scales its nodes (not etcd or the control plane), stateful groups deploy on from where they were", () => {
		const sim = buildSimulation(
			cluster(
				[{ at: "3m", action: "scalePackage", framework: "kubernetes", instances: 6 }],
				[{ type: "chameleon", name: "kubernetes", package: "kubernetes" }],
			),
		);
		runTo(sim, 170_000);
		expect(running(sim, "kubernetes", "node")).toBe(3);
		runTo(sim, 300_000);
		expect(running(sim, "kubernetes", "node")).toBe(6);
		expect(running(sim, "kubernetes", "etcd")).toBe(1);
		expect(running(sim, "kubernetes", "control-plane")).toBe(1);
	});

	it("a stateful group scaled down then up again relaunches its ordinals", () => {
		const sim = buildSimulation(cluster([], [{ type: "chameleon", name: "kafka", package: "kafka" }]));
		runTo(sim, 180_000);
		const c = chameleon(sim, "kafka");
		const group = Object.keys(c.stats().groups)[0]!;
		const before = running(sim, "kafka", group);
		expect(before).toBeGreaterThan(1);
		let r = c.scale(1);
		expect(r).toEqual({ ok: true, group, from: before, to: 1 });
		runTo(sim, 240_000);
		expect(running(sim, "kafka", group)).toBe(1);
		r = c.scale(before + 1);
		runTo(sim, 480_000);
		expect(running(sim, "kafka", group)).toBe(before + 1);
	});

	it("spark: executors beyond the new count are killed", () => {
		const sim = buildSimulation(cluster([], [{ type: "chameleon", name: "spark", package: "spark" }]));
		runTo(sim, 120_000);
		const c = chameleon(sim, "spark");
		expect(running(sim, "spark", "executor")).toBe(10);
		expect(c.scale(4)).toEqual({ ok: true, group: "executor", from: 10, to: 4 });
		runTo(sim, 150_000);
		expect(running(sim, "spark", "executor")).toBe(4);
		expect(c.scale(6, "driver")).toEqual({ ok: true, group: "driver", from: 1, to: 6 });
		expect(c.scale(2, "nope")).toMatchObject({ ok: false, reason: expect.stringMatching(/no group "nope"/) });
		expect(c.scale(-1)).toMatchObject({ ok: false, reason: expect.stringMatching(/whole number/) });
	});

	it("is deterministic: the same scenario gives the same tasks at the same times", () => {
		const run = () => {
			const sim = buildSimulation(
				cluster(
					[
						{ at: "1m", action: "scalePackage", framework: "marathon", instances: 12 },
						{ at: "3m", action: "scalePackage", framework: "marathon", instances: 5 },
					],
					[{ type: "chameleon", name: "marathon", package: "marathon" }],
				),
			);
			runTo(sim, 400_000);
			return JSON.stringify(chameleon(sim, "marathon").stats().groups.app!.log);
		};
		expect(run()).toBe(run());
	});
});

// Written from the mutation run's survivors (docs/testing.md).
describe("scale, the cases the packages do not reach", () => {
	it("a batch group has no instance count: refused by name, and never chosen as the main group", () => {
		const sim = buildSimulation(
			cluster(
				[],
				[
					{
						type: "chameleon",
						name: "mixed",
						groups: [
							{ name: "svc", pattern: "steadyService", instances: 1 },
							{ name: "jobs", pattern: "poissonBatch", arrivals: { kind: "poisson", ratePerMin: 2 } },
						],
					},
				],
			),
		);
		runTo(sim, 10_000);
		const c = chameleon(sim, "mixed");
		expect(c.scale(3, "jobs")).toEqual({
			ok: false,
			reason: 'group: "jobs" (poissonBatch) has no instance count to change',
		});
		expect(c.scale(3)).toEqual({ ok: true, group: "svc", from: 1, to: 3 });
	});

	it("scaled down while its tasks wait for offers or for a restart: nothing of them launches later", () => {
		// 16-cpu tasks never fit an 8-cpu agent: all three wait in the queue.
		const sim = buildSimulation(
			cluster(
				[],
				[
					{
						type: "chameleon",
						name: "big",
						offerPolicy: { suppressWhenIdle: true },
						groups: [
							{ name: "app", pattern: "steadyService", instances: 3, resources: { cpus: 16, mem: 256 } },
						],
					},
					{
						type: "chameleon",
						name: "loop",
						groups: [
							{
								name: "app",
								pattern: "crashLoop",
								instances: 2,
								lifecycle: {
									failAfter: { kind: "const", value: "5s" },
									restart: { backoffMs: 60_000, factor: 1, capMs: 60_000 },
								},
							},
						],
					},
				],
			),
		);
		runTo(sim, 20_000);
		const big = chameleon(sim, "big");
		expect(big.stats().suppressed).toBe(false);
		expect(big.scale(0)).toMatchObject({ ok: true, from: 3, to: 0 });
		// Both crash-loop tasks failed at ~5 s and wait out a 60 s backoff.
		const loop = chameleon(sim, "loop");
		const launched = loop.stats().groups.app!.launched;
		expect(loop.scale(0)).toMatchObject({ ok: true, from: 2, to: 0 });
		runTo(sim, 200_000);
		// Nothing left to wait for: it suppressed its offers.
		expect(big.stats().suppressed).toBe(true);
		expect(loop.stats().groups.app!.launched).toBe(launched);
		expect(big.stats().groups.app!.launched).toBe(0);
	});
});
