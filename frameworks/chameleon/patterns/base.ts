/**
 * What every pattern shares: the request/task records, the host interface
 * the chameleon core gives a pattern (time, timers, its random streams, kill,
 * "work arrived"), the placement round a pattern places into, and the
 * Pattern base class with the common bookkeeping (queue of requests, live
 * tasks, constraint counts, statistics).
 *
 * A pattern decides WHAT to run and WHEN it wants it (requests in `queue`);
 * the core decides which offers answer it (chameleon.ts). Constraints are
 * checked by the round for every placement, so no pattern can break them.
 */

import type { Rng, TimerHandle } from "../../../engine/index.js";
import type { Offer, TaskState, TaskStatus } from "../../../master/protocol/index.js";
import { backoffDelay, drawTaskPlan, type TaskPlan } from "../commands.js";
import { ConstraintTracker } from "../constraints.js";
import { meanOf, sample } from "../dist.js";
import { haveText, needRangeText, untilText, type Why } from "../explain.js";
import { hasRoom } from "../placement-round.js";
import type { GroupConfig, OfferPolicy } from "../spec/config.js";

export interface Need {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: number;
}

/** A task a pattern wants launched. */
export interface TaskRequest {
	group: Pattern;
	id: string;
	name: string;
	need: Need;
	command: string;
	startupDelayMs: number;
	/** Launch only on this agent while now < stickyUntil (stateful relaunch). */
	agentId: string | null;
	stickyUntil: number;
	createdAt: number;
	/** The pattern's own bookkeeping (slot, job, gang…). */
	data: unknown;
}

/** A launched task, until it reaches a terminal state. */
export interface LiveTask {
	id: string;
	name: string;
	group: Pattern;
	req: TaskRequest;
	agentId: string;
	hostname: string;
	/** Values of the group's constrained fields on the task's agent. */
	values: ReadonlyMap<string, string | undefined>;
	state: TaskState;
	launchedAt: number;
	runningAt: number | null;
	cpus: number;
	mem: number;
	/** The framework asked for it to be killed. */
	killed: boolean;
	/** Its ACCEPT went out (think time is over). */
	sent: boolean;
}

/** One offer (or several of the same agent and role, merged) being answered in a round. */
export interface PoolOffer {
	/** Pool key: agent and role. */
	key: string;
	/** Still unanswered. */
	inPool: boolean;
	/** Time of its entry in the core's hold heap (-1: none). */
	holdAt: number;
	ids: string[];
	offer: Offer;
	agentId: string;
	hostname: string;
	role: string | undefined;
	/** What is left after the placements of this round. */
	have: { cpus: number; mem: number; disk: number; gpus: number; ports: { begin: number; end: number }[] };
	/** Tasks placed on it in this round. */
	placed: number;
	receivedAt: number;
	/** Hold deadline from the offer policy (receivedAt + hold + jitter). */
	deadline: number;
	/** A pattern holds it for later (a partial gang) until this time; 0 = not held. */
	keepUntil: number;
	keptBy: Pattern | null;
	/** Reason records: the hold reason last recorded for it and how many of `ids` that record covered. */
	heldWhy: Why["reason"] | null;
	heldIds: number;
}

/** A placement made in a round (undo-able until the round ends). */
export interface Placement {
	task: LiveTask;
	offer: PoolOffer;
}

/** The placement round a pattern places into. */
export interface Round {
	readonly now: number;
	/** Unanswered offers, in arrival order. */
	readonly offers: readonly PoolOffer[];
	/** Whether `need` fits `po` (resources, ports, max tasks per offer, role) and the group's constraints allow it. */
	fits(group: Pattern, po: PoolOffer, need: Need): boolean;
	/** First-fit placement of a request (its sticky agent first); null when nothing fits. */
	place(req: TaskRequest): Placement | null;
	/** Places a request on a given offer with a given size (checked like `fits`); null if it does not fit. */
	placeOn(req: TaskRequest, po: PoolOffer, need?: Need): Placement | null;
	/** Takes back a placement of this round (gangs: all or nothing). */
	undo(p: Placement): void;
	/** Keeps an offer unanswered for `group` until `until` (ms). */
	keep(po: PoolOffer, group: Pattern, until: number): void;
}

