/** Output of the allocator benchmark: Mesos-shaped round lines, summary and comparison tables. */
import Table from "cli-table3";
import type { CellResult, RoundResult } from "./allocator.js";
import { PUBLISHED } from "./published.js";
import { fmtMs, median, spread } from "./stats.js";

/**
 * Mesos prints "round i allocate() took T to make N offers after filtering M
 * offers". T is allocate() as everywhere in mesosim's output: the part of the
 * round before the OFFERS events are built (what Mesos's watch covers); the
 * whole round (allocator.cycle()) follows in parentheses.
 */
export function roundLine(i: number, r: RoundResult): string {
	return `round ${i} allocate() took ${r.allocateMs.toFixed(3)} ms to make ${r.offers} offers after filtering ${r.filtered} offers (whole round ${r.ms.toFixed(3)} ms)`;
}

/** Groups: round, allocate() ms, offers, filtered, whole round ms. */
export const ROUND_LINE =
	/^round (\d+) allocate\(\) took ([\d.]+) ms to make (\d+) offers after filtering (\d+) offers \(whole round ([\d.]+) ms\)$/;

export function cellTitle(c: {
	benchmark: string;
	variant?: string;
	agents: number;
	frameworks: number;
	roles?: number;
}): string {
	const v = c.variant !== undefined && c.variant !== "" ? ` (${c.variant})` : "";
	const roles = c.roles !== undefined && c.roles > 1 ? `, ${c.roles} roles` : "";
	return `${c.benchmark}${v}: ${c.agents} agents, ${c.frameworks} frameworks${roles}`;
}

function cellKey(c: CellResult): string {
	return `${c.benchmark}${c.variant === "" ? "" : ` ${c.variant}`}`;
}

/** One row per cell: median round, min–max, floor, ratio, setup. */
export function summaryTable(cells: readonly CellResult[]): string {
	const t = new Table({
		head: [
			"benchmark",
			"agents",
			"fws",
			"rounds",
			"median round ms",
			"of which allocate() ms",
			"min–max ms",
			"floor ms",
			"ratio",
			"setup ms",
		],
		style: { head: [], border: [] },
	});
	for (const c of cells) {
		t.push([
			cellKey(c),
			c.agents,
			c.frameworks,
			`${c.workingRounds}/${c.rounds.length}`,
			fmtMs(c.medianRoundMs),
			fmtMs(c.medianAllocateMs),
			`${fmtMs(c.minRoundMs)}–${fmtMs(c.maxRoundMs)}`,
			fmtMs(c.floorMs),
			c.ratio.toFixed(1),
			fmtMs(c.setupMs),
		]);
	}
	return `${t.toString()}\nmedian round: over rounds that visited at least one agent (rounds column: those / all). floor: reading each visited agent's free resources and writing one offer record. ratio = median round / floor. allocate(): the allocator's decisions and offer records, without building the OFFERS events (what Mesos's benchmarks time).\n`;
}

/** Several fresh processes per cell: "median [min–max]" across them. */
export function processesTable(runs: readonly (readonly CellResult[])[]): string {
	const t = new Table({
		head: [
			"benchmark",
			"agents",
			"fws",
			"processes",
			"median round ms",
			"of which allocate() ms",
			"floor ms",
			"ratio",
			"setup ms",
		],
		style: { head: [], border: [] },
	});
	const first = runs[0] ?? [];
	for (let k = 0; k < first.length; k++) {
		const cs = runs.map((r) => r[k]).filter((c): c is CellResult => c !== undefined);
		const c = cs[0]!;
		t.push([
			cellKey(c),
			c.agents,
			c.frameworks,
			cs.length,
			spread(cs.map((x) => x.medianRoundMs)),
			spread(cs.map((x) => x.medianAllocateMs)),
			spread(cs.map((x) => x.floorMs)),
			spread(
				cs.map((x) => x.ratio),
				(x) => x.toFixed(1),
			),
			spread(cs.map((x) => x.setupMs)),
		]);
	}
	return `${t.toString()}\nmedian [min–max] across fresh processes.\n`;
}

/** mesosim's figures beside Mesos's published ones. */
export function compareTable(runs: readonly (readonly CellResult[])[]): string {
	const t = new Table({
		head: ["cell", "what", "mesosim ms", "Mesos ms (published, other hardware)", "source", "×"],
		style: { head: [], border: [] },
		colWidths: [null, null, null, null, 44, null] as unknown as number[],
		wordWrap: true,
	});
	let rows = 0;
	const first = runs[0] ?? [];
	for (let k = 0; k < first.length; k++) {
		const cs = runs.map((r) => r[k]).filter((c): c is CellResult => c !== undefined);
		const c = cs[0]!;
		for (const p of PUBLISHED) {
			if (p.benchmark !== c.benchmark || p.agents !== c.agents || p.frameworks !== c.frameworks) continue;
			if (p.variant !== undefined && p.variant !== c.variant) continue;
			let ours: number[];
			if (p.what === "round") ours = cs.map((x) => x.medianRoundMs);
			else if (p.what === "add agents") ours = cs.map((x) => x.setupMs);
			else ours = cs.map((x) => x.rounds[x.rounds.length - 1]?.ms ?? 0);
			const m = median(ours);
			t.push([
				`${c.benchmark} ${c.agents}×${c.frameworks}${c.variant === "" ? "" : ` ${c.variant}`}`,
				p.what,
				spread(ours),
				fmtMs(p.ms),
				p.source,
				m > 0 ? `${(p.ms / m).toFixed(0)}×` : "-",
			]);
			rows++;
		}
	}
	if (rows === 0) return "no published Mesos figure for these cells (see docs/benchmarks.md)\n";
	return `${t.toString()}\nMesos figures: published, other hardware (docs/mesos-rules.md §7). mesosim: this machine${runs.length > 1 ? `, median [min–max] of ${runs.length} fresh processes` : ", one process"}.\n`;
}
