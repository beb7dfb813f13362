/**
 * The dashboard's live feed: what every viewer's WebSocket gets. On connect a
 * snapshot (layout, full map, history, tables); then, at each tick (the plugin
 * ticks it at most 10 times a wall second), one JSON update and one binary map
 * delta, built once and sent to every viewer.
 *
 * A slow viewer never holds the simulation back nor grows the server's memory:
 * before each send the socket's bufferedAmount is checked against a bound; over
 * it the viewer skips this update (latest state wins) and gets a full map frame
 * once it has drained. Nothing is queued per viewer but what ws buffers, which
 * the bound caps at bound + one update.
 *
 * Layout: feed events of the current tick in an array capped at
 * `eventsPerUpdate` (more are counted, not kept); samples and faults in rings.
 * Invariants: the observer hooks only mark and count (O(1)); all building
 * happens in tick(), outside the engine's events.
 * Complexity: tick O(dirty agents + agents for the totals + frameworks' tasks).
 * Guarded by: `npx tsx test/browser/bench.ts` (docs/benchmarks.md, "Dashboard").
 */
import { performance } from "node:perf_hooks";
import {
	AGENT_STATE,
	FRAMEWORK_REASONS,
	type Master,
	type OfferRecord,
	PASS_REASONS,
	type TaskRecord,
	type TaskState,
} from "../../master/index.js";
import {
	CLOSE,
	type Fault,
	type FeedEvent,
	type FeedKind,
	HEALTH_NAMES,
	type LessonView,
	MAX_CLIENT_MESSAGE,
	type NarrationStep,
	parseClientMessage,
	type ReportData,
	type Sample,
	type ServerMessage,
	type SnapshotMessage,
	type UpdateMessage,
} from "../protocol.js";
import { AgentMap, type GroupOf } from "./map.js";
import { Tally } from "./tally.js";
import { agentDetail, frameworkName, frameworksView, rolesView, totalsView } from "./views.js";

/** What the feed reads of the clock that drives the simulation. */
export interface FeedClock {
	readonly speed: number;
	readonly paused?: boolean;
}

/** The part of a ws WebSocket the feed uses. */
export interface FeedSocket {
	readonly bufferedAmount: number;
	readonly readyState: number;
	send(data: string | Uint8Array): void;
	close(code: number, reason: string): void;
}

export interface FeedOptions {
	master: Master;
	/**
	 * The Unix time (ms) simulated time 0 stands for (the engine's originMs: the
	 * wall clock at start in live mode, 0 in headless runs). Times sent to the
	 * page are simulated time since the start.
	 */
	originMs?: number;
	clock: FeedClock;
	groupOf?: GroupOf;
	/** Live tasks in the cluster (the fleet knows); default: counted from the frameworks. */
	tasksRunning?: () => number;
	catalog?: { name: string; description: string }[];
	/** A viewer whose socket buffers more than this skips updates (default 1 MiB). */
	maxBufferedBytes?: number;
	/** Feed events per update at most (default 200). */
	eventsPerUpdate?: number;
	/** Chart samples kept (default 3600). */
	historySize?: number;
	/** Simulated ms between chart samples at least (default 1000). */
	sampleEveryMs?: number;
	/** Wall ms an update spends recomputing map cells at most; the rest wait for the next (default 3). */
	refreshBudgetMs?: number;
}

const OPEN = 1;
/** Agent states that mark a fault on the charts' time axis. */
const FAULT_STATES = new Set<number>([AGENT_STATE.DISCONNECTED, AGENT_STATE.UNREACHABLE, AGENT_STATE.GONE]);
const FAULT_RING = 500;

interface Viewer {
	needsFull: boolean;
	layoutVersion: number;
	dropped: number;
}

