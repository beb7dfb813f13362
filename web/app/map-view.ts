/**
 * The cluster map: every agent one cell on a canvas, grouped by an attribute,
 * coloured from a 256-entry LUT.
 *
 * Layout: `order` lists agent indices group by group (a counting sort on the
 * group key's u16 value); group g occupies rows from `groupTop[g]` (pixels),
 * `cols` cells a row, each cell `cell` px with a 1 px gap from 4 px up.
 * Drawing writes Uint32 pixels into one reused ImageData and puts it once;
 * labels and the selection outline are drawn on top. Hit-testing is
 * arithmetic: the group from y (a scan over the few groups), then row × cols +
 * column.
 * Complexity: draw O(agents × cell²); hit-test O(groups).
 */
import { BACKGROUND, buildLut, type ColourMode, pack } from "./colors.js";
import type { Store } from "./store.js";

const LABEL_H = 16;
const GROUP_GAP = 6;
const MAX_CELL = 18;

interface Group {
	name: string;
	start: number;
	count: number;
	top: number;
}

export class MapView {
	readonly canvas: HTMLCanvasElement;
	readonly #ctx: CanvasRenderingContext2D;
	readonly #store: Store;
	mode: ColourMode = "cpu";
	groupKey = "group";
	readonly selected = new Set<number>();
	#luts = new Map<ColourMode, Uint32Array>();
	#image: ImageData | null = null;
	#pixels = new Uint32Array(0);
	#order = new Uint32Array(0);
	/** Inverse of #order: an agent's position in it. */
	#position = new Uint32Array(0);
	#groups: Group[] = [];
	#cell = 1;
	#cols = 1;
	#laidOut = { version: -1, key: "", count: -1, width: -1 };
	/** Wall ms of each draw (the last 1000), for the frame-time benchmark. */
	readonly frameTimes: number[] = [];

	constructor(canvas: HTMLCanvasElement, store: Store) {
		this.canvas = canvas;
		const ctx = canvas.getContext("2d");
		if (ctx === null) throw new Error("no 2d canvas");
		this.#ctx = ctx;
		this.#store = store;
	}