/** What the chameleon core offers a pattern. */
export interface Host {
	readonly frameworkName: string;
	readonly policy: OfferPolicy;
	now(): number;
	after(delayMs: number, fn: () => void): TimerHandle;
	at(time: number, fn: () => void): TimerHandle;
	cancel(handle: TimerHandle): void;
	/** A derived random stream of this framework for `purpose` (independent of event order elsewhere). */
	stream(purpose: string): Rng;
	kill(task: LiveTask): void;
	/** New requests were queued (or the group wants offers again): run a round, revive if needed. */
	demandChanged(): void;
	/** Whether a group has all its tasks running (for `after`). */
	groupReady(name: string): boolean;
	/** Declines the offers a pattern kept (a gang gave up); `cause` says why, for reason records. */
	releaseKept(group: Pattern, cause: () => string): void;
}

export interface LogEntry {
	t: number;
	ev: "launch" | "running" | "end";
	id: string;
	name: string;
	agent: string;
	state?: TaskState;
}

export interface GroupStats {
	pattern: string;
	/** Tasks launched (ACCEPTs sent), replacements included. */
	launched: number;
	/** Live tasks in TASK_RUNNING now. */
	running: number;
	/** Launched and not yet ended. */
	live: number;
	/** Requests waiting for offers. */
	pending: number;
	peakRunning: number;
	finished: number;
	failed: number;
	killed: number;
	/** LOST, DROPPED, GONE, ERROR… */
	lost: number;
	/** Arrivals: jobs, gangs, queue items, trace rows. */
	jobs: number;
	/** ms from a task's end to its replacement's launch (restarting patterns). */
	restartGaps: number[];
	gangLaunches: number;
	gangFailures: number;
	gangTimeouts: number;
	/** Idle agent tasks killed (burstyQueue). */
	reaped: number;
	/** Work items done (burstyQueue). */
	itemsDone: number;
	/** Work items waiting (burstyQueue). */
	itemsQueued: number;
	/** Jobs dropped for missing their starting deadline (cronBurst). */
	deadlineMisses: number;
	/** Ticks skipped by concurrencyPolicy FORBID (cronBurst). */
	skippedTicks: number;
	/** First commands, in the order requests were made. */
	commands: string[];
	/** First arrival times. */
	arrivals: number[];
	/** First launches, running transitions and ends. */
	log: LogEntry[];
}

export const LOG_MAX = 5000;
export const COMMANDS_MAX = 200;
export const ARRIVALS_MAX = 2000;

export function emptyGroupStats(pattern: string): GroupStats {
	return {
		pattern,
		launched: 0,
		running: 0,
		live: 0,
		pending: 0,
		peakRunning: 0,
		finished: 0,
		failed: 0,
		killed: 0,
		lost: 0,
		jobs: 0,
		restartGaps: [],
		gangLaunches: 0,
		gangFailures: 0,
		gangTimeouts: 0,
		reaped: 0,
		itemsDone: 0,
		itemsQueued: 0,
		deadlineMisses: 0,
		skippedTicks: 0,
		commands: [],
		arrivals: [],
		log: [],
	};
}

/** An agent-side loss: the task may be gone with its agent (no sticky relaunch there). */
export function isAgentLoss(state: TaskState, status?: TaskStatus): boolean {
	if (state === "TASK_LOST" || state === "TASK_GONE" || state === "TASK_GONE_BY_OPERATOR") return true;
	if (state === "TASK_UNREACHABLE" || state === "TASK_DROPPED") return true;
	const r = status?.reason;
	return (
		r === "REASON_AGENT_REMOVED" ||
		r === "REASON_AGENT_DISCONNECTED" ||
		r === "REASON_AGENT_REMOVED_BY_OPERATOR"
	);
}

/** The launch never happened (the offers were gone): retry at once, not a failure. */
export function neverStarted(task: LiveTask, status?: TaskStatus): boolean {
	return task.runningAt === null && status?.reason === "REASON_INVALID_OFFERS";
}

export abstract class Pattern {
	readonly cfg: GroupConfig;
	readonly name: string;
	readonly host: Host;
	/** Requests waiting for offers, oldest first. */
	readonly queue: TaskRequest[] = [];
	readonly live = new Map<string, LiveTask>();
	readonly tracker: ConstraintTracker;
	readonly stats: GroupStats;
	/** Draws for task fates and sizes. */
	readonly rng: Rng;
	started = false;
	/** Live tasks in TASK_RUNNING now (kept by the core). */
	runningNow = 0;
	/** The instance count it keeps now: `cfg.instances` until scaled (scaleTo). */
	instances: number;
	#seq = 0;
	/** Restarts scheduled after a backoff and not yet due: each one's timer and due time. */
	readonly #restarts = new Map<TimerHandle, number>();

	constructor(cfg: GroupConfig, host: Host) {
		this.cfg = cfg;
		this.name = cfg.name;
		this.host = host;
		this.tracker = new ConstraintTracker(cfg.constraints);
		this.stats = emptyGroupStats(cfg.pattern);
		this.rng = host.stream(`group/${cfg.name}/tasks`);
		this.instances = cfg.instances;
	}

