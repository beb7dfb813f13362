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
import { AgentRegistry } from "./agent-registry.js";
import { Allocator } from "./allocator.js";
import { BoundedList } from "./bounded.js";
import { ACCEPTED, bad } from "./call-result.js";
import { AGENT_STATE, Cluster } from "./cluster.js";
import { EventLog } from "./event-log.js";
import { FrameworkFilters, RefusedPool } from "./filters.js";
import { type MasterFlags, withDefaults } from "./flags.js";
import { type AcceptHost, accept, decline } from "./offers/accept.js";
import { OfferBook } from "./offers/book.js";
import { isMultiRole, OfferMessages } from "./offers/message.js";
import type { AgentEndpoint, AgentSpec, MasterAgentApi, ReportedTask } from "./protocol/agent.js";
import type { Call, Event, FrameworkInfo, Offer, TaskStatus } from "./protocol/messages.js";
import { SCALAR_COUNT } from "./protocol/resources.js";
import type { CallResult, EventSink, MasterSchedulerApi, SubscribeResult } from "./protocol/scheduler.js";
import type { FrameworkRecord, MasterObserver, OfferRecord, TaskRecord } from "./records.js";
import { TaskTable } from "./tasks/table.js";
import { checkFrameworkInfo } from "./validate.js";

/** Kinds of the master's engine events (onEvent). */
const K = {
	CYCLE: 0,
	PERIODIC: 1,
	OFFER_TIMEOUT: 2,
	HEARTBEAT: 3,
	FAILOVER: 4,
	UNREACHABLE: 5,
} as const;

export type { MasterObserver, OfferEnd } from "./records.js";

