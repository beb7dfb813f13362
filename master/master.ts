/**
 * Master — the simulated Mesos master: framework and agent registries, offers,
 * the scheduler calls, tasks and status updates, agent health.
 *
 * It is pure logic on the engine's clock: no I/O, no wall clock. Frameworks
 * reach it through MasterSchedulerApi (Calls in, Events out through an
 * EventSink); agents through MasterAgentApi. Messages to agents leave through
 * engine events, never synchronously. A call that breaks a rule gets the Mesos
 * outcome (status code, TASK_ERROR/TASK_LOST, ERROR event), never an exception.
 *
 * Hot path: allocation (allocator.ts), ACCEPT/DECLINE, status updates. Records
 * are plain objects keyed by dense indices; agents are struct-of-arrays
 * (cluster.ts). Guarded by `mesosim bench allocator` and `mesosim bench engine`.
 */
import type { Engine, EventHandler, Rng, RngStreams } from "../engine/index.js";
import { Allocator, type AllocatorChecks } from "./allocator/index.js";
import { BoundedList } from "./bounded.js";
import { AGENT_STATE, Cluster } from "./cluster.js";
import { FrameworkFilters, RefusedPool, refuseMs } from "./filters.js";
import { type MasterFlags, withDefaults } from "./flags.js";
import type { AgentEndpoint, AgentSpec, MasterAgentApi, ReportedTask } from "./protocol/agent.js";
import {
	type Call,
	type Event,
	type FrameworkInfo,
	isTerminalState,
	type Offer,
	type Operation,
	type Range,
	type Resource,
	type TaskInfo,
	type TaskState,
	type TaskStatus,
	type TaskStatusReason,
	type Value,
} from "./protocol/messages.js";
import {
	fixed,
	normalizeRanges,
	parseResources,
	rangesAdd,
	rangesContain,
	rangesSubtract,
	SCALAR_COUNT,
	SCALAR_NAMES,
} from "./protocol/resources.js";
import type { CallResult, EventSink, MasterSchedulerApi, SubscribeResult } from "./protocol/scheduler.js";
import type { FrameworkRecord, OfferRecord, TaskRecord } from "./records.js";
import { checkFrameworkInfo } from "./validate.js";

const K = {
	CYCLE: 0,
	PERIODIC: 1,
	OFFER_TIMEOUT: 2,
	HEARTBEAT: 3,
	FAILOVER: 4,
	UNREACHABLE: 5,
} as const;

export type OfferEnd = "accepted" | "declined" | "rescinded";

/** Hooks for the runner, metrics and invariant checks (all optional). */
export interface MasterObserver {
	offerMade?(offer: OfferRecord): void;
	offerEnded?(offer: OfferRecord, how: OfferEnd): void;
	taskChanged?(task: TaskRecord, previous: TaskState | null): void;
	agentChanged?(agent: number): void;
	frameworkChanged?(fw: FrameworkRecord, what: "added" | "updated" | "removed"): void;
	eventSent?(fw: FrameworkRecord, event: Event): void;
	/** An allocation cycle made its decisions; its OFFERS events are built and sent next (benchmarks time the split). */
	cycleDecided?(): void;
}

export interface MasterOptions {
	engine: Engine;
	streams: RngStreams;
	flags?: Partial<MasterFlags>;
	/** Test switches of the allocator (fast path against simple path); defaults in DEFAULT_CHECKS. */
	checks?: Partial<AllocatorChecks>;
}

const EPS = 1e-9;
/** Shared empty port list (port lists are replaced, never mutated). */
const NO_PORTS: Range[] = [];

function bad(status: 400 | 403 | 404 | 409 | 501 | 503, message: string): CallResult {
	return { ok: false, status, message };
}
const ACCEPTED: CallResult = { ok: true, status: 202 };

export class Master implements MasterSchedulerApi, MasterAgentApi, EventHandler {
	readonly id: string;
	readonly flags: MasterFlags;
	readonly cluster = new Cluster();
	readonly allocator: Allocator;
	readonly frameworks: FrameworkRecord[] = [];
	readonly completedFrameworks: BoundedList<FrameworkRecord>;
	readonly startedAt: number;
	observer: MasterObserver = {};
	/** Invariant violations found while running (double offer end, …). */
	readonly violations: string[] = [];
	/** A running hash of everything sent to frameworks (determinism check). */
	eventLogHash = 0x811c9dc5;
	readonly metrics = {
		offersSent: 0,
		offersDeclined: 0,
		offersAccepted: 0,
		offersRescinded: 0,
		tasksLaunched: 0,
		statusUpdates: 0,
		statusUpdateAcks: 0,
		agentRegistrations: 0,
		agentReregistrations: 0,
		agentRemovals: 0,
		agentsUnreachable: 0,
		frameworkSubscribes: 0,
		invalidCalls: 0,
		callsByType: {} as Record<string, number>,
		tasksByState: {} as Record<string, number>,
	};

	readonly #engine: Engine;
	readonly #rng: Rng;
	readonly #fwById = new Map<string, FrameworkRecord>();
	readonly #removedIds = new Set<string>();
	readonly #streams = new Map<string, FrameworkRecord>();
	/** Outstanding offers by number; an id "<masterId>-O<n>" is looked up by its n (#offerById). */
	readonly #offersByNum = new Map<number, OfferRecord>();
	readonly #offerPrefix: string;
	/** Per agent: its one outstanding offer, or a Set once it has had two at a time (insertion order kept). */
	readonly #agentOffers: (OfferRecord | Set<OfferRecord> | undefined)[] = [];
	readonly #agentTasks: (Set<TaskRecord> | undefined)[] = [];
	readonly #goneAgents = new Set<string>();
	/** Per agent: what its last offer held, and its frozen Resource objects once offered twice alike. */
	readonly #resourceCache: (ResourceCacheEntry | undefined)[] = [];
	readonly #agentIdValues: (Readonly<{ value: string }> | undefined)[] = [];
	/** Char codes of "<master id>-O", the prefix of every offer id (#mixOffers). */
	readonly #offerIdPrefix: Uint16Array;
	readonly #digits = new Uint8Array(20);
	/** Refused resources of every framework's filters, shared (filters.ts). */
	readonly #refused = new RefusedPool();
	#nextFw = 0;
	#nextAgent = 0;
	#nextOffer = 0;
	#nextStream = 0;
	#cycleScheduled = false;
	#pendingOffers = new Map<FrameworkRecord, OfferRecord[]>();
	#started = false;

	constructor(opts: MasterOptions) {
		this.#engine = opts.engine;
		this.flags = withDefaults(opts.flags);
		this.#rng = opts.streams.stream("master");
		this.id = uuidString(this.#rng);
		this.#offerPrefix = `${this.id}-O`;
		this.#offerIdPrefix = new Uint16Array(this.#offerPrefix.length);
		for (let i = 0; i < this.#offerPrefix.length; i++)
			this.#offerIdPrefix[i] = this.#offerPrefix.charCodeAt(i);
		this.startedAt = this.#engine.now;
		this.completedFrameworks = new BoundedList(this.flags.maxCompletedFrameworks);
		this.allocator = new Allocator(
			this.flags,
			this.cluster,
			opts.streams.stream("allocator"),
			{
				now: () => this.#engine.now,
				offer: (fw, role, agent, q, ports) => this.#makeOffer(fw, role, agent, q, ports),
				cycleDone: () => this.#flushOffers(),
			},
			opts.checks,
		);
	}

	/** Starts the periodic allocation timer. */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		this.#engine.after(this.flags.allocationIntervalMs, this, K.PERIODIC);
	}

	get now(): number {
		return this.#engine.now;
	}

	onEvent(kind: number, a: number, b: number): void {
		switch (kind) {
			case K.CYCLE:
				this.#cycleScheduled = false;
				this.allocator.cycle();
				break;
			case K.PERIODIC:
				this.#engine.after(this.flags.allocationIntervalMs, this, K.PERIODIC);
				this.allocator.request();
				this.allocator.cycle();
				break;
			case K.OFFER_TIMEOUT: {
				const o = this.#offersByNum.get(a);
				if (o !== undefined) this.#rescindOffer(o, true);
				break;
			}
			case K.HEARTBEAT: {
				const fw = this.frameworks[a];
				if (fw?.connected && fw.heartbeatTimer === b) {
					this.#send(fw, { type: "HEARTBEAT" });
					this.#rearmHeartbeat(fw);
				}
				break;
			}
			case K.FAILOVER: {
				const fw = this.frameworks[a];
				if (fw !== undefined && !fw.connected && !fw.removed && fw.failoverTimer === b)
					this.#removeFramework(fw);
				break;
			}
			case K.UNREACHABLE:
				if (this.cluster.linkDown[a] === 1 && this.cluster.linkGen[a] === b) this.#markUnreachable(a);
				break;
		}
	}

	/** Heartbeat and failover timers are tokens: a stale event finds a different token and does nothing. */
	#rearmHeartbeat(fw: FrameworkRecord): void {
		const token = this.#nextStream++;
		fw.heartbeatTimer = token;
		this.#engine.after(this.flags.heartbeatIntervalMs, this, K.HEARTBEAT, fw.idx, token);
	}