	/** Whether scaleTo can change its instance count (patterns with a fixed or moving count of their own cannot). */
	get scalable(): boolean {
		return false;
	}

	/**
	 * A new instance count from now on (a live `package scale`): more queue
	 * new tasks, fewer kill the newest (KILL through the scheduler protocol).
	 * Acts at the current simulated time only, with no draw of its own.
	 */
	scaleTo(_instances: number): void {}

	/** Starts the group once the group it waits for (`after`) is ready. */
	maybeStart(): void {
		if (this.started) return;
		if (this.cfg.after !== null && !this.host.groupReady(this.cfg.after)) return;
		this.started = true;
		this.start();
	}

	protected abstract start(): void;

	/** Whether it wants offers now. */
	wantsOffers(): boolean {
		return this.queue.length > 0;
	}

	/** Whether a group waiting for this one (`after`) may start: each pattern says what "deployed" means. */
	abstract ready(): boolean;

	/** Places queued requests, first fit, oldest first. */
	place(round: Round): void {
		this.placeQueue(round);
	}

	protected placeQueue(round: Round): void {
		if (this.queue.length === 0) return;
		const left: TaskRequest[] = [];
		let misses = 0;
		for (let k = 0; k < this.queue.length; k++) {
			const req = this.queue[k]!;
			// Same-shape requests mostly: after many misses in a row, stop scanning.
			if (misses >= 16 || round.place(req) === null) {
				left.push(req);
				misses++;
			} else misses = 0;
		}
		this.queue.length = 0;
		for (const r of left) this.queue.push(r);
	}

	/** A new request with a drawn fate (or a given plan). */
	protected request(opts: {
		name: string;
		id?: string;
		need?: Need;
		plan?: TaskPlan;
		data?: unknown;
		agentId?: string | null;
		stickyMs?: number;
	}): TaskRequest {
		const plan = opts.plan ?? drawTaskPlan(this.cfg.lifecycle, this.rng);
		const now = this.host.now();
		const req: TaskRequest = {
			group: this,
			id: opts.id ?? `${this.name}-${this.#seq++}`,
			name: opts.name,
			need: opts.need ?? this.drawNeed(),
			command: plan.command,
			startupDelayMs: plan.startupDelayMs,
			agentId: opts.agentId ?? null,
			stickyUntil: opts.agentId !== undefined && opts.agentId !== null ? now + (opts.stickyMs ?? 0) : 0,
			createdAt: now,
			data: opts.data,
		};
		if (this.stats.commands.length < COMMANDS_MAX) this.stats.commands.push(req.command);
		return req;
	}

	protected enqueue(req: TaskRequest): void {
		this.queue.push(req);
		this.host.demandChanged();
	}

	/** Removes a queued request; true if it was queued. */
	protected dequeue(req: TaskRequest): boolean {
		const k = this.queue.indexOf(req);
		if (k < 0) return false;
		this.queue.splice(k, 1);
		return true;
	}

	/** Task size drawn from the resource distributions. */
	drawNeed(): Need {
		const r = this.cfg.resources;
		const round3 = (x: number) => Math.round(x * 1000) / 1000;
		return {
			cpus: round3(sample(r.cpus, this.rng)),
			mem: Math.round(sample(r.mem, this.rng)),
			disk: Math.round(sample(r.disk, this.rng)),
			gpus: Math.round(sample(r.gpus, this.rng)),
			ports: r.ports,
		};
	}

	protected backoff(failures: number): number {
		return backoffDelay(this.cfg.lifecycle.restart, failures);
	}

	/** Runs a restart after its backoff `delayMs`, counted in restartsWaiting meanwhile. */
	protected afterBackoff(delayMs: number, fn: () => void): TimerHandle {
		const due = this.host.now() + delayMs;
		const handle = this.host.after(delayMs, () => {
			this.#restarts.delete(handle);
			fn();
		});
		this.#restarts.set(handle, due);
		return handle;
	}

	/** Cancels a restart of afterBackoff that is not yet due (it no longer counts, nor does its due time). */
	protected cancelBackoff(handle: TimerHandle): void {
		this.#restarts.delete(handle);
		this.host.cancel(handle);
	}

