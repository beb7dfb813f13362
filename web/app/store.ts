/** What the page knows of the cluster: the map arrays, the layout and the latest tables. */
import {
	type ClockView,
	type DecodedFrame,
	decodeFrame,
	type Fault,
	FRAME,
	type FrameworkRow,
	type LayoutMeta,
	MAP_CHANNELS,
	type MapDeltaMeta,
	type MapFullMeta,
	type RoleRow,
	type Sample,
	type SnapshotMessage,
	type TotalsView,
	type UpdateMessage,
} from "../protocol.js";

export class Store {
	count = 0;
	/** Plain words of the decision records' reason codes (step mode). */
	reasons: SnapshotMessage["reasons"] = { pass: {}, framework: {} };
	/** One byte per agent per channel, in MAP_CHANNELS order. */
	channels: Uint8Array[] = MAP_CHANNELS.map(() => new Uint8Array(0));
	layout: LayoutMeta = { count: 0, keys: [], values: [] };
	layoutColumns: Uint16Array[] = [];
	/** Bumped when the layout changes: the map recomputes its grouping. */
	layoutVersion = 0;
	/** Bumped by every map frame: the map redraws only when it changed. */
	mapVersion = 0;
	/**
	 * Agents changed by delta frames since the map last drew, or null when it
	 * must redraw everything (a full frame or a new layout came, or too many changed).
	 */
	changedSinceDraw: number[] | null = null;
	clock: ClockView = { t: 0, speed: 1, paused: false };
	frameworks: FrameworkRow[] = [];
	roles: RoleRow[] = [];
	totals: TotalsView | null = null;
	history: Sample[] = [];
	faults: Fault[] = [];
	catalog: { name: string; description: string }[] = [];
	/** Names of framework ids ever seen (shares of a removed framework keep a name). */
	readonly names = new Map<string, string>();

	channel(name: (typeof MAP_CHANNELS)[number]): Uint8Array {
		return this.channels[MAP_CHANNELS.indexOf(name)]!;
	}

	/** Applies a binary frame; returns which kind it was. */
	applyFrame(buf: ArrayBuffer): number {
		const f = decodeFrame(buf);
		this.mapVersion++;
		switch (f.kind) {
			case FRAME.LAYOUT: {
				const meta = f.meta as unknown as LayoutMeta;
				this.layout = { count: meta.count, keys: meta.keys, values: meta.values };
				this.layoutColumns = f.arrays as Uint16Array[];
				this.layoutVersion++;
				this.changedSinceDraw = null;
				break;
			}
			case FRAME.MAP_FULL: {
				const meta = f.meta as unknown as MapFullMeta;
				this.count = meta.count;
				this.channels = (f as DecodedFrame).arrays.map((a) => a as Uint8Array);
				this.changedSinceDraw = null;
				break;
			}
			case FRAME.MAP_DELTA: {
				const meta = f.meta as unknown as MapDeltaMeta;
				const idx = f.arrays[0] as Uint32Array;
				for (let c = 0; c < MAP_CHANNELS.length; c++) {
					const ch = this.channels[c]!;
					const vals = f.arrays[c + 1]!;
					for (let k = 0; k < meta.changed; k++) ch[idx[k]!] = vals[k]!;
				}
				const pending = this.changedSinceDraw;
				if (pending !== null) {
					if (pending.length + meta.changed > this.count / 4) this.changedSinceDraw = null;
					else for (let k = 0; k < meta.changed; k++) pending.push(idx[k]!);
				}
				break;
			}
			default:
				throw new Error(`unknown frame kind ${f.kind}`);
		}
		return f.kind;
	}

	applySnapshot(m: SnapshotMessage): void {
		this.reasons = m.reasons;
		this.history = m.history;
		this.faults = m.faults;
		this.catalog = m.catalog;
		this.#live(m);
	}

	applyUpdate(m: UpdateMessage): void {
		if (m.sample !== null) {
			this.history.push(m.sample);
			if (this.history.length > 3600) this.history.splice(0, this.history.length - 3600);
		}
		if (m.faults.length > 0) this.faults.push(...m.faults);
		this.#live(m);
	}

	#live(m: SnapshotMessage | UpdateMessage): void {
		this.clock = m.clock;
		this.frameworks = m.frameworks;
		this.roles = m.roles;
		this.totals = m.totals;
		for (const f of m.frameworks) this.names.set(f.id, f.name);
	}

	frameworkBySlot(slot: number): FrameworkRow | undefined {
		return this.frameworks.find((f) => f.slot === slot);
	}
}