export interface MasterOptions {
	engine: Engine;
	streams: RngStreams;
	flags?: Partial<MasterFlags>;
}

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
	readonly #log: EventLog;
	readonly #messages: OfferMessages;
	readonly #offers: OfferBook;
	readonly #tasks: TaskTable;
	readonly #agents: AgentRegistry;
	readonly #acceptHost: AcceptHost;
	/** Refused resources of every framework's filters, shared (filters.ts). */
	readonly #refused = new RefusedPool();
	#nextFw = 0;
	#nextTimerToken = 0;
	#cycleScheduled = false;
	#started = false;

	constructor(opts: MasterOptions) {
		this.#engine = opts.engine;
		this.flags = withDefaults(opts.flags);
		this.#rng = opts.streams.stream("master");
		this.id = uuidString(this.#rng);
		this.#log = new EventLog(`${this.id}-O`);
		this.startedAt = this.#engine.now;
		this.completedFrameworks = new BoundedList(this.flags.maxCompletedFrameworks);
		this.allocator = new Allocator(this.flags, this.cluster, opts.streams.stream("allocator"), {
			now: () => this.#engine.now,
			offer: (fw, role, agent, q, ports) => this.#offers.make(fw, role, agent, q, ports),
			cycleDone: () => this.#offers.flush(),
		});
		this.#messages = new OfferMessages(this.cluster, this.allocator.roles);
		const master = this;
		const engine = this.#engine;
		this.#offers = new OfferBook({
			masterId: this.id,
			cluster: this.cluster,
			accounting: this.allocator,
			messages: this.#messages,
			flags: this.flags,
			metrics: this.metrics,
			violations: this.violations,
			get observer() {
				return master.observer;
			},
			now: () => engine.now,
			armTimeout: (num) => engine.after(this.flags.offerTimeoutMs ?? 0, this, K.OFFER_TIMEOUT, num),
			cancelTimer: (timer) => engine.cancel(timer),
			send: (fw, event, records) => this.#send(fw, event, records),
		});
		this.#tasks = new TaskTable({
			cluster: this.cluster,
			accounting: this.allocator,
			metrics: this.metrics,
			get observer() {
				return master.observer;
			},
			now: () => engine.now,
			send: (fw, event) => this.#send(fw, event),
			toAgent: (message) => engine.timeout(0, message),
			framework: (id) => this.#fwById.get(id),
			isGone: (agentId) => this.#agents.isGone(agentId),
		});
		this.#agents = new AgentRegistry({
			masterId: this.id,
			cluster: this.cluster,
			accounting: this.allocator,
			offers: this.#offers,
			tasks: this.#tasks,
			frameworks: this.frameworks,
			flags: this.flags,
			metrics: this.metrics,
			get observer() {
				return master.observer;
			},
			now: () => engine.now,
			toAgent: (message) => engine.timeout(0, message),
			armUnreachableCheck: (time, agent, linkGeneration) =>
				engine.at(time, this, K.UNREACHABLE, agent, linkGeneration),
			requestCycle: (agent) => this.#requestCycle(agent),
			send: (fw, event) => this.#send(fw, event),
		});
		this.#acceptHost = {
			offers: this.#offers,
			tasks: this.#tasks,
			roles: this.allocator,
			cluster: this.cluster,
		};
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
			case K.OFFER_TIMEOUT:
				this.#offers.timedOut(a);
				break;
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
				this.#agents.unreachableCheck(a, b);
				break;
		}
	}

	/** Heartbeat and failover timers are tokens: a stale event finds a different token and does nothing. */
	#rearmHeartbeat(fw: FrameworkRecord): void {
		const token = this.#nextTimerToken++;
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
			this.#offers.rescindAllOf(fw, false);
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
				completedTasks: new BoundedList(this.flags.maxCompletedTasksPerFramework),
				unreachableTasks: new BoundedList(this.flags.maxUnreachableTasksPerFramework),
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
		this.#offers.rescindAllOf(fw, false);
		this.allocator.syncActive(fw);
		const timeoutMs = Math.round((fw.info.failover_timeout ?? 0) * 1000);
		const token = this.#nextTimerToken++;
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
				return accept(this.#acceptHost, fw, call);
			case "DECLINE":
				return decline(this.#acceptHost, fw, call);
			case "REVIVE":
				return this.#revive(fw, call.revive?.roles ?? null);
			case "SUPPRESS":
				return this.#suppress(fw, call.suppress?.roles ?? null);
			case "KILL":
				return this.#tasks.kill(fw, call);
			case "SHUTDOWN":
				if (call.shutdown?.executor_id?.value === undefined || call.shutdown?.agent_id?.value === undefined) {
					return bad(400, "Expecting 'shutdown' with 'executor_id' and 'agent_id'");
				}
				return ACCEPTED;
			case "ACKNOWLEDGE":
				return this.#tasks.acknowledge(fw, call);
			case "RECONCILE":
				return this.#tasks.reconcile(fw, call);
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
		for (const o of [...fw.offers]) if (removed.includes(o.role)) this.#offers.rescind(o, true);
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

	// ---- MESSAGE ----------------------------------------------------------------

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

	// ---- frameworks -------------------------------------------------------------

	#removeFramework(fw: FrameworkRecord): void {
		if (fw.removed) return;
		fw.removed = true;
		fw.active = false;
		this.#offers.rescindAllOf(fw, false);
		for (const a of this.#tasks.frameworkRemoved(fw)) {
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
		if (offers === undefined) this.#log.event(this.now, fw.idx, event);
		else this.#log.offers(this.now, fw.idx, offers);
		this.observer.eventSent?.(fw, event);
		fw.sink.send(event);
	}

	// ==== agent API ===============================================================

	statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
		this.#tasks.statusUpdate(agentId, frameworkId, status);
	}

	registerAgent(endpoint: AgentEndpoint, local: number, spec: AgentSpec): void {
		this.#agents.register(endpoint, local, spec);
	}

	reregisterAgent(
		endpoint: AgentEndpoint,
		local: number,
		agentId: string,
		spec: AgentSpec,
		tasks: ReportedTask[],
	): void {
		this.#agents.reregister(endpoint, local, agentId, spec, tasks);
	}

	agentExited(agentId: string): void {
		this.#agents.exited(agentId);
	}

	agentLink(agentId: string, up: boolean): void {
		this.#agents.link(agentId, up);
	}

	/** Operator MARK_AGENT_GONE: tasks become TASK_GONE_BY_OPERATOR (or LOST). */
	markAgentGone(agentId: string): boolean {
		return this.#agents.markGone(agentId);
	}

	/** Operator DEACTIVATE_AGENT / REACTIVATE_AGENT (no offers while deactivated). */
	setAgentActive(agentId: string, active: boolean): boolean {
		return this.#agents.setActive(agentId, active);
	}

	/** Operator DRAIN_AGENT (agent-registry.ts). */
	drainAgent(agentId: string): boolean {
		return this.#agents.drain(agentId);
	}

	// ==== introspection ==========================================================

	tasksOnAgent(a: number): ReadonlySet<TaskRecord> {
		return this.#tasks.onAgent(a);
	}

	offersOnAgent(a: number): ReadonlySet<OfferRecord> {
		return this.#offers.onAgent(a);
	}

	get outstandingOffers(): number {
		return this.#offers.size;
	}

	offer(id: string): OfferRecord | undefined {
		return this.#offers.byId(id);
	}

	/** The protocol Offer of an outstanding offer (shared, frozen parts: offers/message.ts). */
	offerMessage(o: OfferRecord): Offer {
		return this.#messages.build(o, isMultiRole(o.fw));
	}

	/** A running hash of everything sent to frameworks (determinism check; event-log.ts). */
	get eventLogHash(): number {
		return this.#log.hash;
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
}

/** A version-4 style UUID drawn from a seeded stream. */
function uuidString(rng: Rng): string {
	const h: string[] = [];
	for (let i = 0; i < 16; i++) h.push(rng.int(256).toString(16).padStart(2, "0"));
	const s = h.join("");
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
