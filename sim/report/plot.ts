/**
 * Plots of a run report: unicode sparklines for the terminal summary and a
 * self-contained SVG line chart (`mesosim run --plot FILE.svg`) of cluster
 * utilisation and each framework's dominant share over simulated time.
 * No dependencies; pure functions of the report.
 */
import type { Report } from "./types.js";

const BARS = "▁▂▃▄▅▆▇█";

/** Values in [0, 1] (or scaled to their max when `max` is given) as a sparkline of at most `width` bars. */
export function sparkline(values: readonly number[], width = 24, max = 1): string {
	if (values.length === 0) return "";
	const n = Math.min(width, values.length);
	let out = "";
	for (let i = 0; i < n; i++) {
		// Average the values that fall into bucket i.
		const from = Math.floor((i * values.length) / n);
		const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / n));
		let sum = 0;
		for (let k = from; k < to; k++) sum += values[k]!;
		const v = max > 0 ? sum / (to - from) / max : 0;
		out += BARS[Math.max(0, Math.min(BARS.length - 1, Math.round(v * (BARS.length - 1))))];
	}
	return out;
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

/** An SVG chart: two panels (utilisation; dominant shares) over simulated time. */
export function svgPlot(report: Report): string {
	const W = 900;
	const panelH = 220;
	const left = 60;
	const right = 200;
	const top = 40;
	const gap = 50;
	const H = top + 2 * panelH + gap + 40;
	const t = report.series.tMs;
	const tMax = Math.max(1, t[t.length - 1] ?? 1);
	const plotW = W - left - right;
	const x = (ms: number) => left + (ms / tMax) * plotW;
	const parts: string[] = [];
	parts.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
		`<rect width="100%" height="100%" fill="white"/>`,
		`<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(report.scenario)} — seed ${report.seed}, ${Math.round(report.simulatedMs / 1000)} s simulated, ${report.cluster.agents} agents</text>`,
	);
	const panel = (y0: number, title: string, lines: { name: string; values: number[] }[], yMax: number) => {
		const y = (v: number) => y0 + panelH - (v / yMax) * panelH;
		parts.push(`<text x="${left}" y="${y0 - 8}" font-weight="bold">${esc(title)}</text>`);
		parts.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelH}" fill="none" stroke="#999"/>`);
		for (let k = 0; k <= 4; k++) {
			const v = (yMax * k) / 4;
			parts.push(
				`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
				`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`,
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
	panel(top + 10, "Cluster utilisation (allocated / total)", util, 1);
	const shares = report.frameworks.map((f, i) => ({ name: f.name, values: report.series.shares[i] ?? [] }));
	const maxShare = Math.max(0.05, ...shares.flatMap((s) => s.values));
	panel(
		top + 10 + panelH + gap,
		"Dominant share by framework",
		shares,
		Math.min(1, Math.ceil(maxShare * 10) / 10),
	);
	const yAxis = top + 10 + 2 * panelH + gap + 18;
	for (let k = 0; k <= 5; k++) {
		const ms = (tMax * k) / 5;
		parts.push(
			`<text x="${x(ms)}" y="${yAxis}" text-anchor="middle">${(ms / 60000).toFixed(ms < 300000 ? 1 : 0)} min</text>`,
		);
	}
	parts.push("</svg>");
	return `${parts.join("\n")}\n`;
}
