/**
 * `mesosim bench allocator`, `engine`, `load` and `soak` (sim/bench/).
 *
 * Round lines and tables go to stdout; a progress bar to stderr when it is a
 * terminal (and the round lines are not being printed to the same terminal).
 * `--processes N` reruns the same selection in N fresh child processes and
 * reports median [min–max] across them, as docs/benchmarks.md does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import type { CliContext } from "../context.js";
import { parseDurationFlag, parseSeedFlag } from "../flags.js";

interface AllocatorFlags {
	benchmark: string;
	agents?: string;
	frameworks?: string;
	rounds?: string;
	variant?: string;
	json?: string | boolean;
	compare?: boolean;
	processes?: string;
	seed?: string;
	recordDecisions?: boolean;
	quiet?: boolean;
}

interface EngineFlags {
	part?: string;
	agents?: string;
	duration?: string;
	workload?: string;
	json?: string | boolean;
	processes?: string;
	inProcess?: boolean;
	seed?: string;
	quiet?: boolean;
}

interface SoakFlags {
	duration?: string;
	agents?: string;
	frameworks?: string;
	sample?: string;
	crashEvery?: string;
	seed?: string;
	json?: string | boolean;
	quiet?: boolean;
}

function badFlag(flag: string, value: string, reason: string): never {
	throw simError("SIM_ERR_BAD_FLAG", { flag, value: JSON.stringify(value), reason });
}

function positiveInt(flag: string, value: string | undefined, max = 10_000_000): number | undefined {
	if (value === undefined) return undefined;
	const v = value.trim();
	if (!/^\d+$/.test(v) || Number(v) < 1) badFlag(flag, value, "must be a whole number >= 1");
	const n = Number(v);
	if (n > max) badFlag(flag, value, `must be at most ${max}`);
	return n;
}

function norm(s: string): string {
	return s.toLowerCase().replace(/[^a-z]/g, "");
}

/** Where --json writes: undefined (not asked), "-" (stdout) or a file path (checked now). */
function jsonTarget(json: string | boolean | undefined): string | undefined {
	if (json === undefined || json === false) return undefined;
	if (json === true || json === "-") return "-";
	const dir = dirname(json);
	if (!existsSync(dir) || !statSync(dir).isDirectory())
		throw simError("SIM_ERR_OUTPUT", { path: json, reason: `directory ${dir} does not exist` });
	return json;
}

function writeJson(target: string, value: unknown, ctx: CliContext): void {
	const text = `${JSON.stringify(value, null, 2)}\n`;
	if (target === "-") {
		ctx.stdout.write(text);
		return;
	}
	try {
		writeFileSync(target, text);
	} catch (err) {
		throw simError("SIM_ERR_OUTPUT", { path: target, reason: (err as Error).message }, { cause: err });
	}
}

/** The machine, for the record (docs/benchmarks.md wants it beside every figure). */
export function machineInfo(): { cpu: string; cores: number; memGb: number; node: string; platform: string } {
	const c = cpus();
	return {
		cpu: c[0]?.model ?? "unknown",
		cores: c.length,
		memGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		platform: `${process.platform}-${process.arch}`,
	};
}

function machineLine(): string {
	const m = machineInfo();
	return `machine: ${m.cpu}, ${m.cores} cores, ${m.memGb} GB, Node ${m.node}`;
}

/** Runs bin/mesosim.js with `args` in a fresh process and parses its JSON stdout. */
function child(args: string[]): unknown {
	const bin = fileURLToPath(new URL("../../../bin/mesosim.js", import.meta.url));
	const res = spawnSync(process.execPath, [bin, ...args], {
		encoding: "utf8",
		maxBuffer: 1024 * 1024 * 1024,
		stdio: ["ignore", "pipe", "pipe"],
	});
	if (res.status !== 0) {
		const why = (res.stderr ?? "").trim().split("\n").slice(-3).join(" / ") || `exit ${String(res.status)}`;
		throw simError("SIM_ERR_BENCH_PROCESS", { command: `mesosim ${args.join(" ")}`, reason: why });
	}
	try {
		return JSON.parse(res.stdout);
	} catch (err) {
		throw simError(
			"SIM_ERR_BENCH_PROCESS",
			{ command: `mesosim ${args.join(" ")}`, reason: "its output is not JSON" },
			{ cause: err },
		);
	}
}

