/**
 * The agent map the dashboard draws: one byte per agent per channel (health,
 * cpu and mem allocated, the framework holding most of it, outstanding offers),
 * kept current from the master's observer hooks and shipped as binary frames
 * (web/protocol.ts).
 *
 * Layout: `channels[c][a]` for channel c of MAP_CHANNELS and agent index a (the
 * master's cluster index: dense, never reused). `#offers[a]` counts the agent's
 * outstanding offers (offerMade / offerEnded). Dirty agents are a flag array
 * plus a list, so marking costs O(1) and nothing is allocated per event.
 * The framework channel comes from per-agent (framework, cpus) slots kept by
 * taskChanged.
 * Invariants: after refresh(), channels hold every agent's bytes as computed
 * from the master now; an agent not marked dirty since has not changed.
 * Complexity: markDirty, taskChanged O(1); refresh O(dirty agents), cut off
 * at a wall-clock budget; a full frame O(agents).
 * Guarded by: `npx tsx test/browser/bench.ts` (update build time, docs/benchmarks.md, "Dashboard").
 */
import { performance } from "node:perf_hooks";
import { AGENT_STATE, type Master, type TaskRecord } from "../../master/index.js";
import {
	ALLOC_SCALE,
	encodeFrame,
	FRAME,
	FRAMEWORK_SLOTS,
	HEALTH,
	type LayoutMeta,
	MAP_CHANNELS,
	type MapDeltaMeta,
	type MapFullMeta,
} from "../protocol.js";

const HEALTH_OF_STATE: Record<number, number> = {
	[AGENT_STATE.NONE]: HEALTH.NONE,
	[AGENT_STATE.ACTIVE]: HEALTH.ACTIVE,
	[AGENT_STATE.DRAINING]: HEALTH.DRAINING,
	[AGENT_STATE.DEACTIVATED]: HEALTH.DEACTIVATED,
	[AGENT_STATE.DISCONNECTED]: HEALTH.DISCONNECTED,
	[AGENT_STATE.UNREACHABLE]: HEALTH.UNREACHABLE,
	[AGENT_STATE.REMOVED]: HEALTH.GONE,
	[AGENT_STATE.GONE]: HEALTH.GONE,
};

export function healthOf(master: Master, a: number): number {
	return HEALTH_OF_STATE[master.cluster.state[a]!] ?? HEALTH.NONE;
}

/** The agent's group name (the scenario's agent group), when the driver knows it. */
export type GroupOf = (agent: number) => string;

const CH = { HEALTH: 0, CPU: 1, MEM: 2, FRAMEWORK: 3, OFFERS: 4 } as const;
/** Frameworks tracked per agent for the framework channel. */
const FW_SLOTS = 4;

export class AgentMap {
	count = 0;
	channels: Uint8Array[] = MAP_CHANNELS.map(() => new Uint8Array(0));
	/** Agent indices whose bytes changed in the last refresh(), first `changedCount` entries. */
	changed = new Uint32Array(0);
	changedCount = 0;
	/** Bumped when agents are added: the layout frame must be sent again. */
	layoutVersion = 0;
	readonly #master: Master;
	readonly #groupOf: GroupOf | null;
	#offers = new Uint16Array(0);
	#dirty = new Uint8Array(0);
	#dirtyList = new Uint32Array(0);
	#dirtyCount = 0;
	readonly #before = new Uint8Array(MAP_CHANNELS.length);
	/**
	 * Per agent, FW_SLOTS (framework index + 1, cpus of its live tasks) pairs at
	 * a * FW_SLOTS: kept by taskChanged, so the framework channel never walks
	 * tasks (reading scattered task records cost ~1 µs each at 60,000 agents).
	 * A fifth framework on one agent takes the slot of the smallest holder.
	 */
	#slotFw = new Int32Array(0);
	#slotCpus = new Float64Array(0);
	/** Live tasks counted in the slots (each is subtracted once, when released). */
	readonly #counted = new Set<TaskRecord>();

	constructor(master: Master, groupOf: GroupOf | null = null) {
		this.#master = master;
		this.#groupOf = groupOf;
		this.#grow();
		for (let a = 0; a < this.count; a++) this.#offers[a] = Math.min(65535, master.offersOnAgent(a).size);
		for (const fw of master.frameworks) for (const t of fw.tasks.values()) this.taskChanged(t);
		for (let a = 0; a < this.count; a++) this.#compute(a);
	}

