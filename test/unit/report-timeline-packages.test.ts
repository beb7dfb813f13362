/**
 * The report's timeline when the timeline installs and uninstalls packages:
 * frameworks that join during the run get a line (zeros before they
 * arrived), one that leaves takes its line with it, and every other line
 * keeps its own counts (a run used to stop with "Cannot read properties of
 * undefined (reading 'offers')" at the first point after an installPackage).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

const scenario = validateScenario(
	{
		name: "packages",
		seed: 1,
		duration: "4m",
		agents: [{ group: "a", count: 6, cpus: 8, mem: 32768, disk: 204800 }],
		frameworks: [
			{ type: "simple", name: "base", tasks: { count: 4, cpus: 1, mem: 256, command: "sleep infinity" } },
		],
		timeline: [
			{ at: "30s", action: "installPackage", package: "marathon", name: "web" },
			{ at: "1m", action: "installPackage", package: "marathon", name: "gone" },
			{ at: "2m", action: "installPackage", package: "marathon", name: "late" },
			{ at: "3m", action: "uninstallPackage", framework: "gone" },
		],
	},
	{ sourceName: "test" },
);

describe("timeline with installPackage and uninstallPackage", () => {
	const report = runScenario(scenario);
	const lines = report.timeline.frameworks;

	it("has a line per framework of the report, in its order", () => {
		expect(lines.map((l) => l.name)).toEqual(report.frameworks.map((f) => f.name));
		expect(lines.map((l) => l.name)).toEqual(["base", "web", "late"]);
		for (const l of lines) expect(l.tasks.running).toHaveLength(report.timeline.tMs.length);
	});

	it("a late framework has zeros before it arrived and its own tasks after", () => {
		const late = lines[2]!;
		const arrived = report.timeline.tMs.findIndex((t) => t >= 120_000);
		expect(late.tasks.running.slice(0, arrived).every((n) => n === 0)).toBe(true);
		expect(late.tasks.running.at(-1)).toBe(3); // marathon: 3 instances
		expect(lines[1]!.tasks.running.at(-1)).toBe(3);
		expect(lines[0]!.tasks.running.at(-1)).toBe(4);
	});

	it("launches add up to each framework's total, after another left", () => {
		for (const [k, l] of lines.entries()) {
			const launched = l.tasks.launched.reduce((a, b) => a + b, 0);
			expect(launched, l.name).toBe(report.frameworks[k]!.tasks.launched);
		}
	});
});
