/**
 * The run report's task counts, held offers and timeline (issue "Fidelity and
 * first-hour fixes", items 6, 17 and 18): numbers that say what their names
 * say and add up, from one run.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../sim/runner/index.js";
import { loadScenarioFile, validateScenario } from "../../sim/scenario/index.js";

/** 12 tasks that fail after 10 s and are relaunched, 4 that run for ever; 4 agents crash at 2m for 1m. */
const churn = validateScenario(
	{
		name: "churn",
		seed: 5,
		duration: "5m",
		agents: [{ group: "a", count: 8, cpus: 4, mem: 8192 }],
		frameworks: [
			{
				type: "simple",
				name: "flaky",
				tasks: { count: 12, cpus: 0.5, mem: 128, command: "sleep 10 && exit 1", relaunch: true },
			},
			{ type: "simple", name: "service", tasks: { count: 4, cpus: 1, mem: 256, command: "sleep infinity" } },
		],
		timeline: [{ at: "2m", action: "crashAgents", agents: { count: 4 }, for: "1m" }],
	},
	{ sourceName: "test" },
);

describe("tasks.byState and tasks.transitions", () => {
	const report = runScenario(churn);

	it("byState holds the tasks in each state at the end: every launched task in exactly one", () => {
		for (const f of report.frameworks) {
			const inStates = Object.values(f.tasks.byState).reduce((a, b) => a + b, 0);
			expect(inStates, f.name).toBe(f.tasks.launched);
			expect(f.tasks.byState.TASK_RUNNING ?? 0, f.name).toBe(f.tasks.running);
		}
		const flaky = report.frameworks[0]!;
		// Each failed task stays TASK_FAILED; 12 relaunched ones are live at the end.
		expect(flaky.tasks.byState.TASK_FAILED).toBe(flaky.tasks.failed);
		expect(flaky.tasks.byState.TASK_STAGING).toBeUndefined();
	});

	it("transitions count every entry into a state (all launched tasks passed TASK_STAGING)", () => {
		for (const f of report.frameworks) {
			expect(f.tasks.transitions.TASK_STAGING, f.name).toBe(f.tasks.launched);
			for (const [state, n] of Object.entries(f.tasks.byState))
				expect(f.tasks.transitions[state] ?? 0, `${f.name} ${state}`).toBeGreaterThanOrEqual(n);
		}
		const flaky = report.frameworks[0]!;
		expect(flaky.tasks.transitions.TASK_RUNNING).toBeGreaterThan(flaky.tasks.running);
	});
});

describe("timeline", () => {
	const report = runScenario(churn);
	const t = report.timeline;

	it("has a round interval, bounded size, and ends at the end of the run", () => {
		expect(t.intervalMs).toBe(5000); // 5 min / 120 -> 2.5 s -> the next round figure
		expect(t.tMs.length).toBeLessThanOrEqual(121);
		expect(t.tMs[0]).toBe(t.intervalMs);
		expect(t.tMs.at(-1)).toBe(report.simulatedMs);
		for (let k = 1; k < t.tMs.length; k++)
			expect(t.tMs[k]! - t.tMs[k - 1]!).toBeLessThanOrEqual(t.intervalMs);
	});

	it("per-interval counts add up to the report's totals", () => {
		const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
		report.frameworks.forEach((f, i) => {
			const line = t.frameworks[i]!;
			expect(line.name).toBe(f.name);
			expect(line.tasks.launched).toHaveLength(t.tMs.length);
			expect(sum(line.offers.received)).toBe(f.offers.received);
			expect(sum(line.offers.accepted)).toBe(f.offers.accepted);
			expect(sum(line.offers.declined)).toBe(f.offers.declined);
			expect(sum(line.tasks.launched)).toBe(f.tasks.launched);
			expect(sum(line.tasks.failed)).toBe(f.tasks.transitions.TASK_FAILED ?? 0);
			expect(line.tasks.running.at(-1)).toBe(f.tasks.running);
			expect(line.dominantShare.at(-1)).toBeCloseTo(f.dominantShare.final, 4);
		});
	});

	it("shows a time-dependent behaviour: the crash at 2m loses the tasks in that interval, and lists the fault", () => {
		expect(t.events).toEqual([{ tMs: 120_000, action: "crashAgents" }]);
		const service = t.frameworks[1]!;
		const before = t.tMs.findIndex((ms) => ms >= 120_000);
		// Running until the crash, then all 4 lost in the minute after it, none before.
		expect(service.tasks.running[before - 1]).toBe(4);
		expect(service.tasks.lost.slice(0, before).every((n) => n === 0)).toBe(true);
		const inTheMinute = t.tMs.map((ms, k) => (ms > 120_000 && ms <= 180_000 ? service.tasks.lost[k]! : 0));
		expect(inTheMinute.reduce((a, b) => a + b, 0)).toBe(4);
		expect(service.tasks.running.at(-1)).toBe(0);
		const flaky = t.frameworks[0]!;
		// Failures every 10 s, from the first one on: not one lump at the end.
		expect(flaky.tasks.failed.filter((n) => n > 0).length).toBeGreaterThan(10);
	});
});

describe("held offers (examples/chameleon-hoarding.yaml)", () => {
	const report = runScenario(loadScenarioFile("examples/chameleon-hoarding.yaml"));
	const aurora = report.frameworks.find((f) => f.name === "aurora")!;

	it("the hoarder's 100% dominant share is mostly offers it holds, and the report says so", () => {
		expect(aurora.dominantShare.final).toBe(1);
		expect(aurora.offers.held).toBeGreaterThan(0);
		expect(aurora.dominantShare.finalInTasks).toBeLessThan(0.2);
		expect(aurora.dominantShare.finalInHeldOffers).toBeGreaterThan(0.5);
		const held = report.frameworks.reduce((n, f) => n + f.offers.held, 0);
		expect(held).toBe(report.master.offersOutstanding);
	});
});
