import { describe, expect, it } from "vitest";
import { SimError } from "../../common/errors.js";
import { parseDurationFlag, parseSeedFlag } from "../../sim/cli/flags.js";
import { main } from "../../sim/cli/main.js";
import { formatMegabytes, formatSummary } from "../../sim/cli/summary.js";
import type { Report } from "../../sim/report/types.js";
import { captureCliIo } from "../helpers/cli-io.js";

const report: Report = {
	mesosim: "0.1.0",
	seed: 42,
	scenario: "quickstart",
	simulatedMs: 3_600_000,
	cluster: {
		agents: 1000,
		agentsActive: 990,
		resources: { cpus: 9600, mem: 39_321_600, disk: 245_760_000, gpus: 0 },
	},
	frameworks: [
		{
			name: "web",
			id: "fw-0001",
			type: "simple",
			roles: ["eng/web"],
			offers: { received: 1234, accepted: 1000, declined: 200, rescinded: 34, held: 2 },
			tasks: {
				launched: 1517,
				running: 1500,
				finished: 0,
				failed: 0,
				killed: 0,
				lost: 17,
				error: 0,
				byState: {},
				transitions: {},
			},
			dominantShare: { final: 0.15625, mean: 0.14, finalInTasks: 0.15, finalInHeldOffers: 0.00625 },
			timeToFirstOfferMs: 1000,
		},
		{
			name: "never-offered",
			id: "fw-0002",
			type: "simple",
			roles: ["analytics"],
			offers: { received: 0, accepted: 0, declined: 0, rescinded: 0, held: 0 },
			tasks: {
				launched: 0,
				running: 0,
				finished: 0,
				failed: 0,
				killed: 0,
				lost: 0,
				error: 0,
				byState: {},
				transitions: {},
			},
			dominantShare: { final: 0, mean: 0, finalInTasks: 0, finalInHeldOffers: 0 },
			timeToFirstOfferMs: null,
		},
	],
	utilization: { cpus: { mean: 0.632, final: 0.581 }, mem: { mean: 0.4, final: 0.35 } },
	fairness: { jain: 0.9123 },
	allocator: { cycles: 3600, offersMade: 98765, agentsVisited: 123456 },
	master: {
		offersOutstanding: 3,
		agentsUnreachable: 5,
		agentRegistrations: 1000,
		agentReregistrations: 10,
		statusUpdates: 4567,
	},
	invariants: { checked: 3600, violations: 1, firstViolation: "agent 7 over-allocated" },
	timeline: { intervalMs: 1000, tMs: [1000, 2000, 3000], frameworks: [], events: [] },
	eventLogHash: "0badc0de",
	engine: { events: 2_851_850 },
	series: { tMs: [0, 1000, 2000, 3000], cpus: [0, 0.5, 1, 0.25], mem: [0, 0.1, 0.2, 0.1], shares: [] },
	wall: { ms: 2310, eventsPerSecond: 1_234_567, simulatedPerWall: 1558.4 },
};