	#lut(): Uint32Array {
		let lut = this.#luts.get(this.mode);
		if (lut === undefined) {
			lut = buildLut(this.mode);
			this.#luts.set(this.mode, lut);
		}
		return lut;
	}

	/** Groups, cell size and canvas size for the current agents and width. */
	#layout(): void {
		const s = this.#store;
		const width = Math.max(200, Math.floor(this.canvas.parentElement?.clientWidth ?? 800));
		const l = this.#laidOut;
		if (l.version === s.layoutVersion && l.key === this.groupKey && l.count === s.count && l.width === width)
			return;
		const n = s.count;
		const k = s.layout.keys.indexOf(this.groupKey);
		const column = k < 0 ? null : s.layoutColumns[k]!;
		const names = k < 0 ? ["all agents"] : s.layout.values[k]!;
		const counts = new Uint32Array(names.length + 1);
		const groupOf = (a: number) => (column === null || a >= column.length ? 0 : column[a]!);
		for (let a = 0; a < n; a++) counts[groupOf(a)]!++;
		// Groups in name order (natural: r2 before r10).
		const ids = [...names.keys()].filter((g) => counts[g]! > 0);
		const collator = new Intl.Collator(undefined, { numeric: true });
		ids.sort((x, y) => collator.compare(names[x]!, names[y]!));
		const start = new Uint32Array(names.length + 1);
		let at = 0;
		for (const g of ids) {
			start[g] = at;
			at += counts[g]!;
		}
		const order = new Uint32Array(n);
		const fill = start.slice();
		for (let a = 0; a < n; a++) order[fill[groupOf(a)]!++] = a;
		// The largest cell that keeps the map within ~70% of the viewport's height.
		const maxH = Math.max(240, Math.floor(window.innerHeight * 0.7));
		let cell = MAX_CELL;
		const heightFor = (c: number) => {
			const cols = Math.max(1, Math.floor(width / c));
			let h = 0;
			for (const g of ids) h += LABEL_H + Math.ceil(counts[g]! / cols) * c + GROUP_GAP;
			return h;
		};
		while (cell > 1 && heightFor(cell) > maxH) cell--;
		this.#cell = cell;
		this.#cols = Math.max(1, Math.floor(width / cell));
		let top = 0;
		this.#groups = ids.map((g) => {
			const grp = { name: names[g]!, start: start[g]!, count: counts[g]!, top: top + LABEL_H };
			top += LABEL_H + Math.ceil(counts[g]! / this.#cols) * cell + GROUP_GAP;
			return grp;
		});
		const height = Math.max(40, top);
		this.#order = order;
		this.#position = new Uint32Array(n);
		for (let p = 0; p < n; p++) this.#position[order[p]!] = p;
		this.canvas.width = width;
		this.canvas.height = height;
		this.#image = this.#ctx.createImageData(width, height);
		this.#pixels = new Uint32Array(this.#image.data.buffer);
		this.#laidOut = { version: s.layoutVersion, key: this.groupKey, count: n, width };
	}

	#drawn = { map: -1, mode: "", selected: -1, layout: -1 };

	/**
	 * Redraws what changed: only the cells of agents changed by delta frames
	 * since the last draw, or everything when the layout, mode, selection or a
	 * full frame asks for it (or when forced). One putImageData either way.
	 */
	draw(force = false): void {
		const s = this.#store;
		const d = this.#drawn;
		const same = d.mode === this.mode && d.selected === this.selected.size && d.layout === s.layoutVersion;
		if (!force && same && d.map === s.mapVersion) return;
		const t0 = performance.now();
		const before = this.#laidOut;
		this.#layout();
		const incremental = !force && same && before === this.#laidOut && s.changedSinceDraw !== null;
		this.#drawn = {
			map: s.mapVersion,
			mode: this.mode,
			selected: this.selected.size,
			layout: s.layoutVersion,
		};
		const image = this.#image;
		if (image === null) return;
		const px = this.#pixels;
		const src = s.channel(this.mode);
		const lut = this.#lut();
		if (incremental) {
			for (const a of s.changedSinceDraw!) this.#paint(a, lut[src[a]!]!);
		} else {
			px.fill(pack(BACKGROUND));
			const order = this.#order;
			const cell = this.#cell;
			const size = cell >= 4 ? cell - 1 : cell;
			const cols = this.#cols;
			const w = image.width;
			for (const g of this.#groups) {
				for (let p = 0; p < g.count; p++) {
					const colour = lut[src[order[g.start + p]!]!]!;
					let row = (g.top + Math.floor(p / cols) * cell) * w + (p % cols) * cell;
					for (let dy = 0; dy < size; dy++, row += w) {
						for (let dx = 0; dx < size; dx++) px[row + dx] = colour;
					}
				}
			}
		}
		s.changedSinceDraw = [];
		const ctx = this.#ctx;
		ctx.putImageData(image, 0, 0);
		ctx.font = "11px system-ui, sans-serif";
		ctx.fillStyle = "#aab4c3";
		for (const g of this.#groups) ctx.fillText(`${g.name} · ${g.count}`, 2, g.top - 4);
		if (this.selected.size > 0) {
			ctx.strokeStyle = "#ffffff";
			ctx.lineWidth = 1;
			for (const a of this.selected) {
				const r = this.cellRect(a);
				if (r !== null)
					ctx.strokeRect(r.x - 0.5, r.y - 0.5, Math.max(2, r.size) + 1, Math.max(2, r.size) + 1);
			}
		}
		this.frameTimes.push(performance.now() - t0);
		if (this.frameTimes.length > 1000) this.frameTimes.shift();
	}

	/** Writes the cell at position p of group g. */
	#paintAt(g: Group, p: number, colour: number): void {
		const cell = this.#cell;
		const size = cell >= 4 ? cell - 1 : cell;
		const w = this.#image!.width;
		const px = this.#pixels;
		let row = (g.top + Math.floor(p / this.#cols) * cell) * w + (p % this.#cols) * cell;
		for (let dy = 0; dy < size; dy++, row += w) {
			for (let dx = 0; dx < size; dx++) px[row + dx] = colour;
		}
	}

	#paint(a: number, colour: number): void {
		if (a >= this.#position.length) return;
		const pos = this.#position[a]!;
		for (const g of this.#groups) {
			if (pos >= g.start && pos < g.start + g.count) {
				this.#paintAt(g, pos - g.start, colour);
				return;
			}
		}
	}

	/** The agent under canvas pixel (x, y), or -1. */
	agentAt(x: number, y: number): number {
		const cell = this.#cell;
		if (x < 0 || x >= this.#cols * cell) return -1;
		for (const g of this.#groups) {
			const rows = Math.ceil(g.count / this.#cols);
			if (y < g.top || y >= g.top + rows * cell) continue;
			const p = Math.floor((y - g.top) / cell) * this.#cols + Math.floor(x / cell);
			return p < g.count ? this.#order[g.start + p]! : -1;
		}
		return -1;
	}

	/** Where agent a is drawn, or null when it is not on the map. */
	cellRect(a: number): { x: number; y: number; size: number } | null {
		if (a >= this.#position.length) return null;
		const pos = this.#position[a]!;
		for (const g of this.#groups) {
			if (pos < g.start || pos >= g.start + g.count) continue;
			const p = pos - g.start;
			return {
				x: (p % this.#cols) * this.#cell,
				y: g.top + Math.floor(p / this.#cols) * this.#cell,
				size: this.#cell >= 4 ? this.#cell - 1 : this.#cell,
			};
		}
		return null;
	}

	get groupCount(): number {
		return this.#groups.length;
	}
}
