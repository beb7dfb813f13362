/**
 * The plain-text summary `mesosim run` prints on stdout: a cluster line, three
 * narrow tables with one row per framework (offers, tasks, dominant share),
 * then cluster-wide figures; every line fits the width (80 by default). Pure
 * (report in, text out) and colour-free, so it is testable and safe to pipe. Numbers are
 * formatted with fixed rules (en-US grouping), never the machine's locale.
 */
import { formatDuration } from "../../common/schema/duration.js";
import { bars, resample } from "../report/plot.js";
import { formatTable, textWidth, wrapText } from "../report/table.js";
import type { FrameworkReport, Report } from "../report/types.js";

const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function formatNumber(n: number): string {
	return Number.isFinite(n) ? NUMBER.format(n) : String(n);
}

/** 0.4567 -> "45.7%". */
export function formatPercent(fraction: number): string {
	return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : "-";
}

/** Megabytes, as Mesos counts memory and disk, in binary units: 38400000 -> "36.6 TB". */
export function formatMegabytes(mb: number): string {
	const units = ["MB", "GB", "TB", "PB"];
	let v = mb;
	let k = 0;
	while (Math.abs(v) >= 1024 && k < units.length - 1) {
		v /= 1024;
		k++;
	}
	return `${k === 0 ? formatNumber(v) : v.toFixed(1)} ${units[k]}`;
}

function plural(n: number, word: string): string {
	return `${formatNumber(n)} ${word}${n === 1 ? "" : "s"}`;
}

