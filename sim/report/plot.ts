/**
 * Plots of a run report: unicode sparklines for the terminal summary and a
 * self-contained SVG line chart (`mesosim run --plot FILE.svg`) of cluster
 * utilisation and each framework's dominant share over simulated time, with
 * the scenario's timeline events (faults, operations) marked. Axes use round
 * ticks (percent steps of 1, 2, 2.5 or 5 × 10^k, labelled with the decimals
 * the step needs; time steps of 1, 2, 5, 10, 15, 30 s or min, 1, 2, 3, 6, 12 h)
 * and span the whole run. No dependencies; pure functions of the report.
 */
import type { Report } from "./types.js";

const BARS = "▁▂▃▄▅▆▇█";

/** Values in [0, max] as bars: 0 is the lowest, `max` (and above) the full one. */
export function bars(values: readonly number[], max = 1): string {
	let out = "";
	for (const value of values) {
		const v = max > 0 ? value / max : 0;
		out += BARS[Math.max(0, Math.min(BARS.length - 1, Math.round(v * (BARS.length - 1))))];
	}
	return out;
}

/** Values in [0, 1] (or scaled to `max`) as a sparkline of at most `width` bars, each the mean of its share of the points. */
export function sparkline(values: readonly number[], width = 24, max = 1): string {
	if (values.length === 0) return "";
	const n = Math.min(width, values.length);
	const means: number[] = [];
	for (let i = 0; i < n; i++) {
		const from = Math.floor((i * values.length) / n);
		const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / n));
		let sum = 0;
		for (let k = from; k < to; k++) sum += values[k]!;
		means.push(sum / (to - from));
	}
	return bars(means, max);
}

/**
 * A series sampled at times `tMs` as `n` equal slices of [0, endMs]: each
 * slice is the mean of the samples in it, or (none in it) the last sample
 * before it (0 before the first). So the last slice ends at the end of the run.
 */
export function resample(
	values: readonly number[],
	tMs: readonly number[],
	endMs: number,
	n: number,
): number[] {
	const out: number[] = [];
	let k = 0;
	let last = 0;
	for (let i = 0; i < n; i++) {
		const end = (endMs * (i + 1)) / n;
		let sum = 0;
		let count = 0;
		while (k < tMs.length && tMs[k]! <= end) {
			sum += values[k] ?? 0;
			count++;
			last = values[k] ?? 0;
			k++;
		}
		out.push(count > 0 ? sum / count : last);
	}
	return out;
}

/** Round ticks for [0, max]: a step of 1, 2, 2.5 or 5 × 10^k giving at most `most` intervals. */
export function niceTicks(max: number, most = 5): { step: number; top: number; ticks: number[] } {
	const target = max > 0 ? max / most : 1;
	const pow = 10 ** Math.floor(Math.log10(target));
	const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= target * (1 - 1e-9)) ?? 10 * pow;
	const intervals = Math.max(1, Math.ceil(max / step - 1e-9));
	const ticks = Array.from({ length: intervals + 1 }, (_, k) => round12(k * step));
	return { step, top: ticks.at(-1)!, ticks };
}

function round12(x: number): number {
	return Math.round(x * 1e12) / 1e12;
}