class Ring<T> {
	readonly #items: T[] = [];
	readonly #cap: number;
	constructor(cap: number) {
		this.#cap = cap;
	}
	push(x: T): void {
		this.#items.push(x);
		if (this.#items.length > this.#cap) this.#items.splice(0, this.#items.length - this.#cap);
	}
	toArray(): T[] {
		return this.#items.slice();
	}
}

export class DashboardFeed {
	readonly map: AgentMap;
	/** Wall ms each update took to build (the last 256), and bytes sent to all viewers. */
	readonly stats = { buildMs: [] as number[], bytesSent: 0, updates: 0, skipped: 0 };
	readonly #o: Required<Omit<FeedOptions, "groupOf" | "tasksRunning" | "catalog" | "originMs">> & FeedOptions;
	readonly #master: Master;
	readonly #viewers = new Map<FeedSocket, Viewer>();
	#events: FeedEvent[] = [];
	#lesson: LessonView | null = null;
	#droppedEvents = 0;
	#bulkEvents = 0;
	#rareEvents = 0;
	readonly #history: Ring<Sample>;
	readonly #faults = new Ring<Fault>(FAULT_RING);
	#newFaults: Fault[] = [];
	#lastSample: {
		t: number;
		made: number;
		accepted: number;
		declined: number;
		launched: number;
		failed: number;
	};
	readonly #tally: Tally;
	/** The allocation cycle being decided: offers per framework name, resources offered. */
	#cycleOffers = new Map<string, number>();
	#cycleCpus = 0;
	#cycleMem = 0;
	#visitedAtLastCycle: number;
	#disposed = false;

