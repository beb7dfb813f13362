/**
 * Charts over simulated time (uPlot): dominant share per framework, cluster
 * utilisation, offers per second, task launches and failures. Faults are
 * drawn as red vertical marks on every chart's time axis.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { css, frameworkColour } from "./colors.js";
import { el } from "./dom.js";
import type { Store } from "./store.js";

interface ChartDef {
	title: string;
	series: { label: string; colour: string; value: (s: Store["history"][number]) => number | null }[];
	percent?: boolean;
}

const FIXED: ChartDef[] = [
	{
		title: "cluster utilisation (allocated)",
		percent: true,
		series: [
			{ label: "cpus", colour: "#4c9aff", value: (s) => s.cpu },
			{ label: "mem", colour: "#ff8c32", value: (s) => s.mem },
		],
	},
	{
		title: "offers per second",
		series: [
			{ label: "made", colour: "#4c9aff", value: (s) => s.offersMade },
			{ label: "accepted", colour: "#50c878", value: (s) => s.offersAccepted },
			{ label: "declined", colour: "#e6506e", value: (s) => s.offersDeclined },
		],
	},
	{
		title: "tasks per second",
		series: [
			{ label: "launched", colour: "#50c878", value: (s) => s.launches },
			{ label: "failed", colour: "#dc3232", value: (s) => s.failures },
		],
	},
];

export class Charts {
	readonly #root: HTMLElement;
	readonly #store: Store;
	#plots: { def: ChartDef; plot: uPlot }[] = [];
	#shareKey = "";

	constructor(root: HTMLElement, store: Store) {
		this.#root = root;
		this.#store = store;
	}

	#width(): number {
		return Math.max(260, Math.floor((this.#root.clientWidth - 40) / 2));
	}

	#shareDef(): ChartDef {
		const s = this.#store;
		const ids = new Set<string>();
		for (const x of s.history) for (const id of Object.keys(x.shares)) ids.add(id);
		const slots = new Map(s.frameworks.map((f) => [f.id, f.slot]));
		return {
			title: "dominant share per framework",
			percent: true,
			series: [...ids].map((id) => ({
				label: s.names.get(id) ?? id,
				colour: css(frameworkColour(slots.get(id) ?? 0)),
				// null, not NaN: uPlot draws null as a gap, while one NaN spoils the y range.
				value: (x) => x.shares[id] ?? null,
			})),
		};
	}

	#make(def: ChartDef): uPlot {
		const faults = () => this.#store.faults;
		const opts: uPlot.Options = {
			title: def.title,
			width: this.#width(),
			height: 180,
			legend: { show: true },
			cursor: { drag: { x: false, y: false } },
			scales: { x: { time: false } },
			axes: [
				{
					stroke: "#aab4c3",
					grid: { stroke: "#2a303b" },
					values: (_u, v) => v.map((t) => `${Math.round(t)}s`),
				},
				{
					stroke: "#aab4c3",
					grid: { stroke: "#2a303b" },
					size: 50,
					...(def.percent
						? { values: (_u: uPlot, v: number[]) => v.map((x) => `${Math.round(x * 100)}%`) }
						: {}),
				},
			],
			series: [
				{ label: "t (s)" },
				...def.series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5, spanGaps: false })),
			],
			hooks: {
				draw: [
					(u: uPlot) => {
						const ctx = u.ctx;
						ctx.save();
						ctx.strokeStyle = "rgba(220,50,50,0.8)";
						ctx.setLineDash([4, 3]);
						ctx.lineWidth = 1;
						const min = u.scales.x?.min ?? 0;
						const max = u.scales.x?.max ?? 0;
						for (const f of faults()) {
							const t = f.t / 1000;
							if (t < min || t > max) continue;
							const x = Math.round(u.valToPos(t, "x", true));
							ctx.beginPath();
							ctx.moveTo(x, u.bbox.top);
							ctx.lineTo(x, u.bbox.top + u.bbox.height);
							ctx.stroke();
						}
						ctx.restore();
					},
				],
			},
		};
		const holder = el("div", { class: "chart" });
		this.#root.append(holder);
		return new uPlot(opts, this.#data(def), holder);
	}

	#data(def: ChartDef): uPlot.AlignedData {
		const h = this.#store.history;
		const xs = h.map((s) => s.t / 1000);
		return [xs, ...def.series.map((s) => h.map((x) => s.value(x)))] as uPlot.AlignedData;
	}

	update(): void {
		const share = this.#shareDef();
		const key = share.series.map((s) => s.label).join("\u0000");
		if (this.#plots.length === 0 || key !== this.#shareKey) {
			for (const p of this.#plots) p.plot.destroy();
			this.#root.replaceChildren();
			this.#shareKey = key;
			this.#plots = [share, ...FIXED].map((def) => ({ def, plot: this.#make(def) }));
			return;
		}
		for (const p of this.#plots) p.plot.setData(this.#data(p.def));
	}

	resize(): void {
		for (const p of this.#plots) p.plot.setSize({ width: this.#width(), height: 180 });
	}
}
