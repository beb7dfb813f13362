/**
 * Master — the simulated Mesos master. This class is the switchboard: it
 * owns the engine events (onEvent) and the scheduler call dispatch (call →
 * handler), sends events to frameworks (hashing them into the event log), and
 * answers introspection. The work is done by parts, each behind a narrow host
 * interface built once here:
 *   framework-registry.ts  SUBSCRIBE, failover, removal, heartbeats, REVIVE/SUPPRESS/UPDATE_FRAMEWORK
 *   agent-registry.ts      agents: register, reregister, link, unreachable, gone, drain
 *   offers/book.ts         outstanding offers: make, flush as OFFERS, end, rescind
 *   offers/message.ts      the protocol Offer and its shared, frozen parts (a contract)
 *   offers/accept.ts       ACCEPT (pure launch check, then apply) and DECLINE
 *   tasks/table.ts         tasks, status updates, KILL/ACKNOWLEDGE/RECONCILE
 *   event-log.ts           the determinism hash of everything sent
 *   allocator.ts           the DRF allocator (its host: offer, cycleDone)
 *
 * It is pure logic on the engine's clock: no I/O, no wall clock. Frameworks
 * reach it through MasterSchedulerApi (Calls in, Events out through an
 * EventSink); agents through MasterAgentApi. Messages to agents leave through
 * engine events, never synchronously. A call that breaks a rule gets the Mesos
 * outcome (status code, TASK_ERROR/TASK_LOST, ERROR event), never an exception.
 *
 * Hot path: allocation → OfferBook.make → flush, ACCEPT/DECLINE, status
 * updates. Parts call their host through one object made in the constructor
 * (monomorphic, no allocation per call). Records are plain objects keyed by
 * dense indices; agents are struct-of-arrays (cluster.ts).
 * Guarded by `mesosim bench allocator` and `mesosim bench engine`.
 */
import { type Engine, type EventHandler, Rng, type RngStreams } from "../engine/index.js";
import { AgentRegistry } from "./agent-registry.js";
import { Allocator, type AllocatorChecks } from "./allocator/index.js";
import { BoundedList } from "./bounded.js";
import { ACCEPTED, bad } from "./call-result.js";
import { AGENT_STATE, Cluster } from "./cluster.js";
import { DecisionRecorder } from "./decisions/recorder.js";
import { EventLog } from "./event-log.js";
import { type MasterFlags, withDefaults } from "./flags.js";
import { FrameworkRegistry, uuidString } from "./framework-registry.js";
import { type AcceptHost, accept, decline } from "./offers/accept.js";
import { OfferBook } from "./offers/book.js";
import { isMultiRole, OfferMessages } from "./offers/message.js";
import type { AgentEndpoint, AgentSpec, MasterAgentApi, ReportedTask } from "./protocol/agent.js";
import type { DecisionSink } from "./protocol/decisions.js";
import type { Call, Event, Offer, TaskStatus } from "./protocol/messages.js";
import { SCALAR_COUNT } from "./protocol/resources.js";
import type { CallResult, EventSink, MasterSchedulerApi, SubscribeResult } from "./protocol/scheduler.js";
import { SCALAR_EPSILON } from "./quantity.js";
import type { FrameworkRecord, MasterObserver, OfferRecord, TaskRecord } from "./records.js";
import { TaskTable } from "./tasks/table.js";

/** Kinds of the master's engine events (onEvent). */
const KIND = {
	CYCLE: 0,
	PERIODIC: 1,
	OFFER_TIMEOUT: 2,
	HEARTBEAT: 3,
	FAILOVER: 4,
	UNREACHABLE: 5,
	REMOVAL_PERMIT: 6,
} as const;

export type { MasterObserver, OfferEnd } from "./records.js";