	#requestCycle(agent?: number): void {
		this.allocator.request(agent);
		if (!this.#cycleScheduled) {
			this.#cycleScheduled = true;
			this.#engine.after(0, this, K.CYCLE);
		}
	}

	// ==== scheduler API =========================================================

	subscribe(call: Call, sink: EventSink): SubscribeResult {
		this.#countCall("SUBSCRIBE");
		const info = call?.subscribe?.framework_info;
		if (call?.type !== "SUBSCRIBE" || info === undefined || info === null || typeof info !== "object") {
			this.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "Expecting 'subscribe' to be present" };
		}
		if (typeof info.user !== "string" || typeof info.name !== "string") {
			this.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "'framework_info' needs string fields 'user' and 'name'" };
		}
		const idValue = info.id?.value;
		if (call.framework_id !== undefined && call.framework_id?.value !== idValue) {
			this.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "'framework_id' differs from 'subscribe.framework_info.id'" };
		}
		const streamId = uuidString(this.#rng);
		const shape = checkFrameworkInfo(info);
		const fail = (message: string): SubscribeResult => {
			this.#engine.timeout(0, () => {
				sink.send({ type: "ERROR", error: { message } });
				sink.close();
			});
			return { ok: true, frameworkId: idValue ?? "", streamId };
		};
		if ("problem" in shape) return fail(shape.problem);
		const suppressed = call.subscribe?.suppressed_roles ?? [];
		for (const r of suppressed) {
			if (!shape.roles.includes(r)) return fail(`suppressed role '${r}' is not one of the framework's roles`);
		}
		if (idValue !== undefined && this.#removedIds.has(idValue)) return fail("Framework has been removed");
		this.metrics.frameworkSubscribes++;

		let fw = idValue !== undefined ? this.#fwById.get(idValue) : undefined;
		if (fw !== undefined) {
			// Resubscription (failover): the old stream ends, tasks are kept.
			if (fw.sink !== null && fw.connected) {
				const old = fw.sink;
				this.#engine.timeout(0, () => {
					old.send({ type: "ERROR", error: { message: "Framework failed over" } });
					old.close();
				});
			}
			if (fw.streamId !== null) this.#streams.delete(fw.streamId);
			this.#recoverOffersOf(fw, false);
			fw.failoverTimer = -1;
			const added = shape.roles.filter((r) => !fw!.roles.includes(r)).map((r) => this.allocator.roleIndex(r));
			const removed = fw.roleIdx.filter((_, k) => !shape.roles.includes(fw!.roles[k]!));
			fw.info = { ...info, id: { value: fw.id } };
			fw.roles = shape.roles;
			fw.roleIdx = shape.roles.map((r) => this.allocator.roleIndex(r));
			fw.partitionAware = shape.partitionAware;
			fw.gpuCapable = shape.gpuCapable;
			fw.minAllocatable = this.#minAllocatableOf(info, fw.roleIdx, fw.roles);
			fw.reregisteredAt = this.now;
			this.allocator.updateFrameworkRoles(fw, added, removed);
		} else {
			const id = idValue ?? `${this.id}-${String(this.#nextFw).padStart(4, "0")}`;
			this.#nextFw++;
			const roleIdx = shape.roles.map((r) => this.allocator.roleIndex(r));
			fw = {
				idx: this.frameworks.length,
				id,
				idValue: Object.freeze({ value: id }),
				info: { ...info, id: { value: id } },
				roles: shape.roles,
				roleIdx,
				partitionAware: shape.partitionAware,
				checkpoint: info.checkpoint === true,
				gpuCapable: shape.gpuCapable,
				connected: false,
				active: false,
				removed: false,
				sink: null,
				streamId: null,
				suppressed: new Set(),
				filters: new FrameworkFilters(this.#refused),
				offers: new Set(),
				tasks: new Map(),
				registeredAt: this.now,
				reregisteredAt: null,
				unregisteredAt: null,
				failoverTimer: -1,
				heartbeatTimer: -1,
				minAllocatable: this.#minAllocatableOf(info, roleIdx, shape.roles),
				counters: {
					offersSent: 0,
					offersAccepted: 0,
					offersDeclined: 0,
					offersRescinded: 0,
					tasksLaunched: 0,
					callsByType: {},
				},
			};
			this.frameworks.push(fw);
			this.#fwById.set(id, fw);
			this.allocator.addFramework(fw);
			this.observer.frameworkChanged?.(fw, "added");
		}
		fw.suppressed = new Set(suppressed);
		fw.sink = sink;
		fw.streamId = streamId;
		fw.connected = true;
		fw.active = true;
		fw.unregisteredAt = null;
		this.#streams.set(streamId, fw);
		this.allocator.syncActive(fw);
		this.#send(fw, {
			type: "SUBSCRIBED",
			subscribed: {
				framework_id: { value: fw.id },
				heartbeat_interval_seconds: this.flags.heartbeatIntervalMs / 1000,
				master_info: this.masterInfo(),
			},
		});
		this.#rearmHeartbeat(fw);
		if (fw.reregisteredAt !== null) this.observer.frameworkChanged?.(fw, "updated");
		this.allocator.markAllCandidates();
		this.#requestCycle();
		return { ok: true, frameworkId: fw.id, streamId };
	}

	masterInfo(): { id: string; ip: number; port: number; hostname: string; version: string } {
		return {
			id: this.id,
			ip: 16777343,
			port: this.flags.port,
			hostname: this.flags.hostname,
			version: "1.11.0",
		};
	}

	disconnect(streamId: string): void {
		const fw = this.#streams.get(streamId);
		if (fw === undefined) return;
		this.#streams.delete(streamId);
		if (fw.streamId !== streamId || !fw.connected) return;
		fw.connected = false;
		fw.active = false;
		fw.sink = null;
		fw.unregisteredAt = this.now;
		fw.heartbeatTimer = -1;
		this.#recoverOffersOf(fw, false);
		this.allocator.syncActive(fw);
		const timeoutMs = Math.round((fw.info.failover_timeout ?? 0) * 1000);
		const token = this.#nextStream++;
		fw.failoverTimer = token;
		this.#engine.after(timeoutMs, this, K.FAILOVER, fw.idx, token);
		this.observer.frameworkChanged?.(fw, "updated");
	}

	call(call: Call, streamId: string): CallResult {
		if (call === null || typeof call !== "object" || typeof call.type !== "string") {
			this.metrics.invalidCalls++;
			return bad(400, "Expecting 'type' to be present");
		}
		this.#countCall(call.type);
		if (call.type === "SUBSCRIBE") return bad(400, "SUBSCRIBE must open a new stream");
		const fwId = call.framework_id?.value;
		if (typeof fwId !== "string") {
			this.metrics.invalidCalls++;
			return bad(400, "Expecting 'framework_id' to be present");
		}
		const fw = this.#fwById.get(fwId);
		if (fw === undefined || fw.removed) {
			this.metrics.invalidCalls++;
			return bad(400, "Framework cannot be found");
		}
		if (fw.streamId !== streamId) {
			this.metrics.invalidCalls++;
			return bad(
				400,
				"The stream ID included in this request didn't match the stream ID currently associated with framework ID",
			);
		}
		// The reference orders "stream id missing or wrong" (400) before "not subscribed" (403).
		if (!fw.connected) return bad(403, "Framework is not subscribed");
		fw.counters.callsByType[call.type] = (fw.counters.callsByType[call.type] ?? 0) + 1;
		switch (call.type) {
			case "TEARDOWN":
				this.#removeFramework(fw);
				return ACCEPTED;
			case "ACCEPT":
				return this.#accept(fw, call);
			case "DECLINE":
				return this.#decline(fw, call);
			case "REVIVE":
				return this.#revive(fw, call.revive?.roles ?? null);
			case "SUPPRESS":
				return this.#suppress(fw, call.suppress?.roles ?? null);
			case "KILL":
				return this.#kill(fw, call);
			case "SHUTDOWN":
				if (call.shutdown?.executor_id?.value === undefined || call.shutdown?.agent_id?.value === undefined) {
					return bad(400, "Expecting 'shutdown' with 'executor_id' and 'agent_id'");
				}
				return ACCEPTED;
			case "ACKNOWLEDGE":
				return this.#acknowledge(fw, call);
			case "RECONCILE":
				return this.#reconcile(fw, call);
			case "MESSAGE":
				return this.#message(fw, call);
			case "REQUEST":
			case "ACCEPT_INVERSE_OFFERS":
			case "DECLINE_INVERSE_OFFERS":
			case "ACKNOWLEDGE_OPERATION_STATUS":
				return ACCEPTED;
			case "RECONCILE_OPERATIONS":
				return bad(501, "RECONCILE_OPERATIONS is not supported by mesosim");
			case "UPDATE_FRAMEWORK":
				return this.#updateFramework(fw, call);
			default:
				this.metrics.invalidCalls++;
				return bad(400, `Unknown call type '${String(call.type)}'`);
		}
	}

	#countCall(type: string): void {
		this.metrics.callsByType[type] = (this.metrics.callsByType[type] ?? 0) + 1;
	}

	#minAllocatableOf(
		info: FrameworkInfo,
		roleIdx: number[],
		roles: string[],
	): Map<number, Partial<Record<string, number>>[]> {
		const out = new Map<number, Partial<Record<string, number>>[]>();
		const of = info.offer_filters;
		if (of === undefined || of === null || typeof of !== "object") return out;
		roles.forEach((r, k) => {
			const q = of[r]?.min_allocatable_resources?.quantities;
			if (!Array.isArray(q)) return;
			out.set(
				roleIdx[k]!,
				q.map((x) => {
					const o: Record<string, number> = {};
					for (const [name, v] of Object.entries(x?.quantities ?? {})) o[name] = Number(v?.value ?? 0);
					return o;
				}),
			);
		});
		return out;
	}

	// ---- offers -------------------------------------------------------------

	#makeOffer(fw: FrameworkRecord, role: number, agent: number, q: Float64Array, ports: Range[]): void {
		const cl = this.cluster;
		for (let k = 0; k < SCALAR_COUNT; k++) cl.offered[k]![agent] = cl.offered[k]![agent]! + q[k]!;
		cl.freePorts[agent] = NO_PORTS;
		const num = this.#nextOffer++;
		const o: OfferRecord = {
			id: `${this.id}-O${num}`,
			num,
			fw,
			role,
			agent,
			q,
			ports,
			timer: -1,
			createdAt: this.now,
		};
		this.allocator.track(fw, role, q, 1);
		this.#offersByNum.set(num, o);
		fw.offers.add(o);
		const held = this.#agentOffers[agent];
		if (held === undefined) this.#agentOffers[agent] = o;
		else if (held instanceof Set) held.add(o);
		else this.#agentOffers[agent] = new Set([held, o]);
		if (this.flags.offerTimeoutMs !== null) {
			o.timer = this.#engine.after(this.flags.offerTimeoutMs, this, K.OFFER_TIMEOUT, num);
		}
		let list = this.#pendingOffers.get(fw);
		if (list === undefined) {
			list = [];
			this.#pendingOffers.set(fw, list);
		}
		list.push(o);
		this.observer.offerMade?.(o);
	}

	#flushOffers(): void {
		this.observer.cycleDecided?.();
		if (this.#pendingOffers.size === 0) return;
		for (const [fw, list] of this.#pendingOffers) {
			const offers: Offer[] = [];
			const multi = isMultiRole(fw);
			let live = 0;
			for (const o of list) {
				if (!this.#offersByNum.has(o.num)) continue;
				offers.push(this.#offerMessage(o, multi));
				list[live++] = o;
			}
			if (offers.length === 0) continue;
			list.length = live;
			fw.counters.offersSent += offers.length;
			this.metrics.offersSent += offers.length;
			this.#send(fw, { type: "OFFERS", offers: { offers } }, list);
		}
		this.#pendingOffers.clear();
	}

	/**
	 * mixEvent of an OFFERS event, from the offer records: each id is this
	 * master's "<id>-O" prefix and the decimal digits of the offer's number, so
	 * the hash is the same as mixString over the id, without reading the strings.
	 */
	#mixOffers(h: number, fw: FrameworkRecord, records: readonly OfferRecord[]): number {
		h = mix(mix(mix(mix(h, this.now), this.now / 4294967296), fw.idx), EVENT_CODE.OFFERS!);
		const prefix = this.#offerIdPrefix;
		const digits = this.#digits;
		for (const o of records) {
			for (let i = 0; i < prefix.length; i++) h = mix(h, prefix[i]!);
			let n = o.num;
			let d = 0;
			do {
				digits[d++] = 48 + (n % 10);
				n = Math.floor(n / 10);
			} while (n > 0);
			while (d > 0) h = mix(h, digits[--d]!);
		}
		return h;
	}

	offerMessage(o: OfferRecord): Offer {
		return this.#offerMessage(o, isMultiRole(o.fw));
	}

	/**
	 * The protocol Offer (what toResources + role "*" built, same keys in the
	 * same order). An agent offered the same resources twice in a row (the
	 * usual case: declined, offered again) gets its resources list built once,
	 * frozen and shared by the later offers — offer messages are read-only, as
	 * their `attributes` (interned per agent) already were.
	 */
	#offerMessage(o: OfferRecord, multi: boolean): Offer {
		const role = this.allocator.roles[o.role]!.name;
		const a = o.agent;
		const offer: Offer = {
			id: { value: o.id },
			framework_id: o.fw.idValue,
			agent_id: this.#agentIdValue(a),
			hostname: this.cluster.hostnames[a]!,
			resources: this.#offerResources(o, multi, role),
			attributes: this.cluster.attributes[a]!,
		};
		if (multi) offer.allocation_info = { role };
		return offer;
	}

	/** `{ value: agentId }`, frozen and shared by the agent's offer messages (read-only, like `attributes`). */
	#agentIdValue(a: number): { value: string } {
		const ids = this.#agentIdValues;
		const id = this.cluster.ids[a]!;
		let v = ids[a];
		// Checked against the slot's id, so a cached object can never show a stale one.
		if (v === undefined || v.value !== id) {
			v = Object.freeze({ value: id });
			ids[a] = v;
		}
		return v;
	}

	#offerResources(o: OfferRecord, multi: boolean, role: string): Resource[] {
		const c = this.#resourceCache[o.agent];
		const q = o.q;
		const same =
			c !== undefined &&
			c.q0 === q[0] &&
			c.q1 === q[1] &&
			c.q2 === q[2] &&
			c.q3 === q[3] &&
			c.multi === multi &&
			c.role === role &&
			sameRanges(c.ports, o.ports);
		if (same && c.items !== null) return c.items;
		const items = buildResources(q, o.ports, multi, role, same);
		if (same) c.items = Object.freeze(items) as Resource[];
		else {
			this.#resourceCache[o.agent] = {
				q0: q[0]!,
				q1: q[1]!,
				q2: q[2]!,
				q3: q[3]!,
				multi,
				role,
				ports: o.ports,
				items: null,
			};
		}
		return items;
	}

	/** Removes an offer and gives its resources back (optionally with a filter). */
	#endOffer(
		o: OfferRecord,
		how: OfferEnd,
		refuse: number | null,
		q: Float64Array = o.q,
		ports: Range[] = o.ports,
	): void {
		if (!this.#offersByNum.delete(o.num)) {
			this.violations.push(`offer ${o.id} ended twice (${how})`);
			return;
		}
		this.#engine.cancel(o.timer);
		o.fw.offers.delete(o);
		const held = this.#agentOffers[o.agent];
		if (held === o) this.#agentOffers[o.agent] = undefined;
		else if (held instanceof Set) held.delete(o);
		const cl = this.cluster;
		const a = o.agent;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const v = cl.offered[k]![a]! - o.q[k]!;
			cl.offered[k]![a] = Math.abs(v) < EPS ? 0 : v;
		}
		// The launched part moved to `allocated` already; give back what is left.
		this.allocator.track(o.fw, o.role, o.q, -1);
		let nothingBack = ports.length === 0;
		for (let k = 0; k < SCALAR_COUNT && nothingBack; k++) if (q[k]! > EPS) nothingBack = false;
		if (!nothingBack) {
			// The offer's own list is normalized already (it was the agent's free list):
			// with nothing else free it comes back as it is, the same array.
			const free = cl.freePorts[a]!;
			cl.freePorts[a] = free.length === 0 && ports === o.ports ? ports : rangesAdd(free, ports);
			this.allocator.markCandidate(a);
			if (refuse !== null && refuse > 0) {
				const until = this.now + Math.max(this.flags.allocationIntervalMs, refuse);
				o.fw.filters.set(a, o.role, {
					expiresAt: until,
					cpus: q[0]!,
					mem: q[1]!,
					disk: q[2]!,
					gpus: q[3]!,
					ports, // kept as is by the pool: port lists are replaced, never mutated
				});
				this.allocator.filterCreated(a, until);
			}
		}
		if (how === "accepted") {
			o.fw.counters.offersAccepted++;
			this.metrics.offersAccepted++;
		} else if (how === "declined") {
			o.fw.counters.offersDeclined++;
			this.metrics.offersDeclined++;
		} else {
			o.fw.counters.offersRescinded++;
			this.metrics.offersRescinded++;
		}
		this.observer.offerEnded?.(o, how);
	}

	#rescindOffer(o: OfferRecord, notify: boolean): void {
		this.#endOffer(o, "rescinded", null);
		if (notify) this.#send(o.fw, { type: "RESCIND", rescind: { offer_id: { value: o.id } } });
	}

	#recoverOffersOf(fw: FrameworkRecord, notify: boolean): void {
		for (const o of [...fw.offers]) this.#rescindOffer(o, notify);
	}

	// ---- ACCEPT / DECLINE -----------------------------------------------------

	#decline(fw: FrameworkRecord, call: Call): CallResult {
		const ids = call.decline?.offer_ids;
		if (!Array.isArray(ids)) return bad(400, "Expecting 'decline.offer_ids' to be a list");
		const refuse = refuseMs(call.decline?.filters?.refuse_seconds);
		for (const v of ids) {
			const o = this.#offerById(v?.value);
			if (o === undefined || o.fw !== fw) continue; // unknown or not ours: ignored, as Mesos does
			this.#endOffer(o, "declined", refuse);
		}
		return ACCEPTED;
	}

	#accept(fw: FrameworkRecord, call: Call): CallResult {
		const acc = call.accept;
		if (acc === undefined || acc === null || !Array.isArray(acc.offer_ids)) {
			return bad(400, "Expecting 'accept.offer_ids' to be a list");
		}
		const ops = acc.operations ?? [];
		if (!Array.isArray(ops)) return bad(400, "'accept.operations' must be a list");
		const refuse = refuseMs(acc.filters?.refuse_seconds);

		// Offer validation (Master::accept): known, ours, one agent, no duplicates.
		let problem: string | null = null;
		const offers: OfferRecord[] = [];
		const seen = new Set<string>();
		for (const v of acc.offer_ids) {
			const id = v?.value;
			if (typeof id !== "string") {
				problem = "Offer id is missing";
				continue;
			}
			if (seen.has(id)) {
				problem = `Duplicate offer ${id} in ACCEPT`;
				continue;
			}
			seen.add(id);
			const o = this.#offerById(id);
			if (o === undefined) problem ??= `Offer ${id} is no longer valid`;
			else if (o.fw !== fw) problem ??= `Offer ${id} belongs to another framework`;
			else offers.push(o);
		}
		if (problem === null && offers.length > 0 && offers.some((o) => o.agent !== offers[0]!.agent)) {
			problem = "Aggregated offers must belong to the same agent";
		}
		if (acc.offer_ids.length === 0) problem ??= "No offers specified";
		if (problem !== null) {
			// Tasks of LAUNCH operations are lost; valid offers come back unfiltered.
			for (const op of ops) {
				for (const t of launchTasks(op)) {
					this.#masterUpdateFor(
						fw,
						t?.task_id?.value ?? "",
						t?.agent_id?.value,
						fw.partitionAware ? "TASK_DROPPED" : "TASK_LOST",
						"REASON_INVALID_OFFERS",
						problem,
					);
				}
			}
			for (const o of offers) this.#endOffer(o, "declined", null);
			return ACCEPTED;
		}

		const agent = offers[0]!.agent;
		// Pool of what the offers hold, per role.
		const pool = new Map<number, { q: Float64Array; ports: Range[] }>();
		for (const o of offers) {
			const p = pool.get(o.role);
			if (p === undefined) pool.set(o.role, { q: Float64Array.from(o.q), ports: o.ports.slice() });
			else {
				for (let k = 0; k < SCALAR_COUNT; k++) p.q[k] = p.q[k]! + o.q[k]!;
				p.ports = rangesAdd(p.ports, o.ports);
			}
		}
		let launched = 0;
		for (const op of ops) {
			if (op === null || typeof op !== "object") continue;
			if (op.type === "LAUNCH") {
				for (const t of op.launch?.task_infos ?? [])
					if (this.#launchOne(fw, agent, pool, [t], null)) launched++;
			} else if (op.type === "LAUNCH_GROUP") {
				const tasks = op.launch_group?.task_group?.tasks ?? [];
				launched += this.#launchOne(fw, agent, pool, tasks, op.launch_group?.executor ?? null);
			}
			// RESERVE, UNRESERVE, CREATE, DESTROY… are not modelled: resources stay in the pool.
		}
		// Each offer ends; what the launches did not use returns with the ACCEPT's filter.
		const leftovers = new Map<number, { q: Float64Array; ports: Range[] }>(pool);
		for (const o of offers) {
			const left = leftovers.get(o.role);
			let q: Float64Array = new Float64Array(SCALAR_COUNT);
			let ports: Range[] = [];
			if (left !== undefined) {
				// Give the leftover back through the first offer of that role.
				q = left.q;
				ports = left.ports;
				leftovers.delete(o.role);
			}
			this.#endOffer(o, launched > 0 ? "accepted" : "declined", refuse, q, ports);
		}
		return ACCEPTED;
	}

	/** Validates and launches one task (or a task group); returns the number launched. */
	#launchOne(
		fw: FrameworkRecord,
		agent: number,
		pool: Map<number, { q: Float64Array; ports: Range[] }>,
		tasks: TaskInfo[],
		executor: { resources?: unknown } | null,
	): number {
		const cl = this.cluster;
		const agentId = cl.ids[agent]!;
		const checked: { t: TaskInfo; q: Float64Array; ports: Range[]; role: number }[] = [];
		let problem: string | null = null;
		if (!Array.isArray(tasks) || tasks.length === 0) return 0;
		// Work on a copy of the pool: a group is all or nothing.
		const trial = new Map<number, { q: Float64Array; ports: Range[] }>();
		for (const [r, p] of pool) trial.set(r, { q: Float64Array.from(p.q), ports: p.ports.slice() });
		const groupIds = new Set<string>();
		for (const t of tasks) {
			const id = t?.task_id?.value;
			if (typeof id !== "string" || id.length === 0) {
				problem = "Task has no 'task_id'";
				break;
			}
			if (fw.tasks.has(id) || groupIds.has(id)) {
				problem = `Task '${id}' already exists`;
				break;
			}
			groupIds.add(id);
			if (t.agent_id?.value !== agentId) {
				problem = `Task '${id}' uses agent ${String(t.agent_id?.value)} but the offers are for ${agentId}`;
				break;
			}
			if (t.command === undefined && t.executor === undefined && executor === null) {
				problem = `Task '${id}' should have at least one (but not both) of CommandInfo or ExecutorInfo present`;
				break;
			}
			const parsed = parseResources(t.resources);
			if (parsed.error !== undefined) {
				problem = `Task '${id}': ${parsed.error}`;
				break;
			}
			if (parsed.unknown.length > 0) {
				problem = `Task '${id}' uses resources mesosim does not model: ${parsed.unknown.join(", ")}`;
				break;
			}
			const q = Float64Array.of(
				parsed.quantities.cpus,
				parsed.quantities.mem,
				parsed.quantities.disk,
				parsed.quantities.gpus,
			);
			if (q.every((v) => v === 0) && parsed.quantities.ports.length === 0) {
				problem = `Task '${id}' uses no resources`;
				break;
			}
			const roleName = t.resources?.find((r) => r?.allocation_info?.role !== undefined)?.allocation_info
				?.role;
			let role = -1;
			if (roleName !== undefined) role = this.allocator.findRole(roleName)?.idx ?? -2;
			else if (trial.size === 1) role = [...trial.keys()][0]!;
			else {
				// Pick the first role whose pool fits.
				for (const [r, p] of trial) if (fits(p, q, parsed.quantities.ports)) role = r;
			}
			const p = trial.get(role);
			if (p === undefined || !fits(p, q, parsed.quantities.ports)) {
				problem = `Task '${id}' uses more resources than offered`;
				break;
			}
			for (let k = 0; k < SCALAR_COUNT; k++) p.q[k] = fixed(p.q[k]! - q[k]!);
			p.ports = rangesSubtract(p.ports, parsed.quantities.ports);
			checked.push({ t, q, ports: parsed.quantities.ports, role });
		}
		if (problem !== null) {
			for (const t of tasks) {
				this.#masterUpdateFor(
					fw,
					t?.task_id?.value ?? "",
					agentId,
					"TASK_ERROR",
					"REASON_TASK_INVALID",
					problem,
				);
			}
			return 0;
		}
		for (const [r, p] of trial) pool.set(r, p);
		for (const c of checked) {
			for (let k = 0; k < SCALAR_COUNT; k++) cl.allocated[k]![agent] = cl.allocated[k]![agent]! + c.q[k]!;
			// Offered → allocated happens when the offer ends: track both sides now
			// (not a new allocation for the DRF tie-break: the offer was).
			this.allocator.track(fw, c.role, c.q, 1, false);
			const task: TaskRecord = {
				id: c.t.task_id.value,
				fw,
				agent,
				agentId,
				role: c.role,
				q: c.q,
				ports: c.ports,
				info: c.t,
				state: "TASK_STAGING",
				status: {
					task_id: { value: c.t.task_id.value },
					state: "TASK_STAGING",
					source: "SOURCE_MASTER",
					agent_id: { value: agentId },
					timestamp: this.now / 1000,
				},
				statuses: [],
				pendingUuid: null,
				released: false,
				launchedAt: this.now,
				unreachableTime: null,
				reason: null,
			};
			this.#offerPortsUsed(agent, c.ports);
			this.#indexTask(task);
			fw.counters.tasksLaunched++;
			this.metrics.tasksLaunched++;
			this.#countState("TASK_STAGING", 1);
			this.observer.taskChanged?.(task, null);
			const endpoint = cl.endpoints[agent]!;
			const local = cl.local[agent]!;
			const info = c.t;
			this.#engine.timeout(0, () => endpoint.runTask(local, fw.id, info));
		}
		return checked.length;
	}

	/** Makes a live task findable by framework and by agent. */
	#indexTask(t: TaskRecord): void {
		t.fw.tasks.set(t.id, t);
		let set = this.#agentTasks[t.agent];
		if (set === undefined) {
			set = new Set();
			this.#agentTasks[t.agent] = set;
		}
		set.add(t);
	}

	/** Ports a task uses stay out of the free list (they are neither offered nor free). */
	#offerPortsUsed(_agent: number, _ports: Range[]): void {
		// Offered ports were already removed from freePorts when the offer was made;
		// the task keeps them until it ends (#release gives them back).
	}

	// ---- REVIVE / SUPPRESS / UPDATE_FRAMEWORK ---------------------------------

	#rolesArg(fw: FrameworkRecord, roles: string[] | null): string[] | CallResult {
		if (roles === null || roles.length === 0) return fw.roles;
		if (!Array.isArray(roles)) return bad(400, "'roles' must be a list");
		for (const r of roles)
			if (!fw.roles.includes(r)) return bad(400, `Role '${String(r)}' is not one of the framework's roles`);
		return roles;
	}

	#revive(fw: FrameworkRecord, roles: string[] | null): CallResult {
		const rs = this.#rolesArg(fw, roles);
		if (!Array.isArray(rs)) return rs;
		for (const r of rs) {
			fw.suppressed.delete(r);
			fw.filters.clearRole(this.allocator.roleIndex(r));
		}
		this.allocator.syncActive(fw);
		this.allocator.markAllCandidates();
		this.#requestCycle();
		return ACCEPTED;
	}

	#suppress(fw: FrameworkRecord, roles: string[] | null): CallResult {
		const rs = this.#rolesArg(fw, roles);
		if (!Array.isArray(rs)) return rs;
		for (const r of rs) fw.suppressed.add(r);
		this.allocator.syncActive(fw);
		return ACCEPTED;
	}

	#updateFramework(fw: FrameworkRecord, call: Call): CallResult {
		const info = call.update_framework?.framework_info;
		if (info === undefined || info === null || typeof info !== "object") {
			return bad(400, "Expecting 'update_framework.framework_info' to be present");
		}
		if (info.id?.value !== fw.id) return bad(400, "'framework_info.id' must be the framework's id");
		if (typeof info.user !== "string" || typeof info.name !== "string") {
			return bad(400, "'framework_info' needs string fields 'user' and 'name'");
		}
		if (info.user !== fw.info.user) return bad(400, "'framework_info.user' cannot be changed");
		if ((info.principal ?? null) !== (fw.info.principal ?? null))
			return bad(400, "'framework_info.principal' cannot be changed");
		if ((info.checkpoint === true) !== fw.checkpoint)
			return bad(400, "'framework_info.checkpoint' cannot be changed");
		const shape = checkFrameworkInfo(info);
		if ("problem" in shape) return bad(400, shape.problem);
		const suppressed = call.update_framework?.suppressed_roles ?? [];
		for (const r of suppressed)
			if (!shape.roles.includes(r))
				return bad(400, `suppressed role '${r}' is not one of the framework's roles`);
		const added = shape.roles.filter((r) => !fw.roles.includes(r)).map((r) => this.allocator.roleIndex(r));
		const removedNames = fw.roles.filter((r) => !shape.roles.includes(r));
		const removed = removedNames.map((r) => this.allocator.roleIndex(r));
		// Offers in dropped roles are rescinded.
		for (const o of [...fw.offers]) if (removed.includes(o.role)) this.#rescindOffer(o, true);
		// Unsuppressed roles lose their filters.
		for (const r of fw.suppressed) {
			if (!suppressed.includes(r)) fw.filters.clearRole(this.allocator.roleIndex(r));
		}
		fw.info = { ...info, id: { value: fw.id } };
		fw.roles = shape.roles;
		fw.roleIdx = shape.roles.map((r) => this.allocator.roleIndex(r));
		fw.partitionAware = shape.partitionAware;
		fw.gpuCapable = shape.gpuCapable;
		fw.minAllocatable = this.#minAllocatableOf(info, fw.roleIdx, fw.roles);
		fw.suppressed = new Set(suppressed);
		this.allocator.updateFrameworkRoles(fw, added, removed);
		this.allocator.markAllCandidates();
		this.observer.frameworkChanged?.(fw, "updated");
		return { ok: true, status: 200 };
	}

	// ---- KILL / ACKNOWLEDGE / RECONCILE / MESSAGE -------------------------------

	#kill(fw: FrameworkRecord, call: Call): CallResult {
		const taskId = call.kill?.task_id?.value;
		if (typeof taskId !== "string") return bad(400, "Expecting 'kill.task_id' to be present");
		const t = fw.tasks.get(taskId);
		if (t === undefined || t.released) {
			if (t === undefined)
				this.#masterUpdateFor(
					fw,
					taskId,
					call.kill?.agent_id?.value,
					"TASK_LOST",
					"REASON_RECONCILIATION",
					"Attempted to kill an unknown task",
				);
			return ACCEPTED;
		}
		const a = t.agent;
		const endpoint = this.cluster.endpoints[a]!;
		const local = this.cluster.local[a]!;
		this.#engine.timeout(0, () => endpoint.killTask(local, fw.id, taskId));
		return ACCEPTED;
	}

	#acknowledge(fw: FrameworkRecord, call: Call): CallResult {
		const ack = call.acknowledge;
		const agentId = ack?.agent_id?.value;
		const taskId = ack?.task_id?.value;
		const uuid = ack?.uuid;
		if (typeof agentId !== "string" || typeof taskId !== "string" || typeof uuid !== "string") {
			return bad(400, "Expecting 'acknowledge' with 'agent_id', 'task_id' and 'uuid'");
		}
		if (!/^[A-Za-z0-9+/]{22}==$/.test(uuid)) return bad(400, "'acknowledge.uuid' is not a valid UUID");
		this.metrics.statusUpdateAcks++;
		const a = this.cluster.indexOf(agentId);
		if (a < 0) return ACCEPTED;
		const t = fw.tasks.get(taskId);
		if (t !== undefined && t.agent === a && t.pendingUuid === uuid) {
			t.pendingUuid = null;
			if (isTerminalState(t.state)) this.#removeTask(t);
		}
		const endpoint = this.cluster.endpoints[a]!;
		const local = this.cluster.local[a]!;
		this.#engine.timeout(0, () => endpoint.acknowledge(local, fw.id, taskId, uuid));
		return ACCEPTED;
	}

	#reconcile(fw: FrameworkRecord, call: Call): CallResult {
		const list = call.reconcile?.tasks ?? [];
		if (!Array.isArray(list)) return bad(400, "'reconcile.tasks' must be a list");
		if (list.length === 0) {
			// Implicit: the latest state of every task the master knows, unreachable ones included.
			for (const t of fw.tasks.values()) this.#sendReconciled(fw, t);
			for (const t of unreachableTasksOf(fw, this.flags.maxUnreachableTasksPerFramework).items()) {
				if (!fw.tasks.has(t.id)) this.#sendReconciled(fw, t);
			}
			return ACCEPTED;
		}
		for (const item of list) {
			const taskId = item?.task_id?.value;
			if (typeof taskId !== "string") return bad(400, "Each 'reconcile.tasks' entry needs 'task_id'");
		}
		for (const item of list) {
			const taskId = item.task_id.value;
			const agentId = item.agent_id?.value;
			const t = fw.tasks.get(taskId);
			if (t !== undefined) {
				this.#sendReconciled(fw, t);
				continue;
			}
			const pa = fw.partitionAware;
			let state: TaskState;
			if (agentId === undefined) state = pa ? "TASK_UNKNOWN" : "TASK_LOST";
			else {
				const a = this.cluster.indexOf(agentId);
				if (this.#goneAgents.has(agentId)) state = pa ? "TASK_GONE_BY_OPERATOR" : "TASK_LOST";
				else if (a < 0) state = pa ? "TASK_UNKNOWN" : "TASK_LOST";
				else if (this.cluster.state[a] === AGENT_STATE.UNREACHABLE)
					state = pa ? "TASK_UNREACHABLE" : "TASK_LOST";
				else state = pa ? "TASK_GONE" : "TASK_LOST";
			}
			this.#masterUpdateFor(
				fw,
				taskId,
				agentId,
				state,
				"REASON_RECONCILIATION",
				"Reconciliation: task is unknown",
			);
		}
		return ACCEPTED;
	}

	#sendReconciled(fw: FrameworkRecord, t: TaskRecord): void {
		const status: TaskStatus = {
			task_id: { value: t.id },
			state: t.state,
			source: "SOURCE_MASTER",
			reason: "REASON_RECONCILIATION",
			message: "Reconciliation: Latest task state",
			agent_id: { value: t.agentId },
			timestamp: this.now / 1000,
		};
		if (t.unreachableTime !== null) status.unreachable_time = { nanoseconds: t.unreachableTime * 1e6 };
		this.#send(fw, { type: "UPDATE", update: { status } });
	}

	#message(fw: FrameworkRecord, call: Call): CallResult {
		const m = call.message;
		if (
			typeof m?.agent_id?.value !== "string" ||
			typeof m?.executor_id?.value !== "string" ||
			typeof m?.data !== "string"
		) {
			return bad(400, "Expecting 'message' with 'agent_id', 'executor_id' and 'data'");
		}
		const a = this.cluster.indexOf(m.agent_id.value);
		if (a < 0 || this.cluster.state[a] !== AGENT_STATE.ACTIVE) return ACCEPTED; // dropped, as Mesos does
		const endpoint = this.cluster.endpoints[a]!;
		const local = this.cluster.local[a]!;
		const { executor_id, data } = m;
		this.#engine.timeout(0, () => endpoint.frameworkMessage(local, fw.id, executor_id.value, data));
		return ACCEPTED;
	}

	// ---- tasks and status updates ----------------------------------------------

	/** An update the master makes itself (no uuid, never acknowledged). */
	#masterUpdateFor(
		fw: FrameworkRecord,
		taskId: string,
		agentId: string | undefined,
		state: TaskState,
		reason: TaskStatusReason,
		message: string,
	): void {
		const status: TaskStatus = {
			task_id: { value: taskId },
			state,
			source: "SOURCE_MASTER",
			reason,
			message,
			timestamp: this.now / 1000,
		};
		if (agentId !== undefined) status.agent_id = { value: agentId };
		this.#countState(state, 0);
		this.#send(fw, { type: "UPDATE", update: { status } });
	}

	#countState(state: TaskState, _n: number): void {
		this.metrics.tasksByState[state] = (this.metrics.tasksByState[state] ?? 0) + 1;
	}

	/** Applies a state to a known task (releasing resources on a terminal state). */
	#transition(t: TaskRecord, status: TaskStatus): void {
		const prev = t.state;
		t.state = status.state;
		t.status = status;
		t.statuses.push({ state: status.state, timestamp: this.now / 1000 });
		if (status.reason !== undefined) t.reason = status.reason;
		if (prev !== status.state) this.#countState(status.state, 1);
		if (isTerminalState(status.state) || status.state === "TASK_UNREACHABLE") this.#release(t);
		this.observer.taskChanged?.(t, prev);
	}

	#release(t: TaskRecord): void {
		if (t.released) return;
		t.released = true;
		const cl = this.cluster;
		const a = t.agent;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const v = cl.allocated[k]![a]! - t.q[k]!;
			cl.allocated[k]![a] = Math.abs(v) < EPS ? 0 : v;
		}
		if (t.ports.length > 0) cl.freePorts[a] = rangesAdd(cl.freePorts[a]!, t.ports);
		this.allocator.track(t.fw, t.role, t.q, -1);
		// Mesos does not allocate on recovered resources: the agent waits for the next cycle.
		this.allocator.markCandidate(a);
	}

	#removeTask(t: TaskRecord): void {
		this.#release(t);
		t.fw.tasks.delete(t.id);
		this.#agentTasks[t.agent]?.delete(t);
		completedTasksOf(t.fw, this.flags.maxCompletedTasksPerFramework).push(t);
	}

	/** Master-made transition of a live task (agent lost, framework removed…). */
	#masterTransition(
		t: TaskRecord,
		state: TaskState,
		reason: TaskStatusReason,
		message: string,
		notify: boolean,
	): void {
		const status: TaskStatus = {
			task_id: { value: t.id },
			state,
			source: "SOURCE_MASTER",
			reason,
			message,
			agent_id: { value: t.agentId },
			timestamp: this.now / 1000,
		};
		if (state === "TASK_UNREACHABLE") {
			t.unreachableTime = this.now;
			status.unreachable_time = { nanoseconds: this.now * 1e6 };
		}
		this.#transition(t, status);
		t.pendingUuid = null;
		if (notify) this.#send(t.fw, { type: "UPDATE", update: { status } });
	}

	statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
		this.metrics.statusUpdates++;
		const a = this.cluster.indexOf(agentId);
		if (a < 0) return;
		const st = this.cluster.state[a];
		if (st === AGENT_STATE.UNREACHABLE || st === AGENT_STATE.REMOVED || st === AGENT_STATE.GONE) return;
		const fw = this.#fwById.get(frameworkId);
		if (fw === undefined || fw.removed) return;
		const t = fw.tasks.get(status.task_id.value);
		if (t !== undefined && t.agent === a) {
			if (!t.released || isTerminalState(status.state)) {
				if (t.state !== status.state || t.status.uuid !== status.uuid) this.#transition(t, status);
			}
			t.pendingUuid = status.uuid ?? null;
		}
		if (fw.connected) this.#send(fw, { type: "UPDATE", update: { status } });
	}

	// ---- frameworks -------------------------------------------------------------

	#removeFramework(fw: FrameworkRecord): void {
		if (fw.removed) return;
		fw.removed = true;
		fw.active = false;
		this.#recoverOffersOf(fw, false);
		const agents = new Set<number>();
		for (const t of [...fw.tasks.values()]) {
			agents.add(t.agent);
			if (!t.released)
				this.#masterTransition(t, "TASK_KILLED", "REASON_FRAMEWORK_REMOVED", "Framework removed", false);
			this.#removeTask(t);
		}
		for (const a of agents) {
			const endpoint = this.cluster.endpoints[a]!;
			const local = this.cluster.local[a]!;
			this.#engine.timeout(0, () => endpoint.shutdownFramework(local, fw.id));
		}
		this.allocator.removeFramework(fw);
		fw.filters.clear();
		fw.heartbeatTimer = -1;
		fw.failoverTimer = -1;
		if (fw.streamId !== null) this.#streams.delete(fw.streamId);
		const sink = fw.sink;
		if (sink !== null && fw.connected) this.#engine.timeout(0, () => sink.close());
		fw.connected = false;
		fw.sink = null;
		fw.unregisteredAt = this.now;
		this.#fwById.delete(fw.id);
		this.#removedIds.add(fw.id);
		this.completedFrameworks.push(fw);
		this.observer.frameworkChanged?.(fw, "removed");
	}

	/** Operator TEARDOWN; returns false for an unknown framework. */
	teardown(frameworkId: string): boolean {
		const fw = this.#fwById.get(frameworkId);
		if (fw === undefined) return false;
		this.#removeFramework(fw);
		return true;
	}

	framework(id: string): FrameworkRecord | undefined {
		return this.#fwById.get(id);
	}

	updateWeights(weights: { role: string; weight: number }[]): void {
		for (const w of weights) this.allocator.setWeight(w.role, w.weight);
	}

	updateQuota(role: string, limits: Partial<Record<string, number>>): void {
		this.allocator.setQuota(role, limits);
	}

	/** `offers`: the records of an OFFERS event, in its order (hashed without reading the id strings). */
	#send(fw: FrameworkRecord, event: Event, offers?: readonly OfferRecord[]): void {
		if (!fw.connected || fw.sink === null) return;
		this.eventLogHash =
			offers === undefined
				? mixEvent(this.eventLogHash, this.now, fw.idx, event)
				: this.#mixOffers(this.eventLogHash, fw, offers);
		this.observer.eventSent?.(fw, event);
		fw.sink.send(event);
	}

	// ==== agent API ===============================================================

	registerAgent(endpoint: AgentEndpoint, local: number, spec: AgentSpec): void {
		this.metrics.agentRegistrations++;
		// A rebooted host registers anew: the old, disconnected agent at that host goes.
		const old = this.#disconnectedByHost(spec.hostname);
		if (old >= 0) this.#removeAgent(old, "REASON_AGENT_RESTARTED", AGENT_STATE.REMOVED);
		const id = `${this.id}-S${this.#nextAgent++}`;
		const a = this.#addAgent(id, spec, endpoint, local);
		this.#engine.timeout(0, () => endpoint.registered(local, id));
		this.#requestCycle(a);
	}

	#disconnectedByHost(hostname: string): number {
		const cl = this.cluster;
		if (cl.disconnectedCount === 0) return -1; // none: no need to scan every agent
		for (let i = 0; i < cl.size; i++) {
			if (cl.state[i] === AGENT_STATE.DISCONNECTED && cl.hostnames[i] === hostname) return i;
		}
		return -1;
	}

	#addAgent(id: string, spec: AgentSpec, endpoint: AgentEndpoint, local: number): number {
		const ports = normalizeRanges(spec.ports);
		const a = this.cluster.add(id, { ...spec, ports }, endpoint, local, this.now);
		// Per-agent side arrays stay dense: writing far past their end (agents get
		// their first offer in shuffled order) would turn them into slow dictionaries.
		while (this.#agentOffers.length <= a) this.#agentOffers.push(undefined);
		while (this.#agentTasks.length <= a) this.#agentTasks.push(undefined);
		while (this.#resourceCache.length <= a) this.#resourceCache.push(undefined);
		while (this.#agentIdValues.length <= a) this.#agentIdValues.push(undefined);
		this.cluster.setState(a, AGENT_STATE.ACTIVE);
		this.allocator.agentTotals(a, 1);
		this.observer.agentChanged?.(a);
		return a;
	}

	reregisterAgent(
		endpoint: AgentEndpoint,
		local: number,
		agentId: string,
		spec: AgentSpec,
		tasks: ReportedTask[],
	): void {
		this.metrics.agentReregistrations++;
		const cl = this.cluster;
		if (this.#goneAgents.has(agentId)) {
			// Mesos refuses agents marked gone: they are told to shut down.
			for (const t of tasks) this.#engine.timeout(0, () => endpoint.shutdownFramework(local, t.frameworkId));
			return;
		}
		let a = cl.indexOf(agentId);
		if (a < 0) {
			a = this.#addAgent(agentId, spec, endpoint, local);
		} else {
			const st = cl.state[a];
			cl.endpoints[a] = endpoint;
			cl.local[a] = local;
			cl.linkDown[a] = 0;
			cl.linkGen[a] = cl.linkGen[a]! + 1;
			if (st === AGENT_STATE.UNREACHABLE || st === AGENT_STATE.REMOVED) {
				cl.setState(a, AGENT_STATE.ACTIVE);
				this.allocator.agentTotals(a, 1);
			} else if (st === AGENT_STATE.DISCONNECTED) {
				cl.setState(a, AGENT_STATE.ACTIVE);
			}
		}
		// Reconcile what the agent runs with what the master knows.
		const reported = new Set<string>();
		const shutdown = new Set<string>();
		for (const rt of tasks) {
			const fw = this.#fwById.get(rt.frameworkId);
			const key = `${rt.frameworkId}\u0000${rt.task.task_id.value}`;
			reported.add(key);
			if (fw === undefined || fw.removed) {
				shutdown.add(rt.frameworkId);
				continue;
			}
			const known = fw.tasks.get(rt.task.task_id.value);
			if (known !== undefined && known.agent === a && !known.released) continue;
			if (!fw.partitionAware) {
				shutdown.add(fw.id);
				continue;
			}
			// A partition-aware task comes back: its resources are in use again.
			this.#restoreTask(fw, a, rt);
		}
		for (const t of [...(this.#agentTasks[a] ?? [])]) {
			if (t.released) continue;
			if (!reported.has(`${t.fw.id}\u0000${t.id}`)) {
				const pa = t.fw.partitionAware;
				this.#masterTransition(
					t,
					pa ? "TASK_GONE" : "TASK_LOST",
					"REASON_AGENT_RESTARTED",
					"Task is unknown to the agent",
					true,
				);
				this.#removeTask(t);
			}
		}
		for (const fwId of shutdown) this.#engine.timeout(0, () => endpoint.shutdownFramework(local, fwId));
		this.#engine.timeout(0, () => endpoint.registered(local, agentId));
		this.allocator.markCandidate(a);
		this.observer.agentChanged?.(a);
		this.#requestCycle(a);
	}

	#restoreTask(fw: FrameworkRecord, a: number, rt: ReportedTask): void {
		const parsed = parseResources(rt.task.resources);
		const q = Float64Array.of(
			parsed.quantities.cpus,
			parsed.quantities.mem,
			parsed.quantities.disk,
			parsed.quantities.gpus,
		);
		const cl = this.cluster;
		const roleName = rt.task.resources?.find((r) => r?.allocation_info?.role !== undefined)?.allocation_info
			?.role;
		const role = this.allocator.roleIndex(roleName ?? fw.roles[0] ?? "*");
		for (let k = 0; k < SCALAR_COUNT; k++) cl.allocated[k]![a] = cl.allocated[k]![a]! + q[k]!;
		if (parsed.quantities.ports.length > 0)
			cl.freePorts[a] = rangesSubtract(cl.freePorts[a]!, parsed.quantities.ports);
		this.allocator.track(fw, role, q, 1);
		const old = fw.tasks.get(rt.task.task_id.value);
		if (old !== undefined) this.#agentTasks[old.agent]?.delete(old);
		const t: TaskRecord = {
			id: rt.task.task_id.value,
			fw,
			agent: a,
			agentId: cl.ids[a]!,
			role,
			q,
			ports: parsed.quantities.ports,
			info: rt.task,
			state: rt.state,
			status: {
				task_id: { value: rt.task.task_id.value },
				state: rt.state,
				source: "SOURCE_AGENT",
				agent_id: { value: cl.ids[a]! },
				timestamp: this.now / 1000,
			},
			statuses: old?.statuses ?? [],
			pendingUuid: null,
			released: false,
			launchedAt: old?.launchedAt ?? this.now,
			unreachableTime: null,
			reason: null,
		};
		this.#indexTask(t);
		unreachableTasksOf(fw, this.flags.maxUnreachableTasksPerFramework).removeWhere((x) => x.id === t.id);
		this.observer.taskChanged?.(t, "TASK_UNREACHABLE");
	}

	agentExited(agentId: string): void {
		const a = this.cluster.indexOf(agentId);
		if (a < 0 || this.cluster.state[a] !== AGENT_STATE.ACTIVE) return;
		this.cluster.setState(a, AGENT_STATE.DISCONNECTED);
		for (const o of this.#offersOf(a)) this.#rescindOffer(o, true);
		// Tasks of frameworks that do not checkpoint die with the agent's connection.
		for (const t of [...(this.#agentTasks[a] ?? [])]) {
			if (t.released || t.fw.checkpoint) continue;
			this.#masterTransition(t, "TASK_LOST", "REASON_AGENT_DISCONNECTED", "Agent disconnected", true);
			this.#removeTask(t);
		}
		this.agentLink(agentId, false);
		this.observer.agentChanged?.(a);
	}

	agentLink(agentId: string, up: boolean): void {
		const cl = this.cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return;
		cl.linkGen[a] = cl.linkGen[a]! + 1;
		if (up) {
			cl.linkDown[a] = 0;
			return;
		}
		if (cl.linkDown[a] === 1) return;
		cl.linkDown[a] = 1;
		// The observer pings every agentPingTimeout from registration on; the first
		// ping after the link went down is missed, and after maxAgentPingTimeouts
		// timeouts in a row the agent is unreachable.
		const p = this.flags.agentPingTimeoutMs;
		const since = this.now - cl.registeredAt[a]!;
		const nextPing = cl.registeredAt[a]! + Math.ceil(since / p) * p;
		this.#engine.at(nextPing + this.flags.maxAgentPingTimeouts * p, this, K.UNREACHABLE, a, cl.linkGen[a]!);
	}

	#markUnreachable(a: number): void {
		const cl = this.cluster;
		const st = cl.state[a];
		if (st === AGENT_STATE.UNREACHABLE || st === AGENT_STATE.REMOVED || st === AGENT_STATE.GONE) return;
		this.metrics.agentsUnreachable++;
		this.#removeAgent(a, "REASON_AGENT_REMOVED", AGENT_STATE.UNREACHABLE);
	}

	/** Takes an agent out (unreachable, replaced, gone): tasks, offers, totals. */
	#removeAgent(
		a: number,
		reason: TaskStatusReason,
		to: (typeof AGENT_STATE)["UNREACHABLE" | "REMOVED" | "GONE"],
	): void {
		const cl = this.cluster;
		this.metrics.agentRemovals++;
		for (const o of this.#offersOf(a)) this.#rescindOffer(o, true);
		for (const t of [...(this.#agentTasks[a] ?? [])]) {
			const pa = t.fw.partitionAware;
			if (t.released) {
				this.#agentTasks[a]?.delete(t);
				continue;
			}
			let state: TaskState;
			if (to === AGENT_STATE.UNREACHABLE) state = pa ? "TASK_UNREACHABLE" : "TASK_LOST";
			else if (to === AGENT_STATE.GONE) state = pa ? "TASK_GONE_BY_OPERATOR" : "TASK_LOST";
			else state = pa ? "TASK_GONE" : "TASK_LOST";
			this.#masterTransition(t, state, reason, `Agent ${cl.ids[a]} removed`, true);
			t.fw.tasks.delete(t.id);
			this.#agentTasks[a]?.delete(t);
			if (state === "TASK_UNREACHABLE")
				unreachableTasksOf(t.fw, this.flags.maxUnreachableTasksPerFramework).push(t);
			else completedTasksOf(t.fw, this.flags.maxCompletedTasksPerFramework).push(t);
		}
		const wasIn =
			cl.state[a] !== AGENT_STATE.UNREACHABLE &&
			cl.state[a] !== AGENT_STATE.REMOVED &&
			cl.state[a] !== AGENT_STATE.GONE;
		cl.setState(a, to);
		if (wasIn) this.allocator.agentTotals(a, -1);
		for (const fw of this.frameworks) {
			if (fw.connected) this.#send(fw, { type: "FAILURE", failure: { agent_id: { value: cl.ids[a]! } } });
		}
		this.observer.agentChanged?.(a);
	}

	/** Operator MARK_AGENT_GONE: tasks become TASK_GONE_BY_OPERATOR (or LOST). */
	markAgentGone(agentId: string): boolean {
		const a = this.cluster.indexOf(agentId);
		if (a < 0 || this.#goneAgents.has(agentId)) return false;
		this.#goneAgents.add(agentId);
		this.#removeAgent(a, "REASON_AGENT_REMOVED_BY_OPERATOR", AGENT_STATE.GONE);
		const endpoint = this.cluster.endpoints[a]!;
		const local = this.cluster.local[a]!;
		for (const fw of this.frameworks) this.#engine.timeout(0, () => endpoint.shutdownFramework(local, fw.id));
		return true;
	}

	/** Operator DEACTIVATE_AGENT / REACTIVATE_AGENT (no offers while deactivated). */
	setAgentActive(agentId: string, active: boolean): boolean {
		const cl = this.cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return false;
		const st = cl.state[a];
		if (!active && (st === AGENT_STATE.ACTIVE || st === AGENT_STATE.DRAINING)) {
			cl.setState(a, AGENT_STATE.DEACTIVATED);
			for (const o of this.#offersOf(a)) this.#rescindOffer(o, true);
		} else if (active && (st === AGENT_STATE.DEACTIVATED || st === AGENT_STATE.DRAINING)) {
			cl.setState(a, AGENT_STATE.ACTIVE);
			this.allocator.markCandidate(a);
			this.#requestCycle(a);
		} else return st === (active ? AGENT_STATE.ACTIVE : AGENT_STATE.DEACTIVATED);
		this.observer.agentChanged?.(a);
		return true;
	}

	// ==== introspection ==========================================================

	tasksOnAgent(a: number): ReadonlySet<TaskRecord> {
		return this.#agentTasks[a] ?? EMPTY_SET;
	}

	/** A copy of the agent's outstanding offers, in the order they were made. */
	#offersOf(a: number): OfferRecord[] {
		const held = this.#agentOffers[a];
		if (held === undefined) return [];
		return held instanceof Set ? [...held] : [held];
	}

	offersOnAgent(a: number): ReadonlySet<OfferRecord> {
		const held = this.#agentOffers[a];
		if (held === undefined) return EMPTY_OFFERS;
		return held instanceof Set ? held : new Set([held]);
	}

	get outstandingOffers(): number {
		return this.#offersByNum.size;
	}

	offer(id: string): OfferRecord | undefined {
		return this.#offerById(id);
	}

	/** The outstanding offer with exactly this id (what a Map from ids would answer). */
	#offerById(id: unknown): OfferRecord | undefined {
		if (typeof id !== "string" || !id.startsWith(this.#offerPrefix)) return undefined;
		const o = this.#offersByNum.get(Number(id.slice(this.#offerPrefix.length)));
		return o !== undefined && o.id === id ? o : undefined;
	}

	/** Unweighted dominant share of a framework: max over resources of its allocation / total. */
	dominantShare(fw: FrameworkRecord): number {
		const total = this.allocator.total;
		let best = 0;
		for (const role of fw.roleIdx) {
			const alloc = this.allocator.roles[role]!.fwSorter.allocationOf(fw.id);
			if (alloc === undefined) continue;
			for (let k = 0; k < SCALAR_COUNT; k++) {
				if (
					total[k]! > 0 &&
					!this.flags.fairSharingExcludedResourceNames.includes(["cpus", "mem", "disk", "gpus"][k]!)
				) {
					best = Math.max(best, alloc[k]! / total[k]!);
				}
			}
		}
		return best;
	}

	// ==== operator hooks (master/http, issue 4) ====================================

	/**
	 * Operator DRAIN_AGENT: the agent gets no more offers (state DRAINING), its
	 * outstanding offers are rescinded and every live task on it is killed
	 * (through the agent, so frameworks see TASK_KILLED). The HTTP layer tracks
	 * when it is drained and marks it gone if asked. False for an unknown agent
	 * or one that is not connected.
	 */
	drainAgent(agentId: string): boolean {
		const cl = this.cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return false;
		const st = cl.state[a];
		if (st !== AGENT_STATE.ACTIVE && st !== AGENT_STATE.DEACTIVATED && st !== AGENT_STATE.DRAINING)
			return false;
		cl.setState(a, AGENT_STATE.DRAINING);
		for (const o of this.#offersOf(a)) this.#rescindOffer(o, true);
		const endpoint = cl.endpoints[a]!;
		const local = cl.local[a]!;
		for (const t of this.#agentTasks[a] ?? []) {
			if (t.released) continue;
			const fwId = t.fw.id;
			const taskId = t.id;
			this.#engine.timeout(0, () => endpoint.killTask(local, fwId, taskId));
		}
		this.observer.agentChanged?.(a);
		return true;
	}
}

const EMPTY_SET: ReadonlySet<TaskRecord> = new Set();
const EMPTY_OFFERS: ReadonlySet<OfferRecord> = new Set();

const completedLists = new WeakMap<FrameworkRecord, BoundedList<TaskRecord>>();
const unreachableLists = new WeakMap<FrameworkRecord, BoundedList<TaskRecord>>();

/** A framework's completed tasks, bounded by --max_completed_tasks_per_framework. */
export function completedTasksOf(fw: FrameworkRecord, limit = 1000): BoundedList<TaskRecord> {
	let l = completedLists.get(fw);
	if (l === undefined) {
		l = new BoundedList(limit);
		completedLists.set(fw, l);
	}
	return l;
}

export function unreachableTasksOf(fw: FrameworkRecord, limit = 1000): BoundedList<TaskRecord> {
	let l = unreachableLists.get(fw);
	if (l === undefined) {
		l = new BoundedList(limit);
		unreachableLists.set(fw, l);
	}
	return l;
}

interface ResourceCacheEntry {
	q0: number;
	q1: number;
	q2: number;
	q3: number;
	multi: boolean;
	role: string;
	/** The offer's port list (port lists are replaced, never mutated). */
	ports: Range[];
	items: Resource[] | null;
}

function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i]!.begin !== b[i]!.begin || a[i]!.end !== b[i]!.end) return false;
	return true;
}

/** An offer's Resource[]: scalars (cpus, mem, disk, gpus) then ports; frozen when they are to be shared. */
function buildResources(
	q: Float64Array,
	ports: readonly Range[],
	multi: boolean,
	role: string,
	freeze: boolean,
): Resource[] {
	const out: Resource[] = [];
	for (let k = 0; k < SCALAR_COUNT; k++) {
		const v = q[k]!;
		if (v > 0) {
			const scalar = { value: fixed(v) };
			const r: Resource = multi
				? { name: SCALAR_NAMES[k]!, type: "SCALAR", scalar, allocation_info: { role } }
				: { name: SCALAR_NAMES[k]!, type: "SCALAR", scalar, role: "*" };
			if (freeze) {
				Object.freeze(scalar);
				if (r.allocation_info !== undefined) Object.freeze(r.allocation_info);
				Object.freeze(r);
			}
			out.push(r);
		}
	}
	if (ports.length > 0) {
		const range: Range[] = [];
		for (let i = 0; i < ports.length; i++) {
			const x = { begin: ports[i]!.begin, end: ports[i]!.end };
			range.push(freeze ? Object.freeze(x) : x);
		}
		const ranges = { range };
		const r: Resource = multi
			? { name: "ports", type: "RANGES", ranges, allocation_info: { role } }
			: { name: "ports", type: "RANGES", ranges, role: "*" };
		if (freeze) {
			Object.freeze(range);
			Object.freeze(ranges);
			if (r.allocation_info !== undefined) Object.freeze(r.allocation_info);
			Object.freeze(r);
		}
		out.push(r);
	}
	return out;
}

function isMultiRole(fw: FrameworkRecord): boolean {
	return fw.info.capabilities?.some(isMultiRoleCapability) === true;
}

function isMultiRoleCapability(c: { type: string }): boolean {
	return c.type === "MULTI_ROLE";
}

function launchTasks(op: Operation): TaskInfo[] {
	if (op === null || typeof op !== "object") return [];
	if (op.type === "LAUNCH") return op.launch?.task_infos ?? [];
	if (op.type === "LAUNCH_GROUP") return op.launch_group?.task_group?.tasks ?? [];
	return [];
}

function fits(p: { q: Float64Array; ports: Range[] }, q: Float64Array, ports: Range[]): boolean {
	for (let k = 0; k < SCALAR_COUNT; k++) if (q[k]! > p.q[k]! + EPS) return false;
	return rangesContain(p.ports, ports);
}

/** A version-4 style UUID drawn from a seeded stream. */
function uuidString(rng: Rng): string {
	const h: string[] = [];
	for (let i = 0; i < 16; i++) h.push(rng.int(256).toString(16).padStart(2, "0"));
	const s = h.join("");
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

const EVENT_CODE: Record<string, number> = {
	SUBSCRIBED: 1,
	OFFERS: 2,
	RESCIND: 3,
	UPDATE: 4,
	MESSAGE: 5,
	FAILURE: 6,
	ERROR: 7,
	HEARTBEAT: 8,
};

function mix(h: number, x: number): number {
	return Math.imul(h ^ (x | 0), 16777619) >>> 0;
}

function mixString(h: number, s: string): number {
	for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
	return h;
}

/** Folds an event into the running log hash (cheap: ids and states only). */
export function mixEvent(h: number, now: number, fw: number, e: Event): number {
	h = mix(mix(mix(h, now), now / 4294967296), fw);
	h = mix(h, EVENT_CODE[e.type] ?? 0);
	if (e.type === "OFFERS") {
		for (const o of e.offers.offers) h = mixString(h, o.id.value);
	} else if (e.type === "UPDATE") {
		h = mixString(mixString(h, e.update.status.task_id.value), e.update.status.state);
	} else if (e.type === "RESCIND") {
		h = mixString(h, e.rescind.offer_id.value);
	}
	return h;
}

export type { Value };