/** A fraction as a percent with the decimals `step` needs: (0.075, 0.025) -> "7.5%", (0.5, 0.1) -> "50%". */
export function percentLabel(fraction: number, step: number): string {
	const pct = step * 100;
	let decimals = 0;
	while (decimals < 4 && Math.abs(Math.round(pct * 10 ** decimals) - pct * 10 ** decimals) > 1e-6) decimals++;
	return `${(fraction * 100).toFixed(decimals)}%`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [
	...[1, 2, 5, 10, 15, 30].map((s) => s * SECOND),
	...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
	...[1, 2, 3, 6, 12, 24].map((h) => h * HOUR),
];

/** Round time ticks from 0 over [0, endMs]: at most `most` intervals. */
export function timeTicks(endMs: number, most = 8): { stepMs: number; ticks: number[] } {
	const stepMs =
		TIME_STEPS.find((s) => endMs / s <= most) ?? Math.ceil(endMs / most / (24 * HOUR)) * 24 * HOUR;
	const ticks: number[] = [];
	for (let t = 0; t <= endMs + 1e-9; t += stepMs) ticks.push(t);
	return { stepMs, ticks };
}

/** A tick's label in the unit its step is counted in: "45 s", "15 min", "2 h". */
export function timeLabel(ms: number, stepMs: number): string {
	if (stepMs < MINUTE) return `${ms / SECOND} s`;
	if (stepMs < HOUR) return `${ms / MINUTE} min`;
	return `${ms / HOUR} h`;
}

const COLORS = [
	"#1f77b4",
	"#ff7f0e",
	"#2ca02c",
	"#d62728",
	"#9467bd",
	"#8c564b",
	"#e377c2",
	"#7f7f7f",
	"#bcbd22",
	"#17becf",
];

function esc(s: string): string {
	return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An SVG chart: two panels (utilisation; dominant shares) over the whole run, timeline events marked. */
export function svgPlot(report: Report): string {
	const W = 900;
	const panelH = 220;
	const left = 60;
	const right = 200;
	const top = 40;
	const gap = 50;
	const H = top + 2 * panelH + gap + 40;
	const t = report.series.tMs;
	const tMax = Math.max(1, report.simulatedMs, t.at(-1) ?? 0);
	const plotW = W - left - right;
	const x = (ms: number) => left + (ms / tMax) * plotW;
	const parts: string[] = [];
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
		`<rect width="100%" height="100%" fill="white"/>`,
		`<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(report.scenario)} — seed ${report.seed}, ${Math.round(report.simulatedMs / 1000)} s simulated, ${report.cluster.agents} agents</text>`,
	);
	const panel = (y0: number, title: string, lines: { name: string; values: number[] }[], max: number) => {
		const { step, top: yMax, ticks } = niceTicks(max);
		const y = (v: number) => y0 + panelH - (v / yMax) * panelH;
		parts.push(`<text x="${left}" y="${y0 - 8}" font-weight="bold">${esc(title)}</text>`);
		parts.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelH}" fill="none" stroke="#999"/>`);
		for (const v of ticks) {
			parts.push(
				`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
				`<text class="y-tick" x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${percentLabel(v, step)}</text>`,
			);
		}
		lines.forEach((line, i) => {
			const color = COLORS[i % COLORS.length]!;
			const pts = line.values.map((v, k) => `${x(t[k] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
			if (pts !== "")
				parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${pts}"/>`);
			const ly = y0 + 14 + i * 16;
			parts.push(
				`<rect x="${left + plotW + 12}" y="${ly - 9}" width="10" height="10" fill="${color}"/>`,
				`<text x="${left + plotW + 28}" y="${ly}">${esc(line.name)}</text>`,
			);
		});
	};
	const util = [
		{ name: "cpus", values: report.series.cpus },
		{ name: "mem", values: report.series.mem },
	];
	const panel1 = top + 10;
	const panel2 = top + 10 + panelH + gap;
	panel(panel1, "Cluster utilisation (allocated / total)", util, 1);
	const shares = report.frameworks.map((f, i) => ({ name: f.name, values: report.series.shares[i] ?? [] }));
	const maxShare = Math.max(0.01, ...shares.flatMap((s) => s.values));
	panel(
		panel2,
		"Dominant share by framework (held offers count, as in Mesos)",
		shares,
		Math.min(1, maxShare),
	);
	// The scenario's timeline events: a dashed line through both panels, named at the top of the first.
	(report.timeline?.events ?? []).forEach((e, i) => {
		const ex = x(e.tMs).toFixed(1);
		parts.push(
			`<line class="event" x1="${ex}" x2="${ex}" y1="${panel1}" y2="${panel2 + panelH}" stroke="#d62728" stroke-dasharray="4 3"/>`,
			`<text class="event" x="${(x(e.tMs) + 3).toFixed(1)}" y="${panel1 + 12 + (i % 3) * 11}" fill="#d62728" font-size="10">${esc(e.action)}${e.framework === undefined ? "" : ` ${esc(e.framework)}`}</text>`,
		);
	});
	const yAxis = panel2 + panelH + 18;
	const { stepMs, ticks } = timeTicks(tMax);
	for (const ms of ticks) {
		parts.push(
			`<text class="x-tick" x="${x(ms).toFixed(1)}" y="${yAxis}" text-anchor="middle">${timeLabel(ms, stepMs)}</text>`,
		);
	}
	parts.push("</svg>");
	return `${parts.join("\n")}\n`;
}
