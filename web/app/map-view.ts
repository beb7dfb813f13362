/**
 * The cluster map: every agent one cell on a canvas, grouped by an attribute,
 * coloured from a 256-entry LUT.
 *
 * Layout: `order` lists agent indices group by group (a counting sort on the
 * group key's u16 value); group g occupies rows from `top` (pixels), `cols`
 * cells a row, each cell `cell` px with a 1 px gap from 4 px up. Per layout,
 * `#pixelOf[a]` is the index of agent a's top-left pixel in the canvas's
 * Uint32 pixel buffer and `#groupOfRow[y]` the group drawn on pixel row y
 * (-1 for labels and gaps). Drawing writes Uint32 pixels into one reused
 * ImageData and puts it once; labels and the selection outline are drawn on
 * top.
 * Invariants: the width comes from a ResizeObserver, never from reading
 * layout in draw() — a read there would force the browser to lay out the
 * page that the same update has just changed (tables, feed).
 * Complexity: full draw O(agents × cell²); incremental draw O(changed
 * agents × cell²); hit-test and cellRect O(1).
 * Guarded by: `npx tsx test/browser/bench.ts` (docs/benchmarks.md, "Dashboard").
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
	#groups: Group[] = [];
	/** Agent -> index of its cell's top-left pixel (see the header). */
	#pixelOf = new Uint32Array(0);
	/** Canvas pixel row -> index in #groups, or -1. */
	#groupOfRow = new Int32Array(0);
	/** Width of the canvas's box, kept by a ResizeObserver. */
	#width: number;
	/** Pixels a row of the laid-out canvas (#width when it was laid out). */
	#stride = 1;
	#cell = 1;
	#cols = 1;
	#laidOut = { version: -1, key: "", count: -1, width: -1 };
	/** Wall ms of each draw (the last 1000), for the dashboard benchmark. */
	readonly drawTimes: number[] = [];

	constructor(canvas: HTMLCanvasElement, store: Store) {
		this.canvas = canvas;
		const ctx = canvas.getContext("2d");
		if (ctx === null) throw new Error("no 2d canvas");
		this.#ctx = ctx;
		this.#store = store;
		const box = canvas.parentElement;
		this.#width = boxWidth(box);
		if (box !== null)
			new ResizeObserver(() => {
				// Layout is up to date when observers run: this read forces nothing.
				const width = boxWidth(box);
				if (width === this.#width) return;
				this.#width = width;
				// Not within the callback: the redraw resizes the box again, which an
				// observer callback must not do (the browser reports a loop error).
				requestAnimationFrame(() => this.draw(true));
			}).observe(box);
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
		const width = this.#width;
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
		this.#pixelOf = new Uint32Array(n);
		this.#groupOfRow = new Int32Array(height).fill(-1);
		const cols = this.#cols;
		for (const [gi, g] of this.#groups.entries()) {
			for (let p = 0; p < g.count; p++)
				this.#pixelOf[order[g.start + p]!] =
					(g.top + Math.floor(p / cols) * cell) * width + (p % cols) * cell;
			this.#groupOfRow.fill(gi, g.top, g.top + Math.ceil(g.count / cols) * cell);
		}
		this.#stride = width;
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
		const src = s.channel(this.mode);
		const lut = this.#lut();
		if (incremental) {
			for (const a of s.changedSinceDraw!) this.#paint(a, lut[src[a]!]!);
		} else {
			this.#pixels.fill(pack(BACKGROUND));
			const n = Math.min(src.length, this.#pixelOf.length);
			for (let a = 0; a < n; a++) this.#paint(a, lut[src[a]!]!);
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
		this.drawTimes.push(performance.now() - t0);
		if (this.drawTimes.length > 1000) this.drawTimes.shift();
	}

	/** Writes agent a's cell in `colour` (a packed pixel), unless it already has it. */
	#paint(a: number, colour: number): void {
		if (a >= this.#pixelOf.length) return;
		const px = this.#pixels;
		let row = this.#pixelOf[a]!;
		if (px[row] === colour) return;
		const size = this.#cellSize();
		const w = this.#stride;
		for (let dy = 0; dy < size; dy++, row += w) {
			for (let dx = 0; dx < size; dx++) px[row + dx] = colour;
		}
	}

	/** Side of a cell's painted square: a 1 px gap from 4 px cells up. */
	#cellSize(): number {
		return this.#cell >= 4 ? this.#cell - 1 : this.#cell;
	}

	/** The agent under canvas pixel (x, y), or -1. */
	agentAt(x: number, y: number): number {
		const cell = this.#cell;
		if (x < 0 || x >= this.#cols * cell || y < 0 || y >= this.#groupOfRow.length) return -1;
		const gi = this.#groupOfRow[y]!;
		if (gi < 0) return -1;
		const g = this.#groups[gi]!;
		const p = Math.floor((y - g.top) / cell) * this.#cols + Math.floor(x / cell);
		return p < g.count ? this.#order[g.start + p]! : -1;
	}

	/** Where agent a is drawn, or null when it is not on the map. */
	cellRect(a: number): { x: number; y: number; size: number } | null {
		if (a >= this.#pixelOf.length) return null;
		const pixel = this.#pixelOf[a]!;
		return { x: pixel % this.#stride, y: Math.floor(pixel / this.#stride), size: this.#cellSize() };
	}

	get groupCount(): number {
		return this.#groups.length;
	}
}

/** Width available to the map: its box's inner width (at least 200 px). */
function boxWidth(box: HTMLElement | null): number {
	return Math.max(200, Math.floor(box?.clientWidth ?? 800));
}
