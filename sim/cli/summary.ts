/**
 * The plain-text summary `mesosim run` prints on stdout: a cluster line, one
 * table row per framework, then cluster-wide figures. Pure (report in, text
 * out) and colour-free, so it is testable and safe to pipe. Numbers are
 * formatted with fixed rules (en-US grouping), never the machine's locale.
 */
import Table from "cli-table3";
import { formatDuration } from "../../common/schema/duration.js";
import { sparkline } from "../report/plot.js";
import type { Report } from "../report/types.js";

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

const PLAIN = {
	style: { head: [] as string[], border: [] as string[] },
};

/** The run summary as text (ends with a newline). */
export function formatSummary(report: Report): string {
	const out: string[] = [];
	const r = report.cluster.resources;
	const active =
		report.cluster.agentsActive === report.cluster.agents
			? ""
			: ` (${formatNumber(report.cluster.agentsActive)} active at the end)`;
	out.push(
		`Scenario ${report.scenario}, seed ${report.seed}, simulated ${formatDuration(report.simulatedMs)}`,
		`Cluster: ${plural(report.cluster.agents, "agent")}${active}, ${formatNumber(r.cpus)} cpus, ${formatMegabytes(r.mem)} mem, ${formatMegabytes(r.disk)} disk${r.gpus > 0 ? `, ${formatNumber(r.gpus)} gpus` : ""}`,
		"",
	);

	if (report.frameworks.length === 0) out.push("No frameworks.");
	else {
		// Share sparklines share one scale: the highest share any framework reached.
		const top = Math.max(0.01, ...(report.series?.shares ?? []).flat());
		const fw = new Table({
			...PLAIN,
			head: [
				"framework",
				"role",
				"offers\nrecv/acc/decl/resc",
				"tasks launched/running/\nfinished/failed/lost",
				"dominant\nshare",
				`share over time\n(top = ${formatPercent(top)})`,
				"first\noffer",
			],
			colAligns: ["left", "left", "right", "right", "right", "left", "right"],
		});
		report.frameworks.forEach((f, i) => {
			const o = f.offers;
			const t = f.tasks;
			fw.push([
				f.name,
				f.roles.join(", ") || "*",
				[o.received, o.accepted, o.declined, o.rescinded].map(formatNumber).join("/"),
				[t.launched, t.running, t.finished, t.failed, t.lost].map(formatNumber).join("/"),
				formatPercent(f.dominantShare.final),
				sparkline(report.series?.shares[i] ?? [], 16, top),
				f.timeToFirstOfferMs === null ? "never" : formatDuration(f.timeToFirstOfferMs),
			]);
		});
		out.push(fw.toString());
	}
	out.push("");

	const u = report.utilization;
	const inv = report.invariants;
	const w = report.wall;
	const figures = new Table({ ...PLAIN, colAligns: ["left", "left"] });
	figures.push(
		[
			"cpu utilisation",
			`mean ${formatPercent(u.cpus.mean)}, final ${formatPercent(u.cpus.final)}  ${sparkline(report.series?.cpus ?? [], 24)}`,
		],
		[
			"mem utilisation",
			`mean ${formatPercent(u.mem.mean)}, final ${formatPercent(u.mem.final)}  ${sparkline(report.series?.mem ?? [], 24)}`,
		],
		["fairness (Jain)", report.fairness.jain.toFixed(3)],
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
	out.push(figures.toString());
	return `${out.join("\n")}\n`;
}