function progress(ctx: CliContext, enabled: boolean) {
	if (!enabled) return null;
	const bar = new cliProgress.SingleBar(
		{
			stream: ctx.progressStream,
			gracefulExit: false,
			hideCursor: true,
			clearOnComplete: true,
			format: " {bar} {value}/{total} {label} | ETA {eta_formatted}",
		},
		cliProgress.Presets.shades_classic,
	);
	let started = false;
	return {
		update(value: number, total: number, label: string) {
			if (!started) {
				bar.start(total, value, { label });
				started = true;
			}
			bar.setTotal(total);
			bar.update(value, { label });
		},
		stop() {
			if (started) bar.stop();
			started = false;
		},
	};
}

// ---- allocator -----------------------------------------------------------------

async function benchAllocator(flags: AllocatorFlags, ctx: CliContext): Promise<void> {
	const A = await import("../../bench/allocator.js");
	const R = await import("../../bench/report.js");
	const { publishedCells } = await import("../../bench/published.js");
	type CellSpec = import("../../bench/allocator.js").CellSpec;
	type CellResult = import("../../bench/allocator.js").CellResult;

	const agents = positiveInt("--agents", flags.agents);
	const frameworks = positiveInt("--frameworks", flags.frameworks);
	const processes = positiveInt("--processes", flags.processes, 100);
	const seed = flags.seed === undefined ? undefined : parseSeedFlag(flags.seed);
	let rounds: number | "full" | undefined;
	if (flags.rounds !== undefined)
		rounds = flags.rounds.trim() === "full" ? "full" : positiveInt("--rounds", flags.rounds);
	const wanted = norm(flags.benchmark);
	const names =
		wanted === "all"
			? [...A.BENCHMARKS]
			: A.BENCHMARKS.filter((b) => norm(b) === wanted || norm(b).replace(/offers$/, "") === wanted);
	if (names.length === 0)
		badFlag(
			"--benchmark",
			flags.benchmark,
			`must be one of ${A.BENCHMARKS.join(", ")} or all (any case, dashes allowed)`,
		);
	if (flags.variant !== undefined && flags.variant !== "drf" && flags.variant !== "random")
		badFlag("--variant", flags.variant, "must be drf or random");
	const json = jsonTarget(flags.json);

	// The cells to run.
	const cells: CellSpec[] = [];
	const single = agents !== undefined && frameworks !== undefined;
	const cap: number | "full" = rounds ?? (single ? "full" : 20);
	const record = flags.recordDecisions === true;
	const withSeed = (c: CellSpec): CellSpec => ({
		...c,
		...(seed === undefined ? {} : { seed }),
		...(record ? { recordDecisions: true } : {}),
	});
	if (
		flags.compare === true &&
		agents === undefined &&
		frameworks === undefined &&
		flags.benchmark === "DeclineOffers"
	) {
		for (const c of publishedCells())
			cells.push(
				withSeed({
					...c,
					...(c.benchmark === "DeclineOffers"
						? { rounds: A.declineRounds(c.frameworks, rounds ?? "full") }
						: {}),
				}),
			);
	} else {
		for (const b of names) {
			if (b === "DeclineOffers" || b === "SuppressOffers" || b === "ExtremeSuppressOffers") {
				const as = agents !== undefined ? [agents] : [...A.GRID_AGENTS];
				const fs = frameworks !== undefined ? [frameworks] : [...A.GRID_FRAMEWORKS];
				for (const a of as)
					for (const f of fs) {
						const c: CellSpec = { benchmark: b, agents: a, frameworks: f };
						if (b === "DeclineOffers") c.rounds = A.declineRounds(f, cap);
						else if (typeof rounds === "number") c.rounds = rounds;
						cells.push(withSeed(c));
					}
			} else if (b === "MultiFrameworkAllocations") {
				const c: CellSpec = { benchmark: b, agents: agents ?? A.MULTI_FRAMEWORK_AGENTS, frameworks: 554 };
				if (typeof rounds === "number") c.rounds = rounds;
				cells.push(withSeed(c));
			} else {
				const variants = flags.variant !== undefined ? [flags.variant] : ["drf", "random"];
				for (const [small, large] of A.QUOTA_SIZES) {
					const n = small + large;
					if (agents !== undefined && agents !== n && !single) continue;
					for (const v of variants) {
						const size = single || (agents !== undefined && agents !== n) ? agents! : n;
						const s = Math.round((size * small) / n);
						cells.push(
							withSeed({
								benchmark: b,
								agents: size,
								frameworks: size,
								smallRoles: s,
								largeRoles: size - s,
								variant: v,
							}),
						);
					}
					if (single) break;
				}
			}
		}
	}
	if (cells.length === 0) badFlag("--agents", String(agents), "selects no cell of this benchmark");

	// Several fresh processes: each runs the same selection with --json.
	if (processes !== undefined && processes > 1) {
		const args = childArgs("allocator", flags, ["--processes", "--json", "--compare", "--quiet"]);
		const runs: CellResult[][] = [];
		const bar = progress(ctx, ctx.stderrIsTTY && flags.quiet !== true);
		for (let p = 0; p < processes; p++) {
			bar?.update(p, processes, "processes");
			if (bar === null && flags.quiet !== true) ctx.stderr.write(`process ${p + 1}/${processes} …\n`);
			const out = child([...args, "--json", "-", "--quiet"]) as { cells: CellResult[] };
			runs.push(out.cells);
		}
		bar?.stop();
		if (json !== undefined)
			writeJson(json, { machine: machineInfo(), processes: runs.map((cells) => ({ cells })) }, ctx);
		if (json !== "-") {
			ctx.stdout.write(`${machineLine()}\n`);
			ctx.stdout.write(R.processesTable(runs));
			if (flags.compare === true) ctx.stdout.write(R.compareTable(runs));
		}
		return;
	}

	const printLines = json !== "-" && flags.quiet !== true;
	const stdoutTTY = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
	const bar = progress(ctx, ctx.stderrIsTTY && flags.quiet !== true && (!printLines || !stdoutTTY));
	const results: CellResult[] = [];
	if (printLines) {
		ctx.stdout.write(`${machineLine()}\n`);
		if (!single && cells.some((c) => c.benchmark === "DeclineOffers") && cap !== "full")
			ctx.stdout.write(
				`DeclineOffers rounds per cell: min(2 × frameworks, ${cap}) (--rounds full for Mesos's 2 × frameworks)\n`,
			);
	}
	try {
		for (let k = 0; k < cells.length; k++) {
			const spec = cells[k]!;
			const label = `${k + 1}/${cells.length} ${spec.benchmark} ${spec.agents}×${spec.frameworks}`;
			const res = A.runCell(spec, {
				onRound: (_c, i, total, r) => {
					if (printLines) ctx.stdout.write(`${R.roundLine(i, r)}\n`);
					bar?.update(i + 1, total, label);
				},
			});
			if (printLines) {
				ctx.stdout.write(
					`${R.cellTitle({ ...res, variant: res.variant })}: added in ${res.setupMs.toFixed(1)} ms; median round ${res.medianRoundMs} ms (allocate() ${res.medianAllocateMs} ms); floor ${res.floorMs} ms; ratio ${res.ratio}\n`,
				);
			}
			results.push(res);
		}
	} finally {
		bar?.stop();
	}
	if (json !== undefined) writeJson(json, { machine: machineInfo(), cells: results }, ctx);
	if (json !== "-") {
		ctx.stdout.write(R.summaryTable(results));
		if (flags.compare === true) ctx.stdout.write(R.compareTable([results]));
	}
}