	/** Simulated ms since the start (what the page shows and charts). */
	#simNow(): number {
		return this.#master.now - (this.#o.originMs ?? 0);
	}

	constructor(opts: FeedOptions) {
		this.#o = {
			maxBufferedBytes: 1024 * 1024,
			eventsPerUpdate: 200,
			historySize: 3600,
			sampleEveryMs: 1000,
			refreshBudgetMs: 3,
			...opts,
		};
		const m = opts.master;
		this.#master = m;
		this.map = new AgentMap(m, opts.groupOf ?? null);
		this.#history = new Ring(this.#o.historySize);
		this.#lastSample = { t: this.#simNow(), ...this.#counters() };
		this.#visitedAtLastCycle = m.allocator.agentsVisited;
		this.#tally = new Tally(m);
		this.#observe();
	}

	get viewers(): number {
		return this.#viewers.size;
	}

	// ---- observer hooks: mark and count only ----------------------------------

	#observe(): void {
		const m = this.#master;
		const prev = m.observer;
		m.observer = {
			...prev,
			offerMade: (o) => {
				prev.offerMade?.(o);
				if (this.#disposed) return;
				this.map.offerMade(o.agent);
				this.#tally.offer(o.role, o.q, 1);
				const name = frameworkName(o.fw);
				this.#cycleOffers.set(name, (this.#cycleOffers.get(name) ?? 0) + 1);
				this.#cycleCpus += o.q[0]!;
				this.#cycleMem += o.q[1]!;
			},
			offerEnded: (o, how) => {
				prev.offerEnded?.(o, how);
				if (this.#disposed) return;
				this.map.offerEnded(o.agent);
				this.#tally.offer(o.role, o.q, -1);
				this.#offerEnded(o, how);
			},
			taskChanged: (t, p) => {
				prev.taskChanged?.(t, p);
				if (this.#disposed) return;
				this.map.taskChanged(t);
				this.#tally.taskChanged(t, p);
				this.#taskChanged(t, p);
			},
			agentChanged: (a) => {
				prev.agentChanged?.(a);
				if (this.#disposed) return;
				this.map.markDirty(a);
				this.#agentChanged(a);
			},
			cycleDecided: () => {
				prev.cycleDecided?.();
				if (this.#disposed) return;
				this.#cycleDecided();
			},
		};
	}

	/** Stops listening (the hooks stay chained but do nothing) and closes every viewer. */
	dispose(): void {
		this.#disposed = true;
		for (const s of this.#viewers.keys()) s.close(1001, "server shutting down");
		this.#viewers.clear();
	}

	/**
	 * One feed event, unless this update already holds its share: offers and
	 * task events (thousands a second on a big cluster) up to eventsPerUpdate;
	 * cycles and faults, rare and the ones a viewer looks for, have their own
	 * allowance of the same size so a flood of declines never hides them.
	 */
	#event(
		kind: FeedKind,
		framework: string | null,
		agent: number | null,
		text: () => string,
		about: { offer: string } | { task: string } | null = null,
	): void {
		const rare = kind === "cycle" || kind === "fault";
		if (rare ? this.#rareEvents >= this.#o.eventsPerUpdate : this.#bulkEvents >= this.#o.eventsPerUpdate) {
			this.#droppedEvents++;
			return;
		}
		if (rare) this.#rareEvents++;
		else this.#bulkEvents++;
		this.#events.push({ t: this.#simNow(), kind, framework, agent, text: text(), ...about });
	}

	#offerEnded(o: OfferRecord, how: "accepted" | "declined" | "rescinded"): void {
		const name = frameworkName(o.fw);
		if (how === "declined") {
			const text = () => {
				const until = o.fw.filters.expiryOf(o.agent, o.role, this.#master.now);
				const refuse = until < 0 ? "no filter" : `refuse ${((until - this.#master.now) / 1000).toFixed(1)} s`;
				return `${name} declined ${o.id} (${fmtRes(o.q)}), ${refuse}`;
			};
			this.#event("decline", name, o.agent, text, { offer: o.id });
		} else if (how === "accepted")
			this.#event("accept", name, o.agent, () => `${name} accepted ${o.id}`, { offer: o.id });
		else this.#event("rescind", name, o.agent, () => `${o.id} rescinded from ${name}`, { offer: o.id });
	}

	#taskChanged(t: TaskRecord, previous: TaskState | null): void {
		const name = frameworkName(t.fw);
		if (previous === null)
			this.#event("launch", name, t.agent, () => `${name} launched ${t.id} (${fmtRes(t.q)})`, { task: t.id });
		else this.#event("status", name, t.agent, () => `${t.id}: ${previous} → ${t.state}`, { task: t.id });
	}

	/** A health change of a known agent is a feed event; entering a fault state also marks the charts. */
	#agentChanged(a: number): void {
		const m = this.#master;
		this.#tally.agentsAdded();
		const [before, now] = this.#tally.agentChanged(a);
		if (before < 0 || before === now) return;
		const text = `agent ${m.cluster.hostnames[a]}: ${HEALTH_NAMES[before]} → ${HEALTH_NAMES[now]}`;
		if (FAULT_STATES.has(m.cluster.state[a]!)) {
			const fault = { t: this.#simNow(), text };
			this.#faults.push(fault);
			this.#newFaults.push(fault);
		}
		this.#event("fault", null, a, () => text);
	}

	#cycleDecided(): void {
		const visited = this.#master.allocator.agentsVisited - this.#visitedAtLastCycle;
		this.#visitedAtLastCycle = this.#master.allocator.agentsVisited;
		const offers = this.#cycleOffers;
		let n = 0;
		for (const v of offers.values()) n += v;
		if (n > 0 || visited > 0) {
			const cpus = this.#cycleCpus;
			const mem = this.#cycleMem;
			this.#event("cycle", null, null, () => {
				const per = [...offers].map(([f, k]) => `${f} ${k}`).join(", ");
				return `cycle: ${visited} agents visited, ${n} offers${n > 0 ? ` (${per})` : ""}, ${cpus.toFixed(1)} cpus ${fmtMem(mem)} offered`;
			});
		}
		this.#cycleOffers = new Map();
		this.#cycleCpus = 0;
		this.#cycleMem = 0;
	}

	#counters() {
		const mm = this.#master.metrics;
		return {
			made: mm.offersSent,
			accepted: mm.offersAccepted,
			declined: mm.offersDeclined,
			launched: mm.tasksLaunched,
			failed: mm.taskTransitions.TASK_FAILED ?? 0,
		};
	}

	// ---- viewers ----------------------------------------------------------------

	/** A new viewer: the layout, the full map and a snapshot, at once. */
	attach(socket: FeedSocket): void {
		this.map.refresh();
		this.#send(socket, this.map.layoutFrame());
		this.#send(socket, this.map.fullFrame(this.#simNow()));
		this.#send(socket, JSON.stringify(this.#snapshot(this.#o.catalog ?? [])));
		this.#viewers.set(socket, { needsFull: false, layoutVersion: this.map.layoutVersion, dropped: 0 });
	}

	#snapshot(catalog: SnapshotMessage["catalog"]): SnapshotMessage {
		return {
			type: "snapshot",
			...this.#live(),
			events: [],
			dropped: 0,
			history: this.#history.toArray(),
			faults: this.#faults.toArray(),
			catalog,
			reasons: { pass: PASS_REASONS, framework: FRAMEWORK_REASONS },
			...(this.#lesson === null ? {} : { lesson: { ...this.#lesson, played: this.#lesson.played.slice() } }),
		};
	}

	// ---- narration (a lesson's script, sim/narration) -----------------------------

	/** The lesson being played; its steps go into every snapshot. */
	startLesson(lesson: Omit<LessonView, "played">): void {
		this.#lesson = { ...lesson, played: [] };
	}

	/** A step just played: kept for later viewers and sent to every viewer at once (steps are rare and small). */
	narrate(step: NarrationStep): void {
		if (this.#lesson === null) return;
		this.#lesson.played.push(step);
		const json = JSON.stringify({ type: "narration", step } satisfies ServerMessage);
		for (const socket of this.#viewers.keys()) this.#send(socket, json);
	}

	/** Everything a page needs to draw the cluster now, without a socket (a report file). */
	reportData(): ReportData {
		this.map.refresh();
		return {
			snapshot: this.#snapshot([]),
			layout: Buffer.from(this.map.layoutFrame()).toString("base64"),
			map: Buffer.from(this.map.fullFrame(this.#simNow())).toString("base64"),
		};
	}

	detach(socket: FeedSocket): void {
		this.#viewers.delete(socket);
	}

	/** A message from a page. Anything but a well-formed request closes that socket, with the reason. */
	receive(socket: FeedSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
		const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
		if (isBinary) {
			this.#reject(socket, CLOSE.UNSUPPORTED, "binary messages are not accepted");
			return;
		}
		if (size > MAX_CLIENT_MESSAGE) {
			this.#reject(socket, CLOSE.TOO_BIG, `message over ${MAX_CLIENT_MESSAGE} bytes`);
			return;
		}
		const text = Array.isArray(data)
			? Buffer.concat(data).toString("utf8")
			: Buffer.from(data as ArrayBuffer).toString("utf8");
		const msg = parseClientMessage(text);
		if (typeof msg === "string") {
			this.#reject(socket, CLOSE.POLICY, msg);
			return;
		}
		const index = "id" in msg ? this.#master.cluster.indexOf(msg.id) : msg.index;
		const reply: ServerMessage = {
			type: "agent",
			index,
			agent:
				index < 0 ? null : agentDetail(this.#master, index, this.#o.groupOf ?? null, this.#o.originMs ?? 0),
		};
		this.#send(socket, JSON.stringify(reply));
	}

	#reject(socket: FeedSocket, code: number, reason: string): void {
		this.#viewers.delete(socket);
		socket.close(code, reason);
	}

	#send(socket: FeedSocket, data: string | Uint8Array): void {
		if (socket.readyState !== OPEN) return;
		socket.send(data);
		this.stats.bytesSent += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
	}

	#live() {
		const m = this.#master;
		const tasksRunning = this.#o.tasksRunning?.() ?? countRunning(m);
		this.#tally.agentsAdded();
		return {
			clock: { t: this.#simNow(), speed: this.#o.clock.speed, paused: this.#o.clock.paused ?? false },
			frameworks: frameworksView(m, this.#tally),
			roles: rolesView(m, this.#tally),
			totals: totalsView(m, this.#tally, tasksRunning),
		};
	}

	/** One update: built once, sent to every viewer that is keeping up. */
	tick(): void {
		if (this.#disposed) return;
		const start = performance.now();
		const live = this.#live();
		const sample = this.#sample(live.totals);
		if (this.#viewers.size === 0) {
			// The charts' history goes on; the map waits: attach() catches it up in full.
			this.#clearEvents();
			return;
		}
		const grew = this.map.refresh(this.#o.refreshBudgetMs);
		const update: UpdateMessage = {
			type: "update",
			...live,
			events: this.#events,
			dropped: this.#droppedEvents,
			sample,
			faults: this.#newFaults,
		};
		const json = JSON.stringify(update);
		let delta: Uint8Array | null = null;
		let full: Uint8Array | null = null;
		let layout: Uint8Array | null = null;
		this.stats.buildMs.push(performance.now() - start);
		if (this.stats.buildMs.length > 256) this.stats.buildMs.shift();
		this.stats.updates++;
		for (const [socket, v] of this.#viewers) {
			if (socket.readyState !== OPEN) continue;
			if (socket.bufferedAmount > this.#o.maxBufferedBytes) {
				// Latest state wins: this viewer skips the update and gets a full map when it drains.
				v.needsFull = true;
				v.dropped += this.#events.length + this.#droppedEvents;
				this.stats.skipped++;
				continue;
			}
			if (v.layoutVersion !== this.map.layoutVersion) {
				layout ??= this.map.layoutFrame();
				this.#send(socket, layout);
				v.layoutVersion = this.map.layoutVersion;
				v.needsFull = true;
			}
			if (v.needsFull || grew) {
				full ??= this.map.fullFrame(this.#simNow());
				this.#send(socket, full);
				v.needsFull = false;
			} else if (this.map.changedCount > 0) {
				delta ??= this.map.deltaFrame(this.#simNow());
				this.#send(socket, delta);
			}
			if (v.dropped > 0) {
				update.dropped += v.dropped;
				this.#send(socket, JSON.stringify(update));
				update.dropped -= v.dropped;
				v.dropped = 0;
			} else this.#send(socket, json);
		}
		this.#clearEvents();
	}

	#clearEvents(): void {
		this.#events = [];
		this.#droppedEvents = 0;
		this.#bulkEvents = 0;
		this.#rareEvents = 0;
		this.#newFaults = [];
	}

	#sample(totals: { total: number[]; allocated: number[] }): Sample | null {
		const m = this.#master;
		const dt = this.#simNow() - this.#lastSample.t;
		if (dt < this.#o.sampleEveryMs) return null;
		const c = this.#counters();
		const last = this.#lastSample;
		const perSec = (now: number, before: number) => ((now - before) * 1000) / dt;
		const shares: Record<string, number> = {};
		for (const fw of m.frameworks) if (!fw.removed) shares[fw.id] = m.dominantShare(fw);
		const sample: Sample = {
			t: this.#simNow(),
			cpu: totals.total[0]! > 0 ? totals.allocated[0]! / totals.total[0]! : 0,
			mem: totals.total[1]! > 0 ? totals.allocated[1]! / totals.total[1]! : 0,
			offersMade: perSec(c.made, last.made),
			offersAccepted: perSec(c.accepted, last.accepted),
			offersDeclined: perSec(c.declined, last.declined),
			launches: perSec(c.launched, last.launched),
			failures: perSec(c.failed, last.failed),
			shares,
		};
		this.#history.push(sample);
		this.#lastSample = { t: this.#simNow(), ...c };
		return sample;
	}
}

function countRunning(m: Master): number {
	let n = 0;
	for (const fw of m.frameworks) for (const t of fw.tasks.values()) if (!t.released) n++;
	return n;
}

function fmtMem(mb: number): string {
	return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

function fmtRes(q: ArrayLike<number>): string {
	return `${Number(q[0]!.toFixed(2))} cpus, ${fmtMem(q[1]!)}`;
}
