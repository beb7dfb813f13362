/**
 * CI smoke of `mesosim bench`: every benchmark at a tiny size (seconds), its
 * output lines parse and its JSON has the fields. No time is ever asserted.
 */
import { describe, expect, it } from "vitest";
import { BENCHMARKS, type CellResult, runCell } from "../../sim/bench/allocator.js";
import { ENGINE_PARTS, runEnginePart } from "../../sim/bench/engine.js";
import { compareTable, ROUND_LINE, roundLine, summaryTable } from "../../sim/bench/report.js";
import { fragment } from "../../sim/bench/setup.js";
import { runSoak, soakPlot, soakScenario, soakVerdict } from "../../sim/bench/soak.js";
import { main } from "../../sim/cli/main.js";
import { captureCliIo } from "../helpers/cli-io.js";

function expectCell(c: CellResult): void {
	expect(typeof c.benchmark).toBe("string");
	expect(c.agents).toBeGreaterThan(0);
	expect(c.frameworks).toBeGreaterThan(0);
	expect(c.rounds.length).toBeGreaterThan(0);
	for (const r of c.rounds) {
		expect(typeof r.ms).toBe("number");
		// allocate() is the part of the round before the OFFERS events are built.
		expect(r.allocateMs).toBeGreaterThanOrEqual(0);
		expect(r.allocateMs).toBeLessThanOrEqual(r.ms);
		expect(Number.isInteger(r.offers)).toBe(true);
		expect(Number.isInteger(r.filtered)).toBe(true);
		expect(Number.isInteger(r.visited)).toBe(true);
	}
	for (const k of ["medianRoundMs", "medianAllocateMs", "floorMs", "ratio", "setupMs"] as const)
		expect(typeof c[k]).toBe("number");
	expect(Number.isFinite(c.medianRoundMs)).toBe(true);
}

describe("bench allocator (functions)", () => {
	it.each([
		["DeclineOffers", { agents: 40, frameworks: 4, rounds: 10 }],
		["SuppressOffers", { agents: 40, frameworks: 10 }],
		["ExtremeSuppressOffers", { agents: 40, frameworks: 10 }],
		["MultiFrameworkAllocations", { agents: 10, frameworks: 554, rounds: 3 }],
		["LargeAndSmallQuota", { agents: 30, frameworks: 30, smallRoles: 25, largeRoles: 5, variant: "drf" }],
	] as const)("%s runs and reports every field", (benchmark, size) => {
		const c = runCell({ benchmark, ...size });
		expectCell(c);
		expect(c.benchmark).toBe(benchmark);
	});

	it("covers every benchmark of the set", () => {
		expect([...BENCHMARKS].sort()).toEqual(
			[
				"DeclineOffers",
				"ExtremeSuppressOffers",
				"LargeAndSmallQuota",
				"MultiFrameworkAllocations",
				"SuppressOffers",
			].sort(),
		);
	});

	it("DeclineOffers offers each agent to the next framework: F working rounds, then nothing", () => {
		const c = runCell({ benchmark: "DeclineOffers", agents: 20, frameworks: 3, rounds: 6 });
		expect(c.rounds.map((r) => r.offers)).toEqual([20, 20, 0, 0, 0, 0]);
		expect(c.rounds.map((r) => r.filtered)).toEqual([20, 40, 60, 60, 60, 60]);
	});

	it("is deterministic: the same cell gives the same offers and event-log hash", () => {
		const a = runCell({ benchmark: "DeclineOffers", agents: 30, frameworks: 5, rounds: 8 });
		const b = runCell({ benchmark: "DeclineOffers", agents: 30, frameworks: 5, rounds: 8 });
		expect(a.rounds.map((r) => r.offers)).toEqual(b.rounds.map((r) => r.offers));
		expect(a.extra.eventLogHash).toBe(b.extra.eventLogHash);
	});

	it("Mesos's fragment(): every other port from the front", () => {
		expect(fragment({ begin: 1, end: 10 }, 4)).toEqual([
			{ begin: 1, end: 1 },
			{ begin: 3, end: 3 },
			{ begin: 5, end: 5 },
			{ begin: 7, end: 10 },
		]);
	});

	it("round lines have Mesos's shape, allocate() means what the tables mean by it, and parse back", () => {
		const line = roundLine(3, { ms: 1.5, allocateMs: 1.2, offers: 10, filtered: 20, visited: 10 });
		// "allocate()" is one thing everywhere: the part of the round before the OFFERS events are built.
		expect(line).toBe(
			"round 3 allocate() took 1.200 ms to make 10 offers after filtering 20 offers (whole round 1.500 ms)",
		);
		expect(ROUND_LINE.exec(line)?.slice(1)).toEqual(["3", "1.200", "10", "20", "1.500"]);
		const c = runCell({ benchmark: "DeclineOffers", agents: 20, frameworks: 3, rounds: 3 });
		expect(summaryTable([c])).toContain("of which allocate() ms");
	});

	it("tables: summary, and the comparison marks Mesos's figures as published on other hardware", () => {
		const c = runCell({ benchmark: "DeclineOffers", agents: 20, frameworks: 3, rounds: 3 });
		expect(summaryTable([c])).toContain("median round");
		const fake: CellResult = { ...c, agents: 2000, frameworks: 200 };
		const t = compareTable([[fake]]);
		expect(t).toContain("published, other hardware");
		expect(t).toContain("MESOS-4694");
	});
});

