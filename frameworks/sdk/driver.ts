/**
 * SchedulerDriver — runs one Scheduler over one Transport: the subscription
 * lifecycle, acknowledgements and the per-framework counters the report uses.
 *
 * Lifecycle: start() → onStart → SUBSCRIBE → SUBSCRIBED (frameworkId known) …
 * When the master closes the stream or refuses SUBSCRIBE, the driver calls
 * onDisconnected and resubscribes, with the known framework id, after a
 * backoff of 1 s, doubling on every further failure up to 60 s; the backoff
 * goes back to 1 s after each SUBSCRIBED. No jitter, so runs stay
 * deterministic. The driver does not resubscribe after an ERROR event (the
 * master removed the framework, another instance failed it over, or its
 * FrameworkInfo is invalid), after TEARDOWN, or after stop().
 *
 * Counting (stats()): offers count one by one, not per OFFERS event. An offer is
 * accepted when an ACCEPT whose LAUNCH/LAUNCH_GROUP operations start ≥ 1 task
 * names it, declined when a DECLINE or a task-less ACCEPT names it, rescinded
 * on RESCIND. Counting happens when the call is sent, whatever the master
 * answers (refusals are counted separately in callErrors).
 */

import type { Engine, Rng, TimerHandle } from "../../engine/index.js";
import type {
	Call,
	DecisionSink,
	Event,
	FrameworkInfo,
	TaskState,
	TaskStatus,
} from "../../master/protocol/index.js";
import {
	acceptCall,
	acknowledgeCall,
	declineCall,
	killCall,
	launchedTaskCount,
	launchOperation,
	messageCall,
	reconcileCall,
	reviveCall,
	subscribeCall,
	suppressCall,
	teardownCall,
	updateFrameworkCall,
} from "./calls.js";
import type { FrameworkContext, Scheduler } from "./scheduler.js";
import type { CallFailure, Transport } from "./transport.js";

export const TASK_STATES: readonly TaskState[] = [
	"TASK_STAGING",
	"TASK_STARTING",
	"TASK_RUNNING",
	"TASK_KILLING",
	"TASK_FINISHED",
	"TASK_FAILED",
	"TASK_KILLED",
	"TASK_ERROR",
	"TASK_LOST",
	"TASK_DROPPED",
	"TASK_UNREACHABLE",
	"TASK_GONE",
	"TASK_GONE_BY_OPERATOR",
	"TASK_UNKNOWN",
];

export function emptyStateCounts(): Record<TaskState, number> {
	const r = {} as Record<TaskState, number>;
	for (const s of TASK_STATES) r[s] = 0;
	return r;
}

export interface FrameworkStats {
	offersReceived: number;
	offersAccepted: number;
	offersDeclined: number;
	offersRescinded: number;
	/** Tasks named in LAUNCH / LAUNCH_GROUP operations sent. */
	tasksLaunched: number;
	/** UPDATE events received, by state. */
	updates: Record<TaskState, number>;
	/** Simulated ms of the first offer received, or null. */
	firstOfferAt: number | null;
	/** Simulated ms of the first SUBSCRIBED, or null. */
	subscribedAt: number | null;
	/** SUBSCRIBED events received (1 + resubscriptions). */
	subscriptions: number;
	/** Times the subscription was lost (master close, refused SUBSCRIBE, disconnect()). */
	disconnections: number;
	/** Calls the master refused. */
	callErrors: number;
	/** ACKNOWLEDGE calls sent (automatic or by the framework). */
	acknowledgements: number;
}

export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

export const DriverState = {
	IDLE: "idle",
	SUBSCRIBING: "subscribing",
	SUBSCRIBED: "subscribed",
	/** Waiting for the backoff timer before resubscribing. */
	BACKOFF: "backoff",
	STOPPED: "stopped",
} as const;
export type DriverState = (typeof DriverState)[keyof typeof DriverState];

export interface SchedulerDriverOptions {
	engine: Engine;
	transport: Transport;
	scheduler: Scheduler;
	frameworkInfo: FrameworkInfo;
	/** Subscribe as this framework (a restarted scheduler failing over to its saved id); default: a new one. */
	frameworkId?: string;
	/** The framework's own random stream. */
	rng: Rng;
	/** Acknowledge every update that carries a uuid after onEvent returns (default true). */
	autoAcknowledge?: boolean;
	/** Resubscribe after a lost subscription (default true). */
	reconnect?: boolean;
	backoffMinMs?: number;
	backoffMaxMs?: number;
}