/** The command line of a child process: the same flags, rebuilt from the parsed ones, minus `drop`. */
function childArgs(sub: string, flags: object, drop: string[]): string[] {
	const out = ["bench", sub];
	for (const [key, value] of Object.entries(flags)) {
		const name = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
		if (drop.includes(name) || value === undefined || value === false) continue;
		if (value === true) out.push(name);
		else out.push(name, String(value));
	}
	return out;
}

// ---- engine ----------------------------------------------------------------------

async function benchEngine(flags: EngineFlags, ctx: CliContext): Promise<void> {
	const E = await import("../../bench/engine.js");
	const { spread, fmtMs } = await import("../../bench/stats.js");
	type EngineResult = import("../../bench/engine.js").EngineResult;
	const parts =
		flags.part === undefined || flags.part === "all"
			? [...E.ENGINE_PARTS]
			: (E.ENGINE_PARTS as readonly string[]).includes(flags.part)
				? [flags.part as (typeof E.ENGINE_PARTS)[number]]
				: badFlag("--part", flags.part, `must be one of ${E.ENGINE_PARTS.join(", ")} or all`);
	const agents = positiveInt("--agents", flags.agents);
	const durationMs = flags.duration === undefined ? undefined : parseDurationFlag(flags.duration);
	const seed = flags.seed === undefined ? undefined : parseSeedFlag(flags.seed);
	const processes = positiveInt("--processes", flags.processes, 100) ?? 1;
	if (flags.workload !== undefined && flags.workload !== "catalog" && flags.workload !== "simple")
		badFlag("--workload", flags.workload, "must be catalog or simple");
	const json = jsonTarget(flags.json);

	const runs: EngineResult[][] = parts.map(() => []);
	const inProcess = flags.inProcess === true && processes === 1;
	for (let k = 0; k < parts.length; k++) {
		const part = parts[k]!;
		for (let p = 0; p < processes; p++) {
			if (inProcess) {
				const bar = progress(ctx, ctx.stderrIsTTY && flags.quiet !== true);
				try {
					runs[k]!.push(
						await E.runEnginePart({
							part,
							...(agents === undefined ? {} : { agents }),
							...(durationMs === undefined ? {} : { durationMs }),
							...(seed === undefined ? {} : { seed }),
							...(flags.workload === undefined ? {} : { workload: flags.workload as "catalog" | "simple" }),
							onProgress: (s, t) =>
								bar?.update(Math.floor(s / 1000), Math.floor(t / 1000), `simulated s (${part})`),
						}),
					);
				} finally {
					bar?.stop();
				}
			} else {
				if (flags.quiet !== true) ctx.stderr.write(`${part}: process ${p + 1}/${processes} …\n`);
				const args = childArgs("engine", flags, [
					"--processes",
					"--json",
					"--part",
					"--quiet",
					"--in-process",
				]);
				const out = child([...args, "--part", part, "--in-process", "--json", "-", "--quiet"]) as {
					results: EngineResult[][];
				};
				runs[k]!.push(out.results[0]![0]!);
			}
		}
	}
	if (json !== undefined) writeJson(json, { machine: machineInfo(), results: runs }, ctx);
	if (json === "-") return;
	const t = new Table({
		head: [
			"part",
			"agents",
			"workload",
			"simulated/wall",
			"events/s",
			"offers (µs wall each)",
			"wall s",
			"peak RSS MB",
			"heap/agent B",
			"build ms",
		],
		style: { head: [], border: [] },
		colWidths: [null, null, 30, null, null, null, null, null, null, null] as unknown as number[],
		wordWrap: true,
	});
	for (const rs of runs) {
		const r = rs[0]!;
		const f0 = (x: number) => x.toFixed(0);
		t.push([
			r.part,
			r.agents,
			r.workload,
			r.simPerWall > 0
				? spread(
						rs.map((x) => x.simPerWall),
						f0,
					)
				: "-",
			r.eventsPerSecond > 0
				? spread(
						rs.map((x) => x.eventsPerSecond),
						f0,
					)
				: "-",
			r.offers > 0
				? `${spread(
						rs.map((x) => x.offers),
						f0,
					)} (${spread(
						rs.map((x) => (x.wallMs * 1000) / x.offers),
						(x) => x.toFixed(1),
					)})`
				: "-",
			spread(
				rs.map((x) => x.wallMs / 1000),
				(x) => x.toFixed(2),
			),
			spread(
				rs.map((x) => x.peakRssMb),
				f0,
			),
			r.heapPerAgentBytes !== 0
				? spread(
						rs.map((x) => x.heapPerAgentBytes),
						f0,
					)
				: "-",
			r.buildMs === undefined
				? "-"
				: Object.keys(r.buildMs)
						.map(
							(n) =>
								`${n}: ${spread(
									rs.map((x) => x.buildMs?.[n] ?? 0),
									fmtMs,
								)}`,
						)
						.join(", "),
		]);
	}
	ctx.stdout.write(`${machineLine()}\n${t.toString()}\n`);
	if (processes > 1) ctx.stdout.write(`median [min–max] of ${processes} fresh processes per part.\n`);
}