describe("mesosim bench allocator (CLI)", () => {
	it("prints one parsable line per round and a table", async () => {
		const { out, io } = captureCliIo();
		const code = await main(
			["node", "mesosim", "bench", "allocator", "--agents", "30", "--frameworks", "3", "--rounds", "4"],
			io,
		);
		expect(code).toBe(0);
		const rounds = out.stdout.split("\n").filter((l) => l.startsWith("round "));
		expect(rounds).toHaveLength(4);
		for (const l of rounds) expect(l).toMatch(ROUND_LINE);
		expect(out.stdout).toContain("median round");
	});

	it("--json gives the cells with their fields", async () => {
		const { out, io } = captureCliIo();
		const code = await main(
			[
				"node",
				"mesosim",
				"bench",
				"allocator",
				"-b",
				"large-and-small-quota",
				"--agents",
				"30",
				"--variant",
				"drf",
				"--json",
			],
			io,
		);
		expect(code).toBe(0);
		const j = JSON.parse(out.stdout) as { machine: { node: string }; cells: CellResult[] };
		expect(j.machine.node).toBe(process.version);
		expect(j.cells).toHaveLength(1);
		expectCell(j.cells[0]!);
		expect(j.cells[0]!.benchmark).toBe("LargeAndSmallQuota");
	});

	it.each([
		[["--agents", "x"], /invalid --agents "x"/],
		[["--benchmark", "nope"], /invalid --benchmark "nope"/],
		[["--rounds", "-1"], /--rounds/],
		[["-b", "LargeAndSmallQuota", "--variant", "fifo"], /invalid --variant "fifo"/],
	])("bad flags %j: exit 2, one message, no stack trace", async (flags, message) => {
		const { out, io } = captureCliIo();
		const code = await main(["node", "mesosim", "bench", "allocator", ...flags], io);
		expect(code).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(out.stderr).not.toMatch(/\n\s+at /);
	});
});

describe("bench engine", () => {
	it.each(ENGINE_PARTS.map((p) => [p]))("%s runs at a tiny size and reports its figures", async (part) => {
		const r = await runEnginePart({
			part,
			agents: part === "build" ? 300 : 60,
			durationMs: 60_000,
		});
		expect(r.part).toBe(part);
		expect(r.agents).toBeGreaterThan(0);
		for (const k of [
			"simPerWall",
			"eventsPerSecond",
			"peakRssMb",
			"heapUsedMb",
			"heapPerAgentBytes",
			"wallMs",
		] as const)
			expect(typeof r[k]).toBe("number");
		if (part === "build") expect(Object.keys(r.buildMs ?? {}).sort()).toEqual(["1000", "300"]);
		if (part === "catalog-day" || part === "mixed-hour") {
			expect(r.simulatedMs).toBe(60_000);
			expect(r.events).toBeGreaterThan(0);
		}
	});

	it("the CLI prints a table, and --json the results", async () => {
		const a = captureCliIo();
		expect(
			await main(
				["node", "mesosim", "bench", "engine", "--part", "build", "--agents", "200", "--in-process"],
				a.io,
			),
		).toBe(0);
		expect(a.out.stdout).toContain("build");
		const b = captureCliIo();
		expect(
			await main(
				[
					"node",
					"mesosim",
					"bench",
					"engine",
					"--part",
					"idle-heap",
					"--agents",
					"200",
					"--in-process",
					"--json",
				],
				b.io,
			),
		).toBe(0);
		const j = JSON.parse(b.out.stdout) as { results: { part: string; heapPerAgentBytes: number }[][] };
		expect(j.results[0]![0]!.part).toBe("idle-heap");
	});

	it("bad --part: exit 2", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "bench", "engine", "--part", "all-day"], io)).toBe(2);
		expect(out.stderr).toMatch(/invalid --part "all-day"/);
	});
});