export interface MasterOptions {
	engine: Engine;
	streams: RngStreams;
	flags?: Partial<MasterFlags>;
	/** Test switches of the allocator (fast path against simple path); defaults in DEFAULT_CHECKS. */
	checks?: Partial<AllocatorChecks>;
	/**
	 * Seeds the ids the master draws (its own id, hence framework, agent and
	 * offer ids, and stream ids) apart from the scenario seed. A live driver
	 * passes a fresh string per start, as Mesos draws a UUID per master start
	 * (Master::Master in src/master/master.cpp), so a restarted master never
	 * reissues an id an old client still holds. Absent (headless runs), ids
	 * come from the scenario seed's "master" stream: byte-identical per seed.
	 */
	idSeed?: string;
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
		agentsUnreachableCanceled: 0,
		frameworkSubscribes: 0,
		invalidCalls: 0,
		callsByType: {} as Record<string, number>,
		/** Entries into each task state (cumulative, as Mesos's master/tasks_<state> counters). */
		taskTransitions: {} as Record<string, number>,
	};

	readonly #engine: Engine;
	/** Draws the master id and stream ids (MasterOptions.idSeed). */
	readonly #idRng: Rng;
	readonly #log: EventLog;
	readonly #messages: OfferMessages;
	readonly #offers: OfferBook;
	readonly #tasks: TaskTable;
	readonly #agents: AgentRegistry;
	readonly #frameworks: FrameworkRegistry;
	readonly #acceptHost: AcceptHost;
	/** Set while decisions are recorded (recordDecisions). */
	#decisions: DecisionRecorder | null = null;
	#cycleScheduled = false;
	#started = false;

	constructor(opts: MasterOptions) {
		this.#engine = opts.engine;
		this.flags = withDefaults(opts.flags);
		this.#idRng = opts.idSeed === undefined ? opts.streams.stream("master") : new Rng(`ids/${opts.idSeed}`);
		this.id = uuidString(this.#idRng);
		this.#log = new EventLog(`${this.id}-O`);
		this.startedAt = this.#engine.now;
		this.completedFrameworks = new BoundedList(this.flags.maxCompletedFrameworks);
		this.allocator = new Allocator(
			this.flags,
			this.cluster,
			opts.streams.stream("allocator"),
			{
				now: () => this.#engine.now,
				offer: (fw, role, agent, q, ports) => this.#offers.make(fw, role, agent, q, ports),
				cycleDone: () => this.#offers.flush(),
			},
			opts.checks,
		);
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
			armTimeout: (num) => engine.after(this.flags.offerTimeoutMs ?? 0, this, KIND.OFFER_TIMEOUT, num),
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
			framework: (id) => this.#frameworks.byId(id),
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
				engine.at(time, this, KIND.UNREACHABLE, agent, linkGeneration),
			armRemovalPermit: (time) => engine.at(time, this, KIND.REMOVAL_PERMIT),
			requestCycle: (agent) => this.#requestCycle(agent),
			send: (fw, event) => this.#send(fw, event),
		});
		this.#frameworks = new FrameworkRegistry({
			masterId: this.id,
			rng: this.#idRng,
			frameworks: this.frameworks,
			completedFrameworks: this.completedFrameworks,
			accounting: this.allocator,
			offers: this.#offers,
			tasks: this.#tasks,
			cluster: this.cluster,
			flags: this.flags,
			metrics: this.metrics,
			get observer() {
				return master.observer;
			},
			now: () => engine.now,
			later: (action) => engine.timeout(0, action),
			armHeartbeat: (ms, idx, token) => engine.after(ms, this, KIND.HEARTBEAT, idx, token),
			armFailover: (ms, idx, token) => engine.after(ms, this, KIND.FAILOVER, idx, token),
			requestCycle: () => this.#requestCycle(),
			send: (fw, event) => this.#send(fw, event),
			masterInfo: () => this.masterInfo(),
		});
		this.#acceptHost = {
			offers: this.#offers,
			tasks: this.#tasks,
			roles: this.allocator,
			cluster: this.cluster,
			get answers() {
				return master.#decisions;
			},
		};
	}

	/**
	 * Records every allocation decision and every answer to an offer into
	 * `sink` from the next cycle on (docs/explain.md); null stops it.
	 */
	recordDecisions(sink: DecisionSink | null): void {
		if (sink === null) {
			this.#decisions = null;
			this.allocator.setRecorder(null);
			return;
		}
		const recorder = new DecisionRecorder(
			{
				cluster: this.cluster,
				roles: this.allocator.roles,
				roleSorter: this.allocator.roleSorter,
				frameworks: this.frameworks,
				allocationIntervalMs: this.flags.allocationIntervalMs,
				now: () => this.#engine.now,
			},
			sink,
		);
		this.#decisions = recorder;
		this.allocator.setRecorder(recorder);
	}

	/** Starts the periodic allocation timer. */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		this.#engine.after(this.flags.allocationIntervalMs, this, KIND.PERIODIC);
	}

	get now(): number {
		return this.#engine.now;
	}

	onEvent(kind: number, a: number, b: number): void {
		switch (kind) {
			case KIND.CYCLE:
				this.#cycleScheduled = false;
				this.allocator.cycle();
				break;
			case KIND.PERIODIC:
				this.#engine.after(this.flags.allocationIntervalMs, this, KIND.PERIODIC);
				this.allocator.request();
				this.allocator.cycle();
				break;
			case KIND.OFFER_TIMEOUT:
				this.#offers.timedOut(a);
				break;
			case KIND.HEARTBEAT:
				this.#frameworks.heartbeatDue(a, b);
				break;
			case KIND.FAILOVER:
				this.#frameworks.failoverDue(a, b);
				break;
			case KIND.UNREACHABLE:
				this.#agents.unreachableCheck(a, b);
				break;
			case KIND.REMOVAL_PERMIT:
				this.#agents.removalPermitDue();
				break;
		}
	}

	#requestCycle(agent?: number): void {
		this.allocator.request(agent);
		if (!this.#cycleScheduled) {
			this.#cycleScheduled = true;
			this.#engine.after(0, this, KIND.CYCLE);
		}
	}

	// ==== scheduler API =========================================================

	subscribe(call: Call, sink: EventSink): SubscribeResult {
		this.#countCall("SUBSCRIBE");
		return this.#frameworks.subscribe(call, sink);
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
		this.#frameworks.disconnect(streamId);
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
		const fw = this.#frameworks.byId(fwId);
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
				this.#frameworks.remove(fw);
				return ACCEPTED;
			case "ACCEPT":
				return accept(this.#acceptHost, fw, call);
			case "DECLINE":
				return decline(this.#acceptHost, fw, call);
			case "REVIVE":
				return this.#frameworks.revive(fw, call.revive?.roles ?? null);
			case "SUPPRESS":
				return this.#frameworks.suppress(fw, call.suppress?.roles ?? null);
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
				return this.#frameworks.update(fw, call);
			default:
				this.metrics.invalidCalls++;
				return bad(400, `Unknown call type '${String(call.type)}'`);
		}
	}

	#countCall(type: string): void {
		this.metrics.callsByType[type] = (this.metrics.callsByType[type] ?? 0) + 1;
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

	/** Operator TEARDOWN; returns false for an unknown framework. */
	teardown(frameworkId: string): boolean {
		const fw = this.#frameworks.byId(frameworkId);
		if (fw === undefined) return false;
		this.#frameworks.remove(fw);
		return true;
	}

	framework(id: string): FrameworkRecord | undefined {
		return this.#frameworks.byId(id);
	}

	updateWeights(weights: { role: string; weight: number }[]): void {
		for (const w of weights) this.allocator.setWeight(w.role, w.weight);
	}

	/**
	 * Sets a role's quota limits, then rescinds offers of the role and the roles
	 * below it until what they hold (allocated and offered) is within the limits,
	 * frameworks in registration order, each one's offers oldest first: Mesos's
	 * best-effort rescind (quota_handler.cpp, QuotaHandler::_update).
	 */
	updateQuota(role: string, limits: Partial<Record<string, number>>): void {
		this.allocator.setQuota(role, limits);
		const record = this.allocator.findRole(role);
		if (record === undefined || !record.hasLimit || this.#offers.size === 0) return;
		const within = (): boolean => {
			for (let k = 0; k < SCALAR_COUNT; k++)
				if (record.consumed[k]! > record.limit[k]! + SCALAR_EPSILON) return false;
			return true;
		};
		const inSubtree = (r: number): boolean =>
			r === record.idx || this.allocator.roles[r]!.ancestors.includes(record.idx);
		for (const fw of this.frameworks) {
			if (within()) return;
			if (fw === undefined) continue;
			for (const o of [...fw.offers]) {
				if (within()) return;
				if (inSubtree(o.role)) this.#offers.rescind(o, true);
			}
		}
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