// ---- soak -------------------------------------------------------------------------

async function benchSoak(flags: SoakFlags, ctx: CliContext): Promise<void> {
	const { runSoak, soakPlot, soakVerdict } = await import("../../bench/soak.js");
	const durationMs = parseDurationFlag(flags.duration ?? "4h");
	if (durationMs < 60_000) badFlag("--duration", flags.duration ?? "", "must be at least 1m");
	const sampleMs =
		flags.sample === undefined
			? Math.max(60_000, Math.round(durationMs / 24 / 60_000) * 60_000)
			: parseDurationFlag(flags.sample, "--sample");
	if (sampleMs < 1000 || sampleMs > durationMs)
		badFlag("--sample", flags.sample ?? "", "must be between 1s and the --duration");
	const crashEveryMs = parseDurationFlag(flags.crashEvery ?? "2m", "--crash-every");
	if (crashEveryMs < 1000) badFlag("--crash-every", flags.crashEvery ?? "", "must be at least 1s");
	const agents = positiveInt("--agents", flags.agents, 100_000) ?? 200;
	const frameworks = positiveInt("--frameworks", flags.frameworks, 1000) ?? 20;
	const seed = flags.seed === undefined ? 1 : parseSeedFlag(flags.seed);
	const json = jsonTarget(flags.json);
	const bar = progress(ctx, ctx.stderrIsTTY && flags.quiet !== true && json !== "-");
	const r = await runSoak({
		durationMs,
		agents,
		frameworks,
		sampleMs,
		crashEveryMs,
		seed,
		onSample: (s, done, total) =>
			bar?.update(done, total, `${(s.atMs / 3_600_000).toFixed(1)} h simulated, heap ${s.heapUsedMb} MB`),
	});
	bar?.stop();
	if (json !== undefined) {
		writeJson(json, { ...r, machine: machineInfo() }, ctx);
		if (json === "-") return;
	}
	const t = new Table({
		head: [
			"sim time",
			"wall s",
			"RSS MB",
			"heap MB",
			"external MB",
			"frameworks",
			"completed",
			"tasks",
			"agents up",
			"streams",
			"buffered KB",
		],
	});
	for (const s of r.samples)
		t.push([
			`${(s.atMs / 3_600_000).toFixed(2)} h`,
			(s.wallMs / 1000).toFixed(1),
			s.rssMb,
			s.heapUsedMb,
			s.externalMb,
			s.frameworks,
			s.completedFrameworks,
			s.tasks,
			s.agentsActive,
			s.openStreams,
			s.bufferedKb,
		]);
	ctx.stdout.write(
		`${machineLine()}
` +
			`soak: ${agents} agents, ${frameworks} frameworks, ${(durationMs / 3_600_000).toFixed(2)} h simulated in ${r.wallS} s; ` +
			`${r.crashes} framework crashes, ${r.httpSubscriptions} HTTP schedulers dropped, operator stream ${(r.operatorEventBytes / 2 ** 20).toFixed(1)} MB read (${r.operatorResubscriptions} resubscriptions)
` +
			`${t.toString()}
${soakPlot(r)}
${soakVerdict(r)}
`,
	);
}