function wallTime(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function compact(n: number): string {
	if (!Number.isFinite(n)) return String(n);
	if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
	if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
	if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
	return formatNumber(Math.round(n));
}

/** Bars in the share and utilisation sparklines. */
const SPARK_WIDTH = 24;

export interface SummaryOptions {
	/** The width every line fits in (default 80: the terminal's when it is one). */
	width?: number;
}

/** Label and value lines ("cpu utilisation  mean …"), values wrapped to the width. */
function figureLines(rows: readonly [string, string][], width: number): string {
	return formatTable([{ head: "" }, { head: "", wrap: true }], rows, width)
		.split("\n")
		.slice(1)
		.join("\n");
}

/** "Cluster: N agents, resources" on one line, or two when it does not fit. */
function clusterLines(agents: string, resources: string, width: number): string[] {
	const line = `${agents}, ${resources}`;
	return textWidth(line) <= width ? [line] : [`${agents},`, `  ${resources}`];
}

/** One row per framework: its name, then counts (and optionally one more column), right-aligned. */
function countTable(
	fws: readonly FrameworkReport[],
	heads: readonly string[],
	counts: (f: FrameworkReport) => number[],
	extra: { head: string; cell: (f: FrameworkReport) => string } | null,
	width: number,
): string {
	const right = { align: "right" as const };
	const columns = [{ head: "framework" }, ...heads.map((head) => ({ head, ...right }))];
	if (extra !== null) columns.push({ head: extra.head, ...right });
	return formatTable(
		columns,
		fws.map((f) => [f.name, ...counts(f).map(formatNumber), ...(extra === null ? [] : [extra.cell(f)])]),
		width,
	);
}

/** A table's title, wrapped to the width. */
function title(text: string, width: number): string {
	return wrapText(text, width).join("\n");
}

/** Dominant shares with a sparkline each: as many bars (24 at most, 8 at least) as the width leaves. */
function shareTable(report: Report, width: number): string {
	const right = { align: "right" as const };
	const end = report.simulatedMs;
	const tMs = report.series?.tMs ?? [];
	let text = "";
	for (let bars_ = SPARK_WIDTH; bars_ >= 8; bars_ -= 4) {
		// One scale for every framework's sparkline: the highest bar drawn is the top.
		const drawn = report.frameworks.map((_, i) => resample(report.series?.shares[i] ?? [], tMs, end, bars_));
		const top = Math.max(0.001, ...drawn.flat());
		text = formatTable(
			[
				{ head: "framework" },
				{ head: "role" },
				{ head: "share", ...right },
				{ head: "in tasks", ...right },
				{ head: "in offers", ...right },
				// Right-aligned: never cut (all rows have the same number of bars).
				{
					head:
						bars_ === SPARK_WIDTH ? `over the run (top ${formatPercent(top)})` : `top ${formatPercent(top)}`,
					...right,
				},
			],
			report.frameworks.map((f, i) => [
				f.name,
				f.roles.join(", ") || "*",
				formatPercent(f.dominantShare.final),
				formatPercent(f.dominantShare.finalInTasks ?? f.dominantShare.final),
				formatPercent(f.dominantShare.finalInHeldOffers ?? 0),
				tMs.length === 0 ? "" : bars(drawn[i]!, top),
			]),
			width,
		);
		if (text.split("\n").every((l) => textWidth(l) <= width)) break;
	}
	return text;
}

/** The run summary as text (ends with a newline); every line fits `width` columns. */
export function formatSummary(report: Report, opts: SummaryOptions = {}): string {
	const width = opts.width ?? 80;
	const out: string[] = [];
	const r = report.cluster.resources;
	const active =
		report.cluster.agentsActive === report.cluster.agents
			? ""
			: ` (${formatNumber(report.cluster.agentsActive)} active at the end)`;
	out.push(
		`Scenario ${report.scenario}, seed ${report.seed}, simulated ${formatDuration(report.simulatedMs)}`,
		...clusterLines(
			`Cluster: ${plural(report.cluster.agents, "agent")}${active}`,
			`${formatNumber(r.cpus)} cpus, ${formatMegabytes(r.mem)} mem, ${formatMegabytes(r.disk)} disk${r.gpus > 0 ? `, ${formatNumber(r.gpus)} gpus` : ""}`,
			width,
		),
		"",
	);

	const fws = report.frameworks;
	if (fws.length === 0) out.push("No frameworks: nothing was scheduled.", "");
	else {
		const firstOffer = (f: FrameworkReport) =>
			f.timeToFirstOfferMs === null ? "never" : formatDuration(f.timeToFirstOfferMs);
		out.push(
			title("Offers (held: outstanding at the end)", width),
			countTable(
				fws,
				["received", "accepted", "declined", "rescinded", "held"],
				(f) => [
					f.offers.received,
					f.offers.accepted,
					f.offers.declined,
					f.offers.rescinded,
					f.offers.held ?? 0,
				],
				{ head: "first offer", cell: firstOffer },
				width,
			),
			title("Tasks (running at the end; the others: tasks that reached that state)", width),
			countTable(
				fws,
				["launched", "running", "finished", "failed", "killed", "lost"],
				(f) => [
					f.tasks.launched,
					f.tasks.running,
					f.tasks.finished,
					f.tasks.failed,
					f.tasks.killed,
					f.tasks.lost,
				],
				null,
				width,
			),
		);
		out.push(
			title("Dominant share at the end: in tasks, in offers held (allocated, as in Mesos)", width),
			shareTable(report, width),
		);
	}

	const u = report.utilization;
	const inv = report.invariants;
	const w = report.wall;
	const spark = (values: readonly number[]) =>
		values.length === 0
			? ""
			: `  ${bars(resample(values, report.series.tMs, report.simulatedMs, SPARK_WIDTH), 1)}`;
	const events = report.timeline?.events ?? [];
	const rows: [string, string][] = [
		[
			"cpu utilisation",
			`mean ${formatPercent(u.cpus.mean)}, final ${formatPercent(u.cpus.final)}${spark(report.series?.cpus ?? [])}`,
		],
		[
			"mem utilisation",
			`mean ${formatPercent(u.mem.mean)}, final ${formatPercent(u.mem.final)}${spark(report.series?.mem ?? [])}`,
		],
		["fairness (Jain)", fws.length === 0 ? "- (no frameworks)" : report.fairness.jain.toFixed(3)],
	];
	if (events.length > 0)
		rows.push([
			"timeline",
			events
				.map(
					(e) => `${formatDuration(e.tMs)} ${e.action}${e.framework === undefined ? "" : ` ${e.framework}`}`,
				)
				.join(", "),
		]);
	rows.push(
		[
			"allocator",
			`${plural(report.allocator.cycles, "cycle")}, ${plural(report.allocator.offersMade, "offer")} made, ${plural(report.allocator.agentsVisited, "agent visit")}`,
		],
		[
			"invariants",
			inv.checked === 0 && inv.violations === 0
				? "not checked (use --check-invariants)"
				: `${formatNumber(inv.checked)} checked, ${plural(inv.violations, "violation")}${inv.firstViolation === undefined ? "" : `; first: ${inv.firstViolation}`}`,
		],
		["engine", `${formatNumber(report.engine.events)} events, log hash ${report.eventLogHash}`],
		[
			"wall time",
			`${wallTime(w.ms)} (${compact(w.simulatedPerWall)}x faster than real time, ${compact(w.eventsPerSecond)} events/s)`,
		],
	);
	out.push(figureLines(rows, width));
	return `${out.join("\n").trimEnd()}\n`;
}