describe("formatSummary", () => {
	const text = formatSummary(report);

	it("has the cluster line", () => {
		expect(text).toContain("Scenario quickstart, seed 42, simulated 1h");
		expect(text).toContain("Cluster: 1,000 agents (990 active at the end),\n  9,600 cpus, 37.5 TB mem");
		expect(formatSummary({ ...report, cluster: { ...report.cluster, agentsActive: 1000 } })).toContain(
			"Cluster: 1,000 agents, 9,600 cpus, 37.5 TB mem, 234.4 TB disk\n",
		);
	});

	it("has one row per framework in each table (offers, tasks, shares) with its numbers", () => {
		const rows = text.split("\n").filter((l) => l.startsWith("web "));
		expect(rows).toHaveLength(3);
		const [offers, tasks, shares] = rows as [string, string, string];
		expect(offers.split(/\s+/)).toEqual(["web", "1,234", "1,000", "200", "34", "2", "1s"]);
		expect(tasks.split(/\s+/)).toEqual(["web", "1,517", "1,500", "0", "0", "0", "17"]);
		expect(shares).toContain("eng/web");
		expect(shares.split(/\s+/).slice(2, 5)).toEqual(["15.6%", "15.0%", "0.6%"]);
		const never = text.split("\n").find((l) => l.startsWith("never-offered"));
		expect(never).toContain("never");
	});

	it("has the cluster-wide figures", () => {
		expect(text).toContain("mean 63.2%, final 58.1%");
		expect(text).toContain("mean 40.0%, final 35.0%");
		expect(text).toContain("0.912");
		expect(text).toContain("3,600 cycles, 98,765 offers made, 123,456 agent visits");
		expect(text).toContain("3,600 checked, 1 violation; first: agent 7 over-allocated");
		expect(text).toContain("2.31 s (1,558x faster than real time, 1.2M events/s)");
		expect(text).toContain("2,851,850 events, log hash 0badc0de");
	});

	it("is plain text: no colours, ends with a newline", () => {
		// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
		expect(text).not.toMatch(/\u001b\[/);
		expect(text.endsWith("\n")).toBe(true);
	});

	it("says when invariants were not checked", () => {
		expect(formatSummary({ ...report, invariants: { checked: 0, violations: 0 } })).toContain(
			"not checked (use --check-invariants)",
		);
	});

	it("copes with no frameworks", () => {
		expect(formatSummary({ ...report, frameworks: [] })).toContain("No frameworks: nothing was scheduled.");
	});

	it("formats megabytes in binary units", () => {
		expect(formatMegabytes(512)).toBe("512 MB");
		expect(formatMegabytes(32768)).toBe("32.0 GB");
	});
});

describe("flags", () => {
	it("--seed takes a non-negative integer", () => {
		expect(parseSeedFlag("7")).toBe(7);
		for (const bad of ["abc", "-1", "1.5", "", "1e3"]) {
			expect(() => parseSeedFlag(bad)).toThrow(SimError);
			expect(() => parseSeedFlag(bad)).toThrow(
				`invalid --seed ${JSON.stringify(bad)}: must be a non-negative integer`,
			);
		}
	});

	it("--duration takes a duration > 0", () => {
		expect(parseDurationFlag("1h30m")).toBe(5_400_000);
		expect(parseDurationFlag("90")).toBe(90_000);
		expect(() => parseDurationFlag("5x")).toThrow('invalid --duration "5x": unknown unit "x"');
		expect(() => parseDurationFlag("0s")).toThrow('invalid --duration "0s": must be longer than 0');
	});
});

describe("main (in process)", () => {
	it("validate prints a one-line summary", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "validate", "examples/quickstart.yaml"], io)).toBe(0);
		expect(out.stdout).toBe("ok: quickstart, 1000 agents, 4 frameworks\n");
		expect(out.stderr).toBe("");
	});

	it("validate --print prints the resolved scenario", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "validate", "--print", "examples/drf-paper.yaml"], io)).toBe(0);
		expect(JSON.parse(out.stdout)).toMatchObject({ name: "drf-paper", durationMs: 120_000 });
	});

	it("errors go through formatErrorForCli: one message, exit 2", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "run", "--seed", "abc", "examples/quickstart.yaml"], io)).toBe(2);
		expect(out.stderr).toBe('mesosim: invalid --seed "abc": must be a non-negative integer\n');
		expect(out.stdout).toBe("");
	});

	it("usage errors are exit 2 with a hint", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "run", "--sed", "1", "x.yaml"], io)).toBe(2);
		expect(out.stderr).toBe(
			"mesosim: unknown option '--sed' (did you mean --seed?) (see mesosim run --help)\n",
		);
	});

	it("--version and --help exit 0", async () => {
		const v = captureCliIo();
		expect(await main(["node", "mesosim", "--version"], v.io)).toBe(0);
		expect(v.out.stdout).toMatch(/^\d+\.\d+\.\d+/);
		const h = captureCliIo();
		expect(await main(["node", "mesosim", "run", "--help"], h.io)).toBe(0);
		expect(h.out.stdout).toContain("--check-invariants");
	});
});

describe("plots", () => {
	it("sparkline maps [0, max] onto eight bar heights and buckets long series", async () => {
		const { sparkline } = await import("../../sim/report/plot.js");
		expect(sparkline([0, 0.5, 1])).toBe("▁▅█");
		expect(sparkline([0, 2, 4], 3, 4)).toBe("▁▅█");
		expect(
			sparkline(
				Array.from({ length: 100 }, (_, i) => i / 99),
				10,
			),
		).toHaveLength(10);
		expect(sparkline([])).toBe("");
	});

	it("svgPlot draws one line per series with a legend entry per framework", async () => {
		const { svgPlot } = await import("../../sim/report/plot.js");
		const r = {
			...report,
			series: { tMs: [0, 1000, 2000], cpus: [0, 0.5, 1], mem: [0, 0.2, 0.4], shares: [[0, 0.3, 0.6]] },
			frameworks: [report.frameworks[0]!],
		};
		const svg = svgPlot(r as typeof report);
		expect(svg.startsWith("<svg")).toBe(true);
		expect(svg.match(/<polyline/g)).toHaveLength(3);
		expect(svg).toContain(`>${report.frameworks[0]!.name}<`);
	});
});