export function registerBench(program: Command, ctx: CliContext): void {
	const bench = program
		.command("bench")
		.description("benchmarks: the allocator under Mesos's own set-ups, and whole simulated clusters");
	bench
		.command("allocator")
		.description(
			"Mesos's allocator benchmarks (DeclineOffers grid, SuppressOffers, ExtremeSuppressOffers, MultiFrameworkAllocations, LargeAndSmallQuota) on the real master",
		)
		.option(
			"-b, --benchmark <name>",
			"DeclineOffers, SuppressOffers, ExtremeSuppressOffers, MultiFrameworkAllocations, LargeAndSmallQuota or all",
			"DeclineOffers",
		)
		.option("--agents <n>", "one row of the grid (with --frameworks: one cell)")
		.option("--frameworks <n>", "one column of the grid (with --agents: one cell)")
		.option(
			"--rounds <n|full>",
			"DeclineOffers rounds per cell (default: Mesos's 2 × frameworks for one cell, min(2F, 20) for a grid)",
		)
		.option("--variant <drf|random>", "LargeAndSmallQuota sorter (default: both)")
		.option("--json [file]", 'write the results as JSON to FILE (no FILE or "-": stdout, and nothing else)')
		.option(
			"--compare",
			"print a table beside Mesos's published figures (alone: runs the cells that have one)",
		)
		.option("--processes <n>", "run the selection in N fresh processes and report median [min–max]")
		.option("--seed <n>", "seed of the allocator's shuffle and ids (default 1)")
		.option("--record-decisions", "record every allocation decision (docs/explain.md): what explaining costs")
		.option("-q, --quiet", "no round lines, no progress bar")
		.action(async (flags: AllocatorFlags) => {
			await benchAllocator(flags, ctx);
		});
	bench
		.command("engine")
		.description(
			"whole clusters: 10k agents × the chameleon catalog for a day, 60k agents for an hour, build time, heap per agent",
		)
		.option("--part <name>", "catalog-day, mixed-hour, build, idle-heap or all", "all")
		.option("--agents <n>", "agents (default: 10000 for catalog-day, 60000 for the others)")
		.option("--duration <d>", 'simulated time (default: 1d for catalog-day, 1h for mixed-hour), e.g. "10m"')
		.option(
			"--workload <catalog|simple>",
			"catalog (the chameleon catalog, default) or simple (built-in framework mix)",
		)
		.option("--json [file]", 'write the results as JSON to FILE (no FILE or "-": stdout, and nothing else)')
		.option("--processes <n>", "fresh processes per part; figures are median [min–max]", "1")
		.option("--in-process", "run in this process instead of a fresh child per part (peak RSS is then shared)")
		.option("--seed <n>", "scenario seed (default 42)")
		.option("-q, --quiet", "no progress output")
		.action(async (flags: EngineFlags) => {
			await benchEngine(flags, ctx);
		});
	bench
		.command("load")
		.description(
			"HTTP load: N remote frameworks on loopback against a live master (calls/s, latency, event lag, memory)",
		)
		.option("--frameworks <n>", "remote frameworks (HttpTransport), default 100")
		.option("--agents <n>", "agents of the master, default 1000")
		.option("--duration <d>", 'wall time measured, default "60s"')
		.option("--accept <n>", "offers each framework accepts per OFFERS event (one task each), default 1")
		.option("--command <cmd>", 'task command, default "sleep 5"')
		.option("--seed <n>", "seed (default 1)")
		.option(
			"--completed-tasks <n>",
			"the master's max completed tasks kept per framework (default 1000, as Mesos)",
		)
		.option("--dashboards <n>", "dashboards connected to the live feed while measuring (default 0)")
		.option("--json [file]", 'write the result as JSON to FILE (no FILE or "-": stdout, and nothing else)')
		.option("-q, --quiet", "no progress lines")
		.action(async (flags: import("../../bench/load.js").LoadFlags) => {
			const { benchLoad } = await import("../../bench/load.js");
			const { FEED_PATH } = await import("../../../web/protocol.js");
			// The master serves the dashboard, as `mesosim serve` does (sim/bench sits below web/).
			const module = new URL("../../../web/server/index.ts", import.meta.url).href;
			await benchLoad(flags, ctx, { module, feedPath: FEED_PATH });
		});
	bench
		.command("soak")
		.description(
			"hours of simulated time on the live-style master: frameworks crash and come back, agents flap, HTTP schedulers drop; memory sampled (flat or not)",
		)
		.option("--duration <d>", 'simulated time, default "4h"')
		.option("--agents <n>", "agents, default 200")
		.option("--frameworks <n>", "in-process frameworks (services and batch, tasks relaunched), default 20")
		.option("--sample <d>", "simulated time between memory samples (default: a 24th of the duration)")
		.option("--crash-every <d>", 'a framework crashes (back after 10 s to 3 min) this often, default "2m"')
		.option("--seed <n>", "seed (default 1)")
		.option("--json [file]", 'write the result as JSON to FILE (no FILE or "-": stdout, and nothing else)')
		.option("-q, --quiet", "no progress bar")
		.action(async (flags: SoakFlags) => {
			await benchSoak(flags, ctx);
		});
}