	/** Agent a's state, allocation, offers or tasks changed. */
	markDirty(a: number): void {
		if (a >= this.#dirty.length) return; // a new agent: #grow() computes it
		if (this.#dirty[a] === 1) return;
		this.#dirty[a] = 1;
		this.#dirtyList[this.#dirtyCount++] = a;
	}

	/** A task launched or changed state: its cpus count for its framework on its agent until it is released. */
	taskChanged(t: TaskRecord): void {
		if (!t.released && !this.#counted.has(t)) {
			this.#counted.add(t);
			this.#hold(t.agent, t.fw.idx, t.q[0]! + 1e-6);
		} else if (t.released && this.#counted.delete(t)) this.#hold(t.agent, t.fw.idx, -(t.q[0]! + 1e-6));
		this.markDirty(t.agent);
	}

	#hold(a: number, fw: number, cpus: number): void {
		if (a >= this.#dirty.length) this.#grow();
		const base = a * FW_SLOTS;
		let free = -1;
		let smallest = base;
		for (let i = base; i < base + FW_SLOTS; i++) {
			if (this.#slotFw[i] === fw + 1) {
				const left = this.#slotCpus[i]! + cpus;
				if (left <= 1e-9) this.#slotFw[i] = 0;
				this.#slotCpus[i] = Math.max(0, left);
				return;
			}
			if (this.#slotFw[i] === 0 && free < 0) free = i;
			if (this.#slotCpus[i]! < this.#slotCpus[smallest]!) smallest = i;
		}
		if (cpus <= 0) return;
		const at = free >= 0 ? free : smallest;
		this.#slotFw[at] = fw + 1;
		this.#slotCpus[at] = cpus;
	}

	offerMade(a: number): void {
		if (a < this.#offers.length && this.#offers[a]! < 65535) this.#offers[a]!++;
		this.markDirty(a);
	}

	offerEnded(a: number): void {
		if (a < this.#offers.length && this.#offers[a]! > 0) this.#offers[a]!--;
		this.markDirty(a);
	}

	/**
	 * Recomputes dirty agents for at most `budgetMs` wall ms (the rest stay
	 * dirty for the next call: the map catches up within a few updates after a
	 * burst, and an update's build time stays bounded); `changed` lists those
	 * whose bytes differ. Returns true if agents were added.
	 */
	refresh(budgetMs = Number.POSITIVE_INFINITY): boolean {
		const grew = this.#master.cluster.size > this.count;
		if (grew) this.#grow();
		const deadline = performance.now() + budgetMs;
		const list = this.#dirtyList;
		const before = this.#before;
		let n = 0;
		let k = 0;
		for (; k < this.#dirtyCount; k++) {
			if ((k & 255) === 255 && performance.now() > deadline) break;
			const a = list[k]!;
			this.#dirty[a] = 0;
			for (let c = 0; c < before.length; c++) before[c] = this.channels[c]![a]!;
			this.#compute(a);
			for (let c = 0; c < before.length; c++) {
				if (before[c] !== this.channels[c]![a]) {
					this.changed[n++] = a;
					break;
				}
			}
		}
		list.copyWithin(0, k, this.#dirtyCount);
		this.#dirtyCount -= k;
		this.changedCount = n;
		return grew;
	}

	/** Agents still waiting to be recomputed. */
	get pending(): number {
		return this.#dirtyCount;
	}

	fullFrame(t: number): Uint8Array {
		const meta: MapFullMeta = { count: this.count, t };
		return encodeFrame(
			FRAME.MAP_FULL,
			meta,
			this.channels.map((ch) => ch.subarray(0, this.count)),
		);
	}

	/** The agents changed by the last refresh(). */
	deltaFrame(t: number): Uint8Array {
		const n = this.changedCount;
		const idx = this.changed.subarray(0, n);
		const meta: MapDeltaMeta = { count: this.count, t, changed: n };
		const values = this.channels.map((ch) => {
			const out = new Uint8Array(n);
			for (let k = 0; k < n; k++) out[k] = ch[idx[k]!]!;
			return out;
		});
		return encodeFrame(FRAME.MAP_DELTA, meta, [idx, ...values]);
	}

	#layout: { version: number; frame: Uint8Array } | null = null;

	/** Per attribute key (the agent group first), a value index per agent; built once per layoutVersion. */
	layoutFrame(): Uint8Array {
		if (this.#layout?.version !== this.layoutVersion)
			this.#layout = { version: this.layoutVersion, frame: this.#buildLayout() };
		return this.#layout.frame;
	}

	#buildLayout(): Uint8Array {
		const cl = this.#master.cluster;
		const n = this.count;
		const keys: string[] = [];
		const values: string[][] = [];
		const columns: Uint16Array[] = [];
		const intern: Map<string, number>[] = [];
		const column = (key: string): number => {
			let k = keys.indexOf(key);
			if (k < 0) {
				k = keys.length;
				keys.push(key);
				values.push([]);
				columns.push(new Uint16Array(n));
				intern.push(new Map());
			}
			return k;
		};
		const put = (k: number, a: number, value: string) => {
			let v = intern[k]!.get(value);
			if (v === undefined) {
				v = values[k]!.length;
				// Past 65,535 distinct values (one per agent), the rest share the last slot.
				if (v < 65535) {
					values[k]!.push(value);
					intern[k]!.set(value, v);
				} else v = 65534;
			}
			columns[k]![a] = v;
		};
		if (this.#groupOf !== null) {
			const g = column("group");
			for (let a = 0; a < n; a++) put(g, a, this.#groupOf(a));
		}
		for (let a = 0; a < n; a++) {
			for (const attr of cl.attributes[a]!) put(column(attr.name), a, attributeText(attr));
		}
		const meta: LayoutMeta = { count: n, keys, values };
		return encodeFrame(FRAME.LAYOUT, meta, columns);
	}

	#grow(): void {
		const size = this.#master.cluster.size;
		const old = this.count;
		if (size > this.#dirty.length) {
			const cap = Math.max(size, this.#dirty.length * 2, 64);
			this.channels = this.channels.map((ch) => copyInto(new Uint8Array(cap), ch));
			this.#offers = copyInto(new Uint16Array(cap), this.#offers);
			this.#dirty = copyInto(new Uint8Array(cap), this.#dirty);
			this.#dirtyList = copyInto(new Uint32Array(cap), this.#dirtyList);
			this.changed = new Uint32Array(cap);
			this.#slotFw = copyInto(new Int32Array(cap * FW_SLOTS), this.#slotFw);
			this.#slotCpus = copyInto(new Float64Array(cap * FW_SLOTS), this.#slotCpus);
		}
		this.count = size;
		for (let a = old; a < size; a++) this.markDirty(a);
		if (size > old) this.layoutVersion++;
	}

	#compute(a: number): void {
		const m = this.#master;
		const cl = m.cluster;
		const ch = this.channels;
		ch[CH.HEALTH]![a] = healthOf(m, a);
		ch[CH.CPU]![a] = fraction(cl.allocated[0]![a]!, cl.total[0]![a]!);
		ch[CH.MEM]![a] = fraction(cl.allocated[1]![a]!, cl.total[1]![a]!);
		ch[CH.OFFERS]![a] = Math.min(255, this.#offers[a]!);
		let best = -1;
		let bestCpus = 0;
		for (let i = a * FW_SLOTS; i < (a + 1) * FW_SLOTS; i++) {
			if (this.#slotFw[i] !== 0 && this.#slotCpus[i]! > bestCpus) {
				bestCpus = this.#slotCpus[i]!;
				best = this.#slotFw[i]! - 1;
			}
		}
		ch[CH.FRAMEWORK]![a] = best < 0 ? 0 : 1 + (best % FRAMEWORK_SLOTS);
	}
}

function fraction(part: number, whole: number): number {
	if (whole <= 0 || part <= 0) return 0;
	return Math.min(ALLOC_SCALE, Math.max(1, Math.round((part / whole) * ALLOC_SCALE)));
}

function copyInto<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(
	to: T,
	from: T,
): T {
	to.set(from.subarray(0, Math.min(from.length, to.length)));
	return to;
}

export function attributeText(attr: {
	scalar?: { value: number };
	text?: { value: string };
	set?: { item: string[] };
	ranges?: { range: { begin: number; end: number }[] };
}): string {
	if (attr.text !== undefined) return attr.text.value;
	if (attr.scalar !== undefined) return String(attr.scalar.value);
	if (attr.set !== undefined) return `{${attr.set.item.join(",")}}`;
	if (attr.ranges !== undefined) return attr.ranges.range.map((r) => `[${r.begin}-${r.end}]`).join(",");
	return "";
}
