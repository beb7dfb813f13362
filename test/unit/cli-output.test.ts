/**
 * What the CLI prints fits 80 columns, and the plots say what they show
 * (issue "Fidelity and first-hour fixes", items 14 and 16): round ticks,
 * the whole run on the time axis, the scenario's faults marked, a sparkline
 * scale whose top is the highest bar drawn.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../sim/cli/main.js";
import { formatSummary } from "../../sim/cli/summary.js";
import { niceTicks, percentLabel, resample, svgPlot, timeTicks } from "../../sim/report/plot.js";
import { formatTable } from "../../sim/report/table.js";
import type { Report } from "../../sim/report/types.js";
import { runScenario } from "../../sim/runner/index.js";
import { loadScenarioFile, validateScenario } from "../../sim/scenario/index.js";
import { captureCliIo } from "../helpers/cli-io.js";

const width = (text: string) => Math.max(...text.split("\n").map((l) => [...l].length));

async function cli(...args: string[]): Promise<string> {
	const { out, io } = captureCliIo();
	expect(await main(["node", "mesosim", ...args], { ...io, columns: 80 })).toBe(0);
	return out.stdout;
}

describe("every table fits 80 columns", () => {
	it("the run summary, for the examples and a cluster of long-named packages", () => {
		const hoarding = runScenario(loadScenarioFile("examples/chameleon-hoarding.yaml"));
		expect(width(formatSummary(hoarding, { width: 80 }))).toBeLessThanOrEqual(80);
		const { scenarioFromFlags } = awaitImport;
		const long = runScenario(
			validateScenario(
				scenarioFromFlags({
					agents: 30,
					packages: [
						"kubernetes-legacy",
						"hdfs:a-rather-long-framework-name-here",
						"pattern:constrainedPlacement",
					],
					duration: "2m",
				}),
				{ sourceName: "flags" },
			),
		);
		const text = formatSummary(long, { width: 80 });
		expect(width(text)).toBeLessThanOrEqual(80);
		expect(text).toContain("kubernetes-legacy");
	});

	it("package list, package list --patterns, package describe (every package)", async () => {
		expect(width(await cli("package", "list"))).toBeLessThanOrEqual(80);
		expect(width(await cli("package", "list", "--patterns"))).toBeLessThanOrEqual(80);
		const names = JSON.parse(await cli("package", "list", "--json")) as { name: string }[];
		for (const { name } of names) {
			const text = await cli("package", "describe", name);
			expect(width(text), name).toBeLessThanOrEqual(80);
			expect(text, name).not.toContain("…");
		}
	});

	it("formatTable wraps the wrap column at word boundaries and cuts only what cannot fit", () => {
		const text = formatTable(
			[{ head: "name" }, { head: "n", align: "right" }, { head: "text", wrap: true }],
			[["alpha", "1", "one two three four five six seven eight nine ten eleven twelve"]],
			30,
		);
		expect(width(text)).toBeLessThanOrEqual(30);
		expect(text.replace(/\s+/g, " ")).toContain(
			"one two three four five six seven eight nine ten eleven twelve",
		);
	});
});

const awaitImport = await import("../../frameworks/chameleon/index.js");

describe("plot ticks", () => {
	it("percent ticks are round and labelled without misleading rounding (7.5% is not 8%)", () => {
		expect(niceTicks(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
		expect(niceTicks(1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		const { step, ticks } = niceTicks(0.09);
		for (const t of ticks) expect(Number(percentLabel(t, step).replace("%", "")) / 100).toBeCloseTo(t, 10);
		expect(percentLabel(0.075, 0.025)).toBe("7.5%");
	});

	it("time ticks are round: a 119-minute run gets 0/15/30/…/105 min", () => {
		const { stepMs, ticks } = timeTicks(119 * 60_000);
		expect(stepMs).toBe(15 * 60_000);
		expect(ticks.map((t) => t / 60_000)).toEqual([0, 15, 30, 45, 60, 75, 90, 105]);
	});
});

const base: Report = {
	mesosim: "0.1.0",
	scenario: "s",
	seed: 1,
	simulatedMs: 3_600_000,
	cluster: { agents: 10, agentsActive: 10, resources: { cpus: 80, mem: 327_680, disk: 0, gpus: 0 } },
	frameworks: [
		{
			name: "spiky",
			id: "f1",
			type: "simple",
			roles: ["*"],
			offers: { received: 1, accepted: 1, declined: 0, rescinded: 0, held: 0 },
			tasks: {
				launched: 1,
				running: 0,
				finished: 1,
				failed: 0,
				killed: 0,
				lost: 0,
				error: 0,
				byState: { TASK_FINISHED: 1 },
				transitions: {},
			},
			dominantShare: { final: 0, mean: 0.01, finalInTasks: 0, finalInHeldOffers: 0 },
			timeToFirstOfferMs: 0,
		},
	],
	utilization: { cpus: { mean: 0.5, final: 0.5 }, mem: { mean: 0.1, final: 0.1 } },
	fairness: { jain: 1 },
	allocator: { cycles: 1, offersMade: 1, agentsVisited: 1 },
	master: {
		offersOutstanding: 0,
		agentsUnreachable: 0,
		agentRegistrations: 10,
		agentReregistrations: 0,
		statusUpdates: 3,
	},
	invariants: { checked: 0, violations: 0 },
	// 120 samples ending 25 s before the end of the run (as a thinned series did).
	series: {
		tMs: Array.from({ length: 120 }, (_, k) => (k + 1) * 29_790),
		cpus: Array.from({ length: 120 }, () => 0.5),
		mem: Array.from({ length: 120 }, () => 0.1),
		shares: [Array.from({ length: 120 }, (_, k) => (k === 60 ? 0.8 : 0))],
	},
	timeline: {
		intervalMs: 30_000,
		tMs: [],
		frameworks: [],
		events: [
			{ tMs: 1_200_000, action: "crashAgents" },
			{ tMs: 2_400_000, action: "teardownFramework", framework: "spiky" },
		],
	},
	eventLogHash: "00000000",
	engine: { events: 1 },
	wall: { ms: 1, eventsPerSecond: 1, simulatedPerWall: 1 },
};

describe("svgPlot", () => {
	const svg = svgPlot(base);
	const labels = (cls: string) =>
		[...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)<`, "g"))].map((m) => m[1]);

	it("the time axis spans the whole run with round ticks", () => {
		expect(labels("x-tick")).toEqual(["0 min", "10 min", "20 min", "30 min", "40 min", "50 min", "60 min"]);
	});

	it("y ticks are round percents, labelled exactly", () => {
		expect(labels("y-tick")).toEqual([
			"0%",
			"20%",
			"40%",
			"60%",
			"80%",
			"100%",
			"0%",
			"20%",
			"40%",
			"60%",
			"80%",
		]);
	});

	it("marks the timeline's events at their times", () => {
		expect(labels("event")).toEqual(["crashAgents", "teardownFramework spiky"]);
		const x = [...svg.matchAll(/<line class="event" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
		// left 60, plot width 640: 20 min of 60 at 60 + 640/3.
		expect(x[0]).toBeCloseTo(60 + 640 / 3, 0);
		expect(x[1]).toBeCloseTo(60 + (640 * 2) / 3, 0);
	});
});

describe("summary sparklines", () => {
	it("the top label is the highest bar drawn, and that bar is full", () => {
		const text = formatSummary(base, { width: 80 });
		const drawnMax = Math.max(...resample(base.series.shares[0]!, base.series.tMs, base.simulatedMs, 24));
		expect(text).toContain(`top ${(drawnMax * 100).toFixed(1)}%`);
		const row = text.split("\n").find((l) => l.startsWith("spiky") && /[▁-█]{24}/.test(l))!;
		expect(row).toContain("█");
	});

	it("the sparkline covers the run to its end (a series that stops early holds its last value)", () => {
		const bars = resample([0, 1], [1_000, 1_800_000], 3_600_000, 4);
		expect(bars).toEqual([0, 1, 1, 1]);
	});

	it("lists the timeline's events with their times", () => {
		expect(formatSummary(base, { width: 80 })).toContain("20m crashAgents, 40m teardownFramework spiky");
	});
});

describe("a run's series ends at the end of the run", () => {
	it("the last sample is at simulatedMs", () => {
		const s = validateScenario(
			{
				name: "s",
				duration: "5m",
				agents: [{ group: "a", count: 2, cpus: 4, mem: 4096 }],
				frameworks: [
					{ type: "simple", name: "f", tasks: { count: 2, cpus: 1, mem: 128, command: "sleep 7" } },
				],
			},
			{ sourceName: "t" },
		);
		for (const d of [300_000, 299_000, 7_777_000]) {
			const r = runScenario({ ...s, durationMs: d });
			expect(r.series.tMs.at(-1), String(d)).toBe(d);
			expect(r.series.shares[0]).toHaveLength(r.series.tMs.length);
		}
	});
});