export class SchedulerDriver {
	readonly context: FrameworkContext;
	readonly #engine: Engine;
	readonly #transport: Transport;
	readonly #scheduler: Scheduler;
	readonly #autoAck: boolean;
	readonly #reconnect: boolean;
	readonly #backoffMin: number;
	readonly #backoffMax: number;
	#info: FrameworkInfo;
	#frameworkId: string | null = null;
	#state: DriverState = DriverState.IDLE;
	/** Bumped on every subscribe; callbacks of older subscriptions are ignored. */
	#gen = 0;
	#backoff: number;
	#timer: TimerHandle = -1;
	/** Set by ERROR or TEARDOWN: the stream's end is final. */
	#final = false;
	readonly #stats: FrameworkStats = {
		offersReceived: 0,
		offersAccepted: 0,
		offersDeclined: 0,
		offersRescinded: 0,
		tasksLaunched: 0,
		updates: emptyStateCounts(),
		firstOfferAt: null,
		subscribedAt: null,
		subscriptions: 0,
		disconnections: 0,
		callErrors: 0,
		acknowledgements: 0,
	};

	/** Where the framework's explain() goes (docs/explain.md); null: nowhere. */
	reasons: DecisionSink | null = null;

	constructor(opts: SchedulerDriverOptions) {
		this.#engine = opts.engine;
		this.#transport = opts.transport;
		this.#scheduler = opts.scheduler;
		this.#info = opts.frameworkInfo;
		this.#frameworkId = opts.frameworkId ?? null;
		this.#autoAck = opts.autoAcknowledge ?? true;
		this.#reconnect = opts.reconnect ?? true;
		this.#backoffMin = opts.backoffMinMs ?? BACKOFF_MIN_MS;
		this.#backoffMax = opts.backoffMaxMs ?? BACKOFF_MAX_MS;
		this.#backoff = this.#backoffMin;
		this.context = this.#makeContext(opts.rng);
		this.#transport.onCallError = (call, result) => this.#onCallError(call, result);
	}

	get frameworkId(): string | null {
		return this.#frameworkId;
	}

	get state(): DriverState {
		return this.#state;
	}

	/** The FrameworkInfo the next SUBSCRIBE will carry. */
	get frameworkInfo(): FrameworkInfo {
		return this.#info;
	}

	/** A copy of the counters. */
	stats(): FrameworkStats {
		return { ...this.#stats, updates: { ...this.#stats.updates } };
	}

	/** Calls onStart, then subscribes (resubscribes if the framework id is known). No-op while running. */
	start(): void {
		if (this.#state !== DriverState.IDLE && this.#state !== DriverState.STOPPED) return;
		this.#final = false;
		this.#backoff = this.#backoffMin;
		this.#state = DriverState.SUBSCRIBING;
		this.#scheduler.onStart?.(this.context);
		if (this.#state === DriverState.SUBSCRIBING) this.#subscribe();
	}

	/**
	 * The scheduler goes away: closes the transport and never resubscribes by
	 * itself. The master keeps the framework for its failover_timeout; start()
	 * again fails over to this driver with the same framework id.
	 */
	stop(): void {
		if (this.#state === DriverState.STOPPED) return;
		this.#cancelTimer();
		this.#state = DriverState.STOPPED;
		this.#gen++;
		this.#transport.close();
	}

	/** Drops the connection from the client side (a fault): onDisconnected, then resubscribe after the backoff. */
	disconnect(): void {
		if (this.#state !== DriverState.SUBSCRIBING && this.#state !== DriverState.SUBSCRIBED) return;
		this.#gen++;
		this.#transport.close();
		this.#lost();
	}

	// ---- subscription ---------------------------------------------------------

	#subscribe(): void {
		const gen = ++this.#gen;
		this.#state = DriverState.SUBSCRIBING;
		this.#transport.subscribe(
			subscribeCall(this.#info, this.#frameworkId, this.#scheduler.suppressedRoles?.()),
			(event) => {
				if (gen === this.#gen) this.#onEvent(event);
			},
			() => {
				if (gen === this.#gen) this.#onClose();
			},
		);
	}

	#onEvent(event: Event): void {
		const s = this.#stats;
		const now = this.#engine.now;
		switch (event.type) {
			case "SUBSCRIBED":
				this.#frameworkId = event.subscribed.framework_id.value;
				this.#state = DriverState.SUBSCRIBED;
				this.#backoff = this.#backoffMin;
				s.subscriptions++;
				s.subscribedAt ??= now;
				break;
			case "OFFERS":
				s.offersReceived += event.offers.offers.length;
				if (s.firstOfferAt === null && event.offers.offers.length > 0) s.firstOfferAt = now;
				break;
			case "RESCIND":
				s.offersRescinded++;
				break;
			case "UPDATE":
				s.updates[event.update.status.state]++;
				break;
			case "ERROR":
				this.#final = true;
				break;
			default:
				break;
		}
		this.#scheduler.onEvent(event, this.context);
		if (event.type === "UPDATE" && this.#autoAck) this.#ack(event.update.status);
	}

	#onClose(): void {
		this.#gen++;
		this.#lost();
	}

	#lost(): void {
		this.#stats.disconnections++;
		const final = this.#final || !this.#reconnect;
		this.#state = final ? DriverState.STOPPED : DriverState.BACKOFF;
		this.#scheduler.onDisconnected?.(this.context);
		if (final || this.#state !== DriverState.BACKOFF) return;
		const delay = this.#backoff;
		this.#backoff = Math.min(this.#backoff * 2, this.#backoffMax);
		this.#timer = this.#engine.timeout(delay, () => {
			this.#timer = -1;
			if (this.#state === DriverState.BACKOFF) this.#subscribe();
		});
	}

	#cancelTimer(): void {
		if (this.#timer >= 0) this.#engine.cancel(this.#timer);
		this.#timer = -1;
	}

	#onCallError(call: Call, result: CallFailure): void {
		this.#stats.callErrors++;
		this.#scheduler.onCallError?.(call, result, this.context);
	}

	// ---- calls ----------------------------------------------------------------

	#send(call: Call): void {
		const s = this.#stats;
		switch (call.type) {
			case "ACCEPT": {
				const offers = call.accept?.offer_ids.length ?? 0;
				const tasks = launchedTaskCount(call.accept?.operations);
				s.tasksLaunched += tasks;
				if (tasks > 0) s.offersAccepted += offers;
				else s.offersDeclined += offers;
				break;
			}
			case "DECLINE":
				s.offersDeclined += call.decline?.offer_ids.length ?? 0;
				break;
			case "ACKNOWLEDGE":
				s.acknowledgements++;
				break;
			case "TEARDOWN":
				this.#final = true;
				break;
			case "UPDATE_FRAMEWORK":
				if (call.update_framework !== undefined) this.#info = stripId(call.update_framework.framework_info);
				break;
			default:
				break;
		}
		this.#transport.send(call);
	}

	#ack(status: TaskStatus): void {
		const call = acknowledgeCall(this.#frameworkId, status);
		if (call !== null) this.#send(call);
	}

	#makeContext(rng: Rng): FrameworkContext {
		const engine = this.#engine;
		const id = (): string | null => this.#frameworkId;
		const send = (call: Call): void => this.#send(call);
		const autoAck = this.#autoAck;
		const driver = this;
		return {
			get frameworkId() {
				return id();
			},
			rng,
			now: () => engine.now,
			after: (delayMs, fn) => engine.timeout(delayMs, fn),
			cancel: (h) => engine.cancel(h),
			accept: (offerIds, operations, refuseSeconds) =>
				send(acceptCall(id(), offerIds, operations, refuseSeconds)),
			launch: (offerIds, tasks, refuseSeconds) =>
				send(acceptCall(id(), offerIds, [launchOperation(tasks)], refuseSeconds)),
			decline: (offerIds, refuseSeconds) => send(declineCall(id(), offerIds, refuseSeconds)),
			revive: (roles) => send(reviveCall(id(), roles)),
			suppress: (roles) => send(suppressCall(id(), roles)),
			kill: (taskId, agentId) => send(killCall(id(), taskId, agentId)),
			acknowledge: (status) => {
				if (!autoAck) this.#ack(status);
			},
			reconcile: (tasks) => send(reconcileCall(id(), tasks)),
			teardown: () => send(teardownCall(id())),
			message: (agentId, executorId, data) => send(messageCall(id(), agentId, executorId, data)),
			updateFramework: (info, suppressedRoles) => send(updateFrameworkCall(id(), info, suppressedRoles)),
			call: send,
			get explaining() {
				return driver.reasons !== null;
			},
			explain: (offerIds, reason, detail) => {
				driver.reasons?.write({
					kind: "reason",
					time: engine.now,
					framework: driver.#info.name,
					offer_ids: [...offerIds],
					reason,
					detail,
				});
			},
		};
	}
}

function stripId(info: FrameworkInfo): FrameworkInfo {
	if (info.id === undefined) return info;
	const { id: _id, ...rest } = info;
	return rest;
}
