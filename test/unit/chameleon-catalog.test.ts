/**
 * Every catalog entry loads, runs alone on a small cluster and reaches the
 * task count its entry promises.
 */
import { describe, expect, it } from "vitest";
import {
	CATALOG,
	type ChameleonFramework,
	describePackage,
	listPackages,
	PACKAGE_NAMES,
	resolveChameleonSpec,
} from "../../frameworks/chameleon/index.js";
import { runSimulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

const REQUIRED = [
	"marathon",
	"chronos",
	"metronome",
	"spark",
	"hadoop",
	"hdfs",
	"cassandra",
	"kafka",
	"elastic",
	"jenkins",
	"kubernetes",
	"kubernetes-legacy",
	"storm",
	"aurora",
	"mpi",
	"crashy",
];

/** The test cluster of the catalog's expectations: 12 agents of 8 cpus, 32 GB, 200 GB disk. */
function cluster(frameworks: unknown[], duration: string) {
	return validateScenario({
		seed: 11,
		duration,
		agents: [
			{
				group: "agent",
				count: 12,
				cpus: 8,
				mem: 32768,
				disk: 204800,
				hostname: "agent-{i}",
				attributes: { rack: "r{i / 4}", zone: "z{i % 3}" },
			},
		],
		frameworks,
	});
}

describe("catalog", () => {
	it("has every required impersonation, each with a one-line description", () => {
		for (const name of REQUIRED) expect(PACKAGE_NAMES).toContain(name);
		for (const e of Object.values(CATALOG)) {
			expect(e.description.length).toBeGreaterThan(20);
			expect(e.description).not.toContain("\n");
			expect(e.patterns.length).toBeGreaterThan(0);
		}
		expect(listPackages().map((p) => p.name)).toEqual([...PACKAGE_NAMES]);
	});

	it.each(REQUIRED)("%s loads, runs and reaches its expected task count", (name) => {
		const entry = CATALOG[name]!;
		// Loads: resolves with its defaults, and describePackage summarises it.
		const config = resolveChameleonSpec({ package: name }, name);
		expect(config.package).toBe(name);
		const d = describePackage(name);
		expect(d.groups.map((g) => g.name)).toEqual(config.groups.map((g) => g.name));
		// Runs, under another name too (the name is free).
		const { sim, report } = runSimulation(
			cluster([{ type: "chameleon", name: `my-${name}`, package: name }], entry.expected.within),
			{ checkInvariants: true },
		);
		expect(report.invariants.violations).toBe(0);
		const s = (sim.frameworks[0]!.scheduler as ChameleonFramework).stats();
		const e = entry.expected;
		const groups = e.group === undefined ? Object.values(s.groups) : [s.groups[e.group]!];
		if (e.measure === "running") expect(groups.reduce((n, g) => n + g.running, 0)).toBe(e.tasks);
		else expect(groups.reduce((n, g) => n + g.launched, 0)).toBeGreaterThanOrEqual(e.tasks);
		expect(report.frameworks[0]!.name).toBe(`my-${name}`);
	});
});