	/** Restarts waiting out their backoff and when the last of them is due (reason records: BACKING_OFF). */
	get restartsWaiting(): { readonly count: number; readonly until: number } {
		let until = 0;
		for (const due of this.#restarts.values()) if (due > until) until = due;
		return { count: this.#restarts.size, until };
	}

	/** A task's size from the means of the resource distributions, without a draw (reason records). */
	nominalNeed(): Need {
		const r = this.cfg.resources;
		return {
			cpus: Math.round(meanOf(r.cpus) * 1000) / 1000,
			mem: Math.round(meanOf(r.mem)),
			disk: Math.round(meanOf(r.disk)),
			gpus: Math.round(meanOf(r.gpus)),
			ports: r.ports,
		};
	}

	// ---- reason records (called only while someone records) -------------------

	/**
	 * Why this group placed nothing on `po` in the round just run; null when it
	 * has nothing waiting. Reads state only: no draw, no change.
	 */
	explainUnused(po: PoolOffer, now: number): Why | null {
		// The queue, not wantsOffers(): a cronBurst's drops late requests, and explaining changes nothing.
		if (this.queue.length === 0) return null;
		return this.whyNotPlaced(po, now, this.queue) ?? notTried(this.queue.length);
	}

	/**
	 * Why none of `requests` goes on `po`: the group's role, an agent a request
	 * waits for, a constraint, or the offer too small. Null when some request
	 * would fit (the round did not try it there).
	 */
	protected whyNotPlaced(
		po: PoolOffer,
		now: number,
		requests: readonly Pick<TaskRequest, "name" | "need" | "agentId" | "stickyUntil">[],
	): Why | null {
		if (this.cfg.role !== null && po.role !== this.cfg.role)
			return {
				reason: "DOES_NOT_FIT",
				detail: `runs in role ${this.cfg.role}; the offer is for role ${po.role ?? "*"}`,
			};
		const values = this.tracker.empty ? null : this.tracker.valuesOf(po.offer);
		const tooBig: Need[] = [];
		let constraint: string | null = null;
		let sticky: string | null = null;
		let fitting = 0;
		for (const req of requests) {
			if (req.agentId !== null && now < req.stickyUntil && req.agentId !== po.agentId) {
				sticky ??= `${req.name} waits for its own agent ${req.agentId} until ${untilText(req.stickyUntil, now)}`;
				continue;
			}
			if (!hasRoom(po.have, req.need)) {
				tooBig.push(req.need);
				continue;
			}
			const broken = values === null ? null : this.tracker.violated(values);
			if (broken !== null && values !== null) {
				constraint ??= this.tracker.describeViolation(broken, values, this.name);
				continue;
			}
			fitting++;
		}
		if (fitting > 0) return null;
		const others = tooBig.length > 0 ? `; ${tooBig.length} more too big for the offer` : "";
		if (constraint !== null) return { reason: "CONSTRAINT_NOT_MET", detail: constraint + others };
		if (sticky !== null) return { reason: "CONSTRAINT_NOT_MET", detail: sticky + others };
		const waiting = requests.length === 1 ? "a task needs" : `${requests.length} tasks wait, needing`;
		return {
			reason: "DOES_NOT_FIT",
			detail: `${waiting} ${needRangeText(tooBig)}; the offer has ${haveText(po.have)}`,
		};
	}

	/** Why an offer a pattern keeps is kept (HOLDING_FOR_GANG); only gangs keep offers. */
	describeKeep(_po: PoolOffer, _now: number): string {
		return `kept by group ${this.name}`;
	}

	protected noteArrival(): void {
		this.stats.jobs++;
		if (this.stats.arrivals.length < ARRIVALS_MAX) this.stats.arrivals.push(this.host.now());
	}

	/** Records an entry in the group's log (bounded). */
	log(entry: LogEntry): void {
		if (this.stats.log.length < LOG_MAX) this.stats.log.push(entry);
	}

	// ---- hooks the core calls (after its own bookkeeping) ----------------------

	/** The task was placed and its launch is on the way. */
	onLaunched(_task: LiveTask): void {}

	/** A placement of this round was taken back (gangs): undo what onLaunched did. */
	onUnlaunched(_task: LiveTask): void {}

	/** The task reached TASK_RUNNING for the first time. */
	onRunning(_task: LiveTask): void {}

	/** The task ended (terminal state); it is already out of `live`. */
	onEnded(_task: LiveTask, _state: TaskState, _status?: TaskStatus): void {}

	/** Extra statistics a pattern keeps up to date before stats() copies them. */
	refreshStats(): void {}
}

/** Tasks that would fit but the round's first fit did not try (it stops after many misses in a row). */
function notTried(waiting: number): Why {
	return {
		reason: "DOES_NOT_FIT",
		detail: `${waiting === 1 ? "1 task waits; it" : `${waiting} tasks wait; some`} would fit but first fit stopped scanning after 16 misses in a row`,
	};
}