describe("bench soak", () => {
	const tiny = {
		durationMs: 20 * 60_000,
		agents: 20,
		frameworks: 2,
		sampleMs: 5 * 60_000,
		crashEveryMs: 60_000,
		seed: 3,
	};

	it("its scenario crashes frameworks, flaps and crashes agents, from the seed", () => {
		const sc = soakScenario({ ...tiny, durationMs: 3_600_000 });
		const count = (action: string) => sc.timeline.filter((e) => e.action === action).length;
		expect(count("disconnectFramework")).toBe(59);
		expect(count("flapAgents")).toBe(11);
		expect(count("crashAgents")).toBe(1);
		const crashes = sc.timeline.filter((e) => e.action === "disconnectFramework");
		for (const e of crashes) expect(e.downForMs).toBeGreaterThanOrEqual(10_000);
		expect(soakScenario({ ...tiny, durationMs: 3_600_000 })).toEqual(sc);
	});

	it("samples memory over simulated time while frameworks crash and HTTP schedulers drop", async () => {
		const seen: number[] = [];
		const r = await runSoak({ ...tiny, onSample: (_, done) => seen.push(done) });
		expect(seen).toEqual([1, 2, 3, 4]);
		expect(r.samples.map((s) => s.atMs)).toEqual([5, 10, 15, 20].map((m) => m * 60_000));
		for (const s of r.samples) {
			expect(s.rssMb).toBeGreaterThan(0);
			expect(s.heapUsedMb).toBeGreaterThan(0);
			// The operator stream is read all along and keeps up.
			expect(s.openStreams).toBe(1);
		}
		expect(r.crashes).toBe(19);
		expect(r.httpSubscriptions).toBe(4);
		// Each HTTP scheduler (failover timeout 0) is removed once it drops.
		expect(r.samples.at(-1)!.completedFrameworks).toBe(3);
		expect(r.operatorResubscriptions).toBe(0);
		expect(r.operatorEventBytes).toBeGreaterThan(0);
		expect(typeof r.flat).toBe("boolean");
		expect(soakPlot(r).split("\n")).toHaveLength(4);
		expect(soakVerdict(r)).toMatch(/^(flat|GROWING): heap /);
	}, 60_000);

	it("the CLI prints a table, a plot and the verdict, and --json the result; bad flags exit 2", async () => {
		const a = captureCliIo();
		const args = [
			"node",
			"mesosim",
			"bench",
			"soak",
			"--duration",
			"10m",
			"--agents",
			"10",
			"--frameworks",
			"2",
		];
		expect(await main([...args, "--sample", "5m"], a.io)).toBe(0);
		expect(a.out.stdout).toContain("heap used");
		expect(a.out.stdout).toMatch(/^(flat|GROWING): heap /m);
		const b = captureCliIo();
		expect(await main([...args, "--sample", "10m", "--json"], b.io)).toBe(0);
		const j = JSON.parse(b.out.stdout) as { samples: unknown[]; machine: { node: string } };
		expect(j.samples).toHaveLength(1);
		expect(j.machine.node).toBe(process.version);
		const c = captureCliIo();
		expect(await main([...args, "--sample", "1h"], c.io)).toBe(2);
		expect(c.out.stderr).toMatch(/invalid --sample "1h"/);
	}, 60_000);
});
