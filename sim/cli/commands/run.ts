/**
 * `mesosim run SCENARIO`: run a scenario on the virtual clock as fast as the
 * CPU allows, then print a summary table (stdout) and optionally write the
 * JSON report. A progress bar is drawn on stderr when it is a terminal.
 */
import { existsSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { isSimError, simError } from "../../../common/errors.js";
import { formatDuration } from "../../../common/schema/duration.js";
import { checkChameleonSpecs } from "../../chameleon.js";
import { svgPlot } from "../../report/plot.js";
import type { Report } from "../../report/types.js";
import type { Simulation } from "../../runner/index.js";
import { loadScenarioFile } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import type { CliContext } from "../context.js";
import { badFlag, checkPlotFlag, parseAgentsFlag, parseDurationFlag, parseSeedFlag } from "../flags.js";
import { formatSummary } from "../summary.js";

export interface RunFlags {
	agents?: string;
	agentShape?: string;
	package?: string[];
	pattern?: string[];
	seed?: string;
	duration?: string;
	json?: string;
	plot?: string;
	html?: string;
	trace?: string;
	quiet?: boolean;
	checkInvariants?: boolean;
}

export interface RunOverrides {
	seed?: number;
	durationMs?: number;
}

/** Parses --seed and --duration. Throws SIM_ERR_BAD_FLAG. */
export function parseRunOverrides(flags: Pick<RunFlags, "seed" | "duration">): RunOverrides {
	const out: RunOverrides = {};
	if (flags.seed !== undefined) out.seed = parseSeedFlag(flags.seed);
	if (flags.duration !== undefined) out.durationMs = parseDurationFlag(flags.duration);
	return out;
}

/** The scenario with --seed / --duration applied. */
export function applyRunOverrides(scenario: Scenario, o: RunOverrides): Scenario {
	return { ...scenario, seed: o.seed ?? scenario.seed, durationMs: o.durationMs ?? scenario.durationMs };
}

/** Fails before a long run if the --json target cannot be written. */
function checkOutputPath(path: string): void {
	if (path === "-") return;
	const dir = dirname(path);
	if (!existsSync(dir) || !statSync(dir).isDirectory())
		throw simError("SIM_ERR_OUTPUT", { path, reason: `directory ${dir} does not exist` });
	if (existsSync(path) && statSync(path).isDirectory())
		throw simError("SIM_ERR_OUTPUT", { path, reason: "it is a directory" });
}

function writeReport(path: string, report: Report, ctx: CliContext): void {
	const text = `${JSON.stringify(report, null, 2)}\n`;
	if (path === "-") {
		ctx.stdout.write(text);
		return;
	}
	try {
		writeFileSync(path, text);
	} catch (err) {
		throw simError("SIM_ERR_OUTPUT", { path, reason: (err as Error).message }, { cause: err });
	}
}

function writePlot(path: string, report: Report, ctx: CliContext): void {
	writeOutput(path, svgPlot(report), ctx);
}

function writeOutput(path: string, text: string, ctx: CliContext): void {
	if (path === "-") {
		ctx.stdout.write(text);
		return;
	}
	try {
		writeFileSync(path, text);
	} catch (err) {
		throw simError("SIM_ERR_OUTPUT", { path, reason: (err as Error).message }, { cause: err });
	}
}

/** --html: the dashboard's report recorder (web/server), attached before the run and sampled as it goes. */
async function htmlReportHooks() {
	const { HtmlReport } = await import("../../../web/server/index.js");
	let recorder: InstanceType<typeof HtmlReport> | null = null;
	return {
		onBuilt: (sim: Simulation) => {
			recorder = new HtmlReport(sim);
		},
		onProgress: () => recorder?.sample(),
		page: async () => (recorder === null ? "" : recorder.html()),
	};
}

async function openTrace(path: string) {
	const { TraceWriter } = await import("../../explain/index.js");
	return new TraceWriter(path);
}

/** A progress bar on stderr; updates are skipped unless they move it by 0.1% or more. */
function progressBar(ctx: CliContext): {
	onProgress: (simMs: number, totalMs: number) => void;
	stop: () => void;
} {
	const bar = new cliProgress.SingleBar(
		{
			stream: ctx.progressStream,
			gracefulExit: false,
			hideCursor: true,
			clearOnComplete: true,
			format: " {bar} {percentage}% | {sim} of {end} simulated | ETA {eta_formatted}",
		},
		cliProgress.Presets.shades_classic,
	);
	let started = false;
	let last = -1;
	return {
		onProgress(simMs, totalMs) {
			if (!started) {
				bar.start(totalMs, 0, { sim: formatDuration(0), end: formatDuration(totalMs) });
				started = true;
			}
			if (simMs - last < totalMs / 1000 && simMs < totalMs) return;
			last = simMs;
			bar.update(simMs, { sim: formatDuration(Math.floor(simMs / 1000) * 1000) });
		},
		stop() {
			if (started) bar.stop();
		},
	};
}

function collect(value: string, previous: string[]): string[] {
	return [...previous, value];
}

/**
 * Checks each --pattern value as the chameleon reads it ("pattern:VALUE"),
 * reporting a bad one under --pattern with the value as typed.
 */
function checkPatternFlags(patterns: readonly string[], frameworkFromFlag: (value: string) => unknown): void {
	for (const p of patterns) {
		try {
			frameworkFromFlag(`pattern:${p}`);
		} catch (err) {
			if (!isSimError(err) || err.code !== "SIM_ERR_BAD_FLAG") throw err;
			// The message is "invalid --package "pattern:VALUE": REASON"; keep REASON in --pattern's terms.
			const reason = err.message
				.replace(`invalid --package ${JSON.stringify(`pattern:${p}`)}: `, "")
				.replace(/pattern:PATTERN/g, "PATTERN");
			badFlag("--pattern", p, reason);
		}
	}
}

/** The scenario file, or a DC/OS-style scenario built from --agents and --package/--pattern. */
async function scenarioFromArgs(file: string | undefined, flags: RunFlags): Promise<Scenario> {
	const patterns = flags.pattern ?? [];
	const packages = [...(flags.package ?? []), ...patterns.map((p) => `pattern:${p}`)];
	const fromFlags = flags.agents !== undefined || packages.length > 0 || flags.agentShape !== undefined;
	if (file !== undefined) {
		if (fromFlags)
			throw simError("SIM_ERR_USAGE", {
				reason:
					"give either a scenario file or --agents/--package/--pattern, not both (see mesosim run --help)",
			});
		const scenario = loadScenarioFile(file);
		// As `mesosim validate` does: a bad chameleon spec is reported with the file's name.
		checkChameleonSpecs(scenario, file);
		return scenario;
	}
	if (!fromFlags)
		throw simError("SIM_ERR_USAGE", {
			reason: "missing scenario: give a file, or --agents N with --package NAME (see mesosim run --help)",
		});
	if (flags.agents === undefined)
		throw simError("SIM_ERR_USAGE", {
			reason: "--package and --pattern need --agents N (see mesosim run --help)",
		});
	const agents = parseAgentsFlag(flags.agents);
	// An hour of an idle cluster would report nothing but a fairness of 1.000: say so instead.
	if (packages.length === 0)
		throw simError("SIM_ERR_USAGE", {
			reason:
				"nothing to schedule: --agents N without --package or --pattern is a cluster with no frameworks; add --package NAME (see mesosim package list), or run `mesosim serve --agents N` and connect a framework",
		});
	const { frameworkFromFlag, scenarioFromFlags } = await import("../../../frameworks/chameleon/index.js");
	checkPatternFlags(patterns, frameworkFromFlag);
	const { validateScenario } = await import("../../scenario/index.js");
	const input = scenarioFromFlags({
		agents,
		...(flags.agentShape === undefined ? {} : { agentShape: flags.agentShape }),
		packages,
		duration: flags.duration ?? "1h",
	});
	return validateScenario(input, { sourceName: "flags" });
}

export function registerRun(program: Command, ctx: CliContext): void {
	program
		.command("run")
		.description("run a scenario on the virtual clock and print a summary")
		.argument("[scenario]", "scenario file (.yaml, .yml or .json); or build one with --agents and --package")
		.option("--agents <n>", "no file: a cluster of N identical agents (see --agent-shape)")
		.option("--agent-shape <shape>", 'with --agents: "cpus/mem/disk[/gpus]" in MB (default 8/32768/204800)')
		.option(
			"--package <name>",
			"with --agents: install a chameleon package, NAME or NAME:ALIAS (repeatable; see `mesosim package list`)",
			collect,
			[],
		)
		.option(
			"--pattern <pattern>",
			"with --agents: run a bare chameleon pattern, PATTERN or PATTERN:ALIAS (repeatable)",
			collect,
			[],
		)
		.option("--seed <n>", "seed for every random stream (overrides the file's seed)")
		.option("--duration <d>", 'simulated time to run, e.g. "90s", "15m", "1h30m" (overrides the file)')
		.option("--json <file>", 'write the report as JSON to FILE ("-": stdout, and no table)')
		.option(
			"--plot <file>",
			"write an SVG chart (FILE.svg, or - for stdout) of utilisation and dominant shares over time",
		)
		.option("--html <file>", "write a self-contained HTML report: the dashboard's charts and the final map")
		.option(
			"--trace <file>",
			"write every allocation decision and every answer to an offer as NDJSON to FILE (docs/explain.md)",
		)
		.option("-q, --quiet", "no progress bar")
		.option("--check-invariants", "check cluster invariants during the run; exit 3 if one is broken")
		.action(async (file: string | undefined, flags: RunFlags) => {
			// Flags first (cheap), then the file, then the output path: fail before a long run.
			const overrides = parseRunOverrides(flags);
			if (flags.plot !== undefined) checkPlotFlag(flags.plot);
			const scenario = applyRunOverrides(await scenarioFromArgs(file, flags), overrides);
			if (flags.json !== undefined) checkOutputPath(flags.json);
			if (flags.plot !== undefined) checkOutputPath(flags.plot);
			if (flags.html !== undefined) checkOutputPath(flags.html);
			const html = flags.html === undefined ? null : await htmlReportHooks();
			// Opened now: a path that cannot be written fails before the run.
			const trace = flags.trace === undefined ? null : await openTrace(flags.trace);
			ctx.logger.debug(
				{ scenario: scenario.name, seed: scenario.seed, durationMs: scenario.durationMs },
				"run",
			);
			const { runScenario, recordDecisions } = await import("../../runner/index.js");
			const progress = ctx.stderrIsTTY && flags.quiet !== true ? progressBar(ctx) : undefined;
			let report: Report;
			try {
				report = await runScenario(scenario, {
					checkInvariants: flags.checkInvariants === true,
					onBuilt: (sim) => {
						html?.onBuilt(sim);
						if (trace !== null) recordDecisions(sim, trace);
					},
					onProgress: (t, total) => {
						html?.onProgress();
						progress?.onProgress(t, total);
					},
				});
			} finally {
				progress?.stop();
				trace?.close();
			}
			if (flags.json !== undefined) writeReport(flags.json, report, ctx);
			if (flags.plot !== undefined) writePlot(flags.plot, report, ctx);
			if (flags.html !== undefined && html !== null) writeOutput(flags.html, await html.page(), ctx);
			if (flags.json !== "-") ctx.stdout.write(formatSummary(report, { width: ctx.columns }));
			const inv = report.invariants;
			if (inv.violations > 0)
				throw simError("SIM_ERR_INVARIANT_VIOLATION", {
					count: inv.violations,
					first: inv.firstViolation ?? "(not recorded)",
				});
		});
}
