/**
 * The chameleon: ONE framework driven by a spec (spec/), behaving like the
 * workload it impersonates. Its groups (patterns/) say what to run and when;
 * this core answers offers for all of them under the spec's offer policy.
 *
 * Files: this one holds the Chameleon class (offer pool, replies, task
 * bookkeeping, suppress/revive); a round's first-fit placement is
 * placement-round.ts, the held offers' deadlines deadline-heap.ts. The class
 * stays whole because its parts share one state: the pool's remaining
 * resources are what placement commits against, what task bookkeeping gives
 * back on a refused ACCEPT and what the hold policy keeps or declines; gang
 * and hoarding policy live in their patterns (patterns/gang.ts,
 * patterns/offerHoarder.ts), not here.
 *
 * Offers. Every offer received goes into a pool (offers of one agent and
 * role are merged, as one ACCEPT may name several offers of one agent). A
 * round places the groups' requests into the pool, first fit, checking
 * resources, ports, maxTasksPerOffer, the group's role and its placement
 * constraints against the group's live tasks — placements of the same round
 * included, so a constraint is never broken. Then each pooled offer is
 * answered: ACCEPT with its launches; kept (a pattern holds it — a partial
 * gang — or the hold policy keeps it until receivedAt + holdOffersMs +
 * U(0, holdJitterMs)); or DECLINE, with refuse_seconds = unfitRefuseSeconds
 * while work is pending, declineRefuseSeconds when there is none. The
 * unused part of an accepted offer gets the same filter.
 *
 * Think time. A round's replies go out perBatchMs + perTaskMs × (tasks
 * launched) after it starts (Omega's t_job + t_task); rounds run one at a
 * time, so offers arriving meanwhile wait for the next round.
 *
 * Suppress / revive. With nothing pending and suppressWhenIdle it SUPPRESSes
 * its roles. New work REVIVEs when it is suppressed, or — with
 * reviveOnDemand — when it declined offers with a filter longer than 5 s
 * since the last revive; two REVIVEs are at least reviveMinIntervalMs apart.
 *
 * Determinism. Time only from the context (ctx.now/after), randomness only
 * from the framework's stream: at construction one draw seeds named child
 * streams (per group and purpose), so a group's arrivals and task draws do
 * not depend on the order other events come in.
 */

import { Rng, type TimerHandle } from "../../engine/index.js";
import {
	type Call,
	type Event,
	type FrameworkCapabilityType,
	type FrameworkInfo,
	fixed,
	isTerminalState,
	type Offer,
	type Range,
	rangesSubtract,
	type TaskInfo,
	type TaskState,
	type TaskStatus,
} from "../../master/protocol/index.js";
import { offerFiltersInfo } from "../sdk/offer-filters.js";
import type { FrameworkContext, Scheduler } from "../sdk/scheduler.js";
import { offerQuantities, offerRole, pickPorts, taskInfo } from "../sdk/tasks.js";
import type { CallFailure } from "../sdk/transport.js";
import { STARTUP_DELAY_LABEL } from "./commands.js";
import { DeadlineHeap } from "./deadline-heap.js";
import { combineWhys, type Explained, hoardingWhy, idleWhy, launchedWhy, type Why } from "./explain.js";
import type {
	GroupStats,
	Host,
	LiveTask,
	Need,
	Pattern,
	Placement,
	PoolOffer,
	TaskRequest,
} from "./patterns/base.js";
import { PATTERNS } from "./patterns/index.js";
import { PlacementRound } from "./placement-round.js";
import type { ChameleonConfig } from "./spec/index.js";

export interface ChameleonStats {
	name: string;
	package: string | null;
	offersReceived: number;
	offersAccepted: number;
	offersDeclined: number;
	offersRescinded: number;
	/** Offers in the pool now (held or being answered). */
	offersHeld: number;
	/** Most offers in the pool at once. */
	maxOffersHeld: number;
	/** Longest an offer stayed in the pool before its answer went out (ms). */
	maxHoldMs: number;
	rounds: number;
	revives: number;
	/** Times of the first REVIVEs (at most 1000). */
	reviveTimes: number[];
	suppresses: number;
	suppressed: boolean;
	tasksLaunched: number;
	/** Live tasks in TASK_RUNNING, all groups. */
	running: number;
	groups: Record<string, GroupStats>;
}

export interface LiveTaskView {
	id: string;
	name: string;
	group: string;
	agentId: string;
	hostname: string;
	state: TaskState;
	launchedAt: number;
	runningAt: number | null;
}

/** What `scale` did, or why it could not. */
export type ScaleResult =
	| { ok: true; group: string; from: number; to: number }
	| { ok: false; reason: string };

export type ChameleonFramework = Scheduler & {
	readonly config: ChameleonConfig;
	frameworkInfo(): FrameworkInfo;
	stats(): ChameleonStats;
	/** Live tasks (launched, not ended), in launch order. */
	tasks(): LiveTaskView[];
	/**
	 * Changes a group's instance count now (a running package scaled up or
	 * down). `group` defaults to its scalable group with the most instances
	 * (Marathon's app, Kubernetes's nodes, Spark's executors).
	 */
	scale(instances: number, group?: string): ScaleResult;
};

interface Reply {
	accepts: { ids: string[]; tasks: TaskInfo[] }[];
	declines: string[];
	/** Tasks of this reply (to be reported lost if the ACCEPT is refused). */
	launched: LiveTask[];
	/** Why each offer is answered so, sent with the reply; null while nobody records. */
	reasons: Explained[] | null;
}

/**
 * Filters up to Mesos's default refuse time (5 s) run out about as soon as a
 * REVIVE would help; only longer ones make new work revive.
 */
const SHORT_FILTER_S = 5;

/** Test hook: `declineOnArrival: false` sends every offer through the pool (the result must not change). */
export const chameleonTuning = { declineOnArrival: true };

/**
 * A chameleon for a resolved spec. `rng` is the framework's own stream (the
 * runner's `framework/<name>`); one draw from it seeds the child streams.
 * Time and timers come from the driver's context once it starts.
 */
export function createChameleon(config: ChameleonConfig, rng: Rng): ChameleonFramework {
	return new Chameleon(config, rng);
}

class Chameleon implements Scheduler, Host {
	readonly config: ChameleonConfig;
	readonly policy: ChameleonConfig["offerPolicy"];
	readonly frameworkName: string;
	readonly groups: Pattern[];
	readonly #byName = new Map<string, Pattern>();
	readonly #seed: string;
	readonly #streams = new Map<string, Rng>();
	#ctx: FrameworkContext | null = null;

	/** Unanswered offers by agent+role key, in arrival order. */
	readonly #pool = new Map<string, PoolOffer>();
	/** Offers added since the last round. */
	#fresh: PoolOffer[] = [];
	/** Held offers by the time their hold ends (lazy: stale entries are skipped). */
	readonly #holds = new DeadlineHeap();
	/** Offer id -> pool key. */
	readonly #offerKey = new Map<string, string>();
	readonly #tasks = new Map<string, LiveTask>();

	#subscribed = false;
	#subscriptions = 0;
	#suppressed = false;
	/** When it last suppressed its roles (reason records). */
	#suppressedAt = 0;
	/** Declined with a filter since the last revive. */
	#filtered = false;
	/** New work since the last suppress/revive decision. */
	#newDemand = false;
	#lastReviveAt = Number.NEGATIVE_INFINITY;
	readonly #reviveTimes: number[] = [];
	#reviveTimer: TimerHandle = -1;
	#flushTimer: TimerHandle = -1;
	#expiryTimer: TimerHandle = -1;
	#expiryAt = Number.POSITIVE_INFINITY;
	#busy = false;
	#roundWanted = false;

	readonly #s = {
		offersReceived: 0,
		offersAccepted: 0,
		offersDeclined: 0,
		offersRescinded: 0,
		maxOffersHeld: 0,
		maxHoldMs: 0,
		rounds: 0,
		revives: 0,
		suppresses: 0,
		tasksLaunched: 0,
	};

	constructor(config: ChameleonConfig, rng: Rng) {
		this.config = config;
		this.policy = config.offerPolicy;
		this.frameworkName = config.name;
		// One draw from the framework's stream seeds every child stream.
		this.#seed = `${config.name}/${rng.next()}`;
		this.groups = config.groups.map((g) => {
			const p = PATTERNS[g.pattern].create(g, this);
			this.#byName.set(g.name, p);
			return p;
		});
	}

	// ---- Host -----------------------------------------------------------------

	now(): number {
		return this.#ctx?.now() ?? 0;
	}

	#context(): FrameworkContext {
		if (this.#ctx === null)
			throw new Error(`chameleon ${this.frameworkName}: used before the driver started it`);
		return this.#ctx;
	}

	after(delayMs: number, fn: () => void): TimerHandle {
		return this.#context().after(Math.max(0, Math.round(delayMs)), fn);
	}

	at(time: number, fn: () => void): TimerHandle {
		return this.after(time - this.now(), fn);
	}

	cancel(handle: TimerHandle): void {
		if (handle >= 0) this.#ctx?.cancel(handle);
	}

	stream(purpose: string): Rng {
		let r = this.#streams.get(purpose);
		if (r === undefined) {
			r = new Rng(`${this.#seed}/${purpose}`);
			this.#streams.set(purpose, r);
		}
		return r;
	}

	kill(task: LiveTask): void {
		if (task.killed || !this.#tasks.has(task.id)) return;
		task.killed = true;
		// A launch still in think time is killed right after it goes out.
		if (task.sent) this.#ctx?.kill(task.id, task.agentId);
	}

	demandChanged(): void {
		this.#newDemand = true;
		if (this.#flushTimer >= 0 || this.#ctx === null) return;
		// Coalesce: everything that happens at this instant is answered together.
		this.#flushTimer = this.#ctx.after(0, () => {
			this.#flushTimer = -1;
			if (this.#subscribed && this.#pool.size > 0) this.#requestRound();
			this.#reviewOffers();
		});
	}

	groupReady(name: string): boolean {
		return this.#byName.get(name)?.ready() ?? false;
	}

	releaseKept(group: Pattern, cause: () => string): void {
		const reply = this.#newReply();
		const now = this.now();
		for (const po of [...this.#pool.values()]) {
			if (po.keptBy !== group) continue;
			po.keptBy = null;
			po.keepUntil = 0;
			this.#answer(po, now, reply); // the hold policy may still keep it
		}
		if (reply.declines.length > 0 && this.#subscribed) {
			if (reply.reasons !== null) this.#explainAll(reply.reasons, cause());
			this.#decline(reply.declines);
		}
		this.#updateExpiry();
	}

	// ---- Scheduler --------------------------------------------------------------

	frameworkInfo(): FrameworkInfo {
		const capabilities: { type: FrameworkCapabilityType }[] = [{ type: "MULTI_ROLE" }];
		if (this.config.partitionAware) capabilities.push({ type: "PARTITION_AWARE" });
		const gpus = this.config.groups.some(
			(g) => g.resources.gpus.kind !== "const" || g.resources.gpus.value > 0,
		);
		if (gpus) capabilities.push({ type: "GPU_RESOURCES" });
		const info: FrameworkInfo = {
			user: this.config.user,
			name: this.config.name,
			roles: [...this.config.roles],
			failover_timeout: this.config.failoverTimeoutMs / 1000,
			checkpoint: this.config.checkpoint,
			capabilities,
		};
		if (this.config.package !== null)
			info.labels = { labels: [{ key: "mesosim.io/chameleon-package", value: this.config.package }] };
		const offerFilters = offerFiltersInfo(this.config.offerFilters);
		if (offerFilters !== undefined) info.offer_filters = offerFilters;
		return info;
	}

	/** The first SUBSCRIBE names the configured suppressedRoles; it revives when it has work. */
	suppressedRoles(): readonly string[] | undefined {
		return this.#subscriptions === 0 && this.config.suppressedRoles.length > 0
			? this.config.suppressedRoles
			: undefined;
	}

	onStart(ctx: FrameworkContext): void {
		this.#ctx = ctx;
		for (const g of this.groups) g.maybeStart();
	}

	onEvent(event: Event, ctx: FrameworkContext): void {
		this.#ctx = ctx;
		switch (event.type) {
			case "SUBSCRIBED":
				this.#onSubscribed();
				return;
			case "OFFERS":
				this.#onOffers(event.offers.offers);
				return;
			case "RESCIND":
				this.#onRescind(event.rescind.offer_id.value);
				return;
			case "UPDATE":
				this.#onUpdate(event.update.status);
				return;
			default:
				return;
		}
	}

	onDisconnected(): void {
		this.#subscribed = false;
		// The master rescinds outstanding offers of a disconnected framework.
		for (const po of this.#pool.values()) po.inPool = false;
		this.#pool.clear();
		this.#offerKey.clear();
		this.#fresh = [];
		this.#holds.clear();
		this.#updateExpiry();
	}

	onCallError(call: Call, _result: CallFailure): void {
		if (call.type !== "ACCEPT") return;
		for (const op of call.accept?.operations ?? []) {
			for (const t of op.launch?.task_infos ?? []) {
				const task = this.#tasks.get(t.task_id.value);
				if (task !== undefined && task.runningAt === null)
					this.#ended(task, "TASK_DROPPED", {
						task_id: { value: task.id },
						state: "TASK_DROPPED",
						reason: "REASON_INVALID_OFFERS",
					});
			}
		}
	}

	#onSubscribed(): void {
		this.#subscribed = true;
		// A (re)subscription without suppressed_roles leaves the roles unsuppressed;
		// with them (the first one, suppressedRoles) the next review revives if work is pending.
		this.#suppressed = this.#subscriptions === 0 && this.config.suppressedRoles.length > 0;
		if (this.#subscriptions++ > 0 && this.#tasks.size > 0)
			this.#context().reconcile([...this.#tasks.values()].map((t) => ({ taskId: t.id, agentId: t.agentId })));
		this.#newDemand = true;
		this.#reviewOffers();
	}

	#onOffers(offers: readonly Offer[]): void {
		const direct = this.#declineOnArrival(offers);
		if (direct !== null) {
			this.#round(direct);
			return;
		}
		const now = this.now();
		const p = this.policy;
		const holdRng = p.holdJitterMs > 0 ? this.stream("offers/hold") : null;
		for (const offer of offers) {
			this.#s.offersReceived++;
			const agentId = offer.agent_id.value;
			const role = offerRole(offer);
			const key = `${agentId}\u0000${role ?? ""}`;
			const q = offerQuantities(offer);
			const deadline =
				now + p.holdOffersMs + (holdRng === null ? 0 : Math.round(holdRng.uniform(0, p.holdJitterMs)));
			const existing = this.#pool.get(key);
			if (existing !== undefined) {
				existing.ids.push(offer.id.value);
				existing.have.cpus = fixed(existing.have.cpus + q.cpus);
				existing.have.mem = fixed(existing.have.mem + q.mem);
				existing.have.disk = fixed(existing.have.disk + q.disk);
				existing.have.gpus = fixed(existing.have.gpus + q.gpus);
				existing.have.ports = mergeRanges(existing.have.ports, q.ports);
				if (deadline < existing.deadline) {
					existing.deadline = deadline;
					if (existing.holdAt > deadline) {
						existing.holdAt = deadline;
						this.#holds.push(deadline, existing);
					}
				}
			} else {
				const po: PoolOffer = {
					key,
					inPool: true,
					holdAt: -1,
					ids: [offer.id.value],
					offer,
					agentId,
					hostname: offer.hostname,
					role,
					have: { cpus: q.cpus, mem: q.mem, disk: q.disk, gpus: q.gpus, ports: q.ports },
					placed: 0,
					receivedAt: now,
					deadline,
					keepUntil: 0,
					keptBy: null,
					heldWhy: null,
					heldIds: 0,
				};
				this.#pool.set(key, po);
				this.#fresh.push(po);
			}
			this.#offerKey.set(offer.id.value, key);
		}
		if (this.#pool.size > this.#s.maxOffersHeld) this.#s.maxOffersHeld = this.#pool.size;
		this.#requestRound();
	}

	/**
	 * The ids of `offers` when the round they start would decline every one of
	 * them at once — nothing pending, no hold policy, a round can run now, no
	 * offer merges with a pooled one — so they need not enter the pool (the
	 * usual case of an idle framework with short filters). Otherwise null.
	 * The round then answers exactly as it would have (#round's `direct`).
	 */
	#declineOnArrival(offers: readonly Offer[]): string[] | null {
		const p = this.policy;
		if (!chameleonTuning.declineOnArrival) return null;
		if (this.#busy || !this.#subscribed || p.holdOffersMs !== 0 || p.holdJitterMs !== 0) return null;
		if (this.#fresh.length > 0 || this.#wantsOffers()) return null;
		const pool = this.#pool;
		const ids: string[] = [];
		for (const offer of offers) {
			if (pool.size > 0 && pool.has(`${offer.agent_id.value}\u0000${offerRole(offer) ?? ""}`)) return null;
			ids.push(offer.id.value);
		}
		this.#s.offersReceived += offers.length;
		const held = pool.size + offers.length;
		if (held > this.#s.maxOffersHeld) this.#s.maxOffersHeld = held;
		return ids;
	}

	#onRescind(offerId: string): void {
		const key = this.#offerKey.get(offerId);
		if (key === undefined) return;
		this.#offerKey.delete(offerId);
		const po = this.#pool.get(key);
		if (po === undefined) return;
		this.#s.offersRescinded++;
		// The other offers merged with it (same agent and role) are given back.
		const rest = po.ids.filter((id) => id !== offerId);
		this.#removeFromPool(po);
		if (rest.length > 0 && this.#subscribed) {
			if (this.#explaining())
				this.#explainAll(
					[{ ids: rest, why: this.#whyUnused(po, this.now()) }],
					`offer ${offerId} of the same agent was rescinded`,
				);
			this.#decline(rest);
		}
		this.#updateExpiry();
	}

	#onUpdate(status: TaskStatus): void {
		const task = this.#tasks.get(status.task_id.value);
		if (task === undefined) return;
		const state = status.state;
		if (isTerminalState(state)) {
			this.#ended(task, state, status);
			return;
		}
		this.#setState(task, state);
		if (state === "TASK_RUNNING" && task.runningAt === null) {
			task.runningAt = this.now();
			const g = task.group;
			g.log({ t: task.runningAt, ev: "running", id: task.id, name: task.name, agent: task.agentId });
			g.onRunning(task);
			for (const other of this.groups) if (!other.started) other.maybeStart();
		}
	}

	/** Keeps each group's count of RUNNING tasks (and its peak) as states change. */
	#setState(task: LiveTask, state: TaskState): void {
		const g = task.group;
		if (task.state === "TASK_RUNNING") g.runningNow--;
		if (state === "TASK_RUNNING") {
			g.runningNow++;
			if (g.runningNow > g.stats.peakRunning) g.stats.peakRunning = g.runningNow;
		}
		task.state = state;
	}

	#ended(task: LiveTask, state: TaskState, status?: TaskStatus): void {
		if (!this.#tasks.delete(task.id)) return;
		const g = task.group;
		g.live.delete(task.id);
		g.tracker.add(task.values, -1);
		const s = g.stats;
		if (state === "TASK_FINISHED") s.finished++;
		else if (state === "TASK_FAILED") s.failed++;
		else if (state === "TASK_KILLED") s.killed++;
		else s.lost++;
		this.#setState(task, state);
		g.log({ t: this.now(), ev: "end", id: task.id, name: task.name, agent: task.agentId, state });
		g.onEnded(task, state, status);
		this.#reviewOffers();
	}

	// ---- rounds ---------------------------------------------------------------

	#requestRound(): void {
		if (this.#busy) {
			this.#roundWanted = true;
			return;
		}
		this.#round();
	}

	/** `direct`: offers that just arrived and are declined without entering the pool (#declineOnArrival). */
	#round(direct: string[] | null = null): void {
		if (!this.#subscribed || (this.#pool.size === 0 && direct === null)) {
			this.#fresh = [];
			this.#reviewOffers();
			return;
		}
		const now = this.now();
		this.#s.rounds++;
		const reply = this.#newReply();
		if (this.#wantsOffers()) {
			// Work is pending: place into every pooled offer, then answer each.
			const offers = [...this.#pool.values()];
			const round = new PlacementRound(this, offers, now);
			for (const po of offers) {
				po.placed = 0;
				// Patterns keep offers round by round (a partial gang marks them again).
				po.keptBy = null;
				po.keepUntil = 0;
				for (const g of this.groups) if (g.tracker.spreads) g.tracker.observe(round.values(g, po));
			}
			for (const g of this.groups) if (g.started) g.place(round);
			reply.launched = round.launched;
			for (const po of offers) {
				const tasks = round.tasksOn(po);
				if (tasks.length > 0) {
					reply.accepts.push({ ids: po.ids, tasks });
					if (reply.reasons !== null)
						reply.reasons.push({ ids: po.ids, why: launchedWhy(round.launchedOn(po)) });
					this.#removeFromPool(po);
				} else this.#answer(po, now, reply);
			}
		} else {
			// Nothing pending: only new offers and holds that ran out need an answer.
			if (direct !== null) {
				for (const id of direct) reply.declines.push(id);
				if (reply.reasons !== null) reply.reasons.push({ ids: direct, why: this.#idleWhy(now) });
			}
			for (const po of this.#fresh) if (po.inPool) this.#answer(po, now, reply);
			for (const po of this.#holds.popUntil(now)) {
				po.holdAt = -1;
				if (po.inPool) this.#answer(po, now, reply);
			}
		}
		this.#fresh = [];
		this.#updateExpiry();
		const t = this.config.thinkTime;
		const think = Math.round(t.perBatchMs + t.perTaskMs * reply.launched.length);
		if (think <= 0) {
			this.#send(reply, this.#wantsOffers());
			this.#reviewOffers();
			return;
		}
		this.#busy = true;
		this.after(think, () => {
			this.#busy = false;
			this.#send(reply, this.#wantsOffers());
			if (this.#roundWanted) {
				this.#roundWanted = false;
				this.#round();
			} else this.#reviewOffers();
		});
	}

	/** An offer without launches: kept (by a pattern or the hold policy) or declined. */
	#answer(po: PoolOffer, now: number, reply: Reply): void {
		const until = Math.max(po.keepUntil, po.deadline);
		if (until > now) {
			if (Number.isFinite(until) && po.holdAt !== until) {
				po.holdAt = until;
				this.#holds.push(until, po);
			}
			if (reply.reasons !== null) this.#explainHold(po, until, now);
			return;
		}
		reply.declines.push(...po.ids);
		if (reply.reasons !== null) reply.reasons.push({ ids: po.ids, why: this.#whyUnused(po, now) });
		this.#removeFromPool(po);
	}

	// ---- reason records (only while someone records: FrameworkContext.explaining) ----

	#explaining(): boolean {
		return this.#ctx?.explaining === true;
	}

	#newReply(): Reply {
		return { accepts: [], declines: [], launched: [], reasons: this.#explaining() ? [] : null };
	}

	/** Records the reasons of an answer going out now, each detail prefixed with `cause`. */
	#explainAll(reasons: readonly Explained[], cause: string): void {
		const ctx = this.#context();
		for (const r of reasons) ctx.explain(r.ids, r.why.reason, `${cause}; ${r.why.detail}`);
	}

	/**
	 * A kept offer: HOLDING_FOR_GANG (a pattern keeps it) or HOARDING (the
	 * hold policy). Recorded when the hold begins or its reason changes, and
	 * for offers merged into it since — not again at every round.
	 */
	#explainHold(po: PoolOffer, until: number, now: number): void {
		const reason = po.keptBy !== null && po.keepUntil > now ? "HOLDING_FOR_GANG" : "HOARDING";
		const from = po.heldWhy === reason ? po.heldIds : 0;
		if (from >= po.ids.length) return;
		po.heldWhy = reason;
		po.heldIds = po.ids.length;
		const why: Why =
			reason === "HOLDING_FOR_GANG" && po.keptBy !== null
				? { reason, detail: po.keptBy.describeKeep(po, now) }
				: hoardingWhy(
						this.#whyUnused(po, now),
						until,
						now,
						this.policy.holdOffersMs,
						this.policy.holdJitterMs,
					);
		this.#context().explain(po.ids.slice(from), why.reason, why.detail);
	}

	/** Why no group placed anything on `po` (after a round, or outside one). */
	#whyUnused(po: PoolOffer, now: number): Why {
		const byGroup: { group: string; why: Why }[] = [];
		for (const g of this.groups) {
			if (!g.started) continue;
			const why = g.explainUnused(po, now);
			if (why !== null) byGroup.push({ group: g.name, why });
		}
		return byGroup.length > 0 ? combineWhys(byGroup) : this.#idleWhy(now);
	}

	#idleWhy(now: number): Why {
		return idleWhy(this.groups, this.config.roles, this.#suppressed ? this.#suppressedAt : null, now);
	}

	#removeFromPool(po: PoolOffer): void {
		if (!po.inPool) return;
		po.inPool = false;
		this.#pool.delete(po.key);
		const held = this.now() - po.receivedAt;
		if (held > this.#s.maxHoldMs) this.#s.maxHoldMs = held;
		for (const id of po.ids) this.#offerKey.delete(id);
	}

	#refuse(demand: boolean): number {
		return demand ? this.policy.unfitRefuseSeconds : this.policy.declineRefuseSeconds;
	}

	#send(reply: Reply, demand: boolean): void {
		const ctx = this.#context();
		const refuse = this.#refuse(demand);
		if (reply.reasons !== null) for (const r of reply.reasons) ctx.explain(r.ids, r.why.reason, r.why.detail);
		for (const a of reply.accepts) {
			this.#s.offersAccepted += a.ids.length;
			this.#s.tasksLaunched += a.tasks.length;
			ctx.launch(a.ids, a.tasks, refuse);
			if (refuse > SHORT_FILTER_S) this.#filtered = true;
		}
		for (const t of reply.launched) {
			t.sent = true;
			if (t.killed && this.#tasks.has(t.id)) ctx.kill(t.id, t.agentId);
		}
		if (reply.declines.length > 0) this.#decline(reply.declines, refuse);
	}

	#decline(ids: string[], refuse = this.#refuse(this.#wantsOffers())): void {
		this.#s.offersDeclined += ids.length;
		this.#context().decline(ids, refuse);
		if (refuse > SHORT_FILTER_S) this.#filtered = true;
	}

	/** Arms the timer for the next hold that runs out. */
	#updateExpiry(): void {
		const next = this.#holds.peek((po) => po.inPool);
		if (next === this.#expiryAt) return;
		if (this.#expiryTimer >= 0) this.cancel(this.#expiryTimer);
		this.#expiryTimer = -1;
		this.#expiryAt = next;
		if (!Number.isFinite(next) || this.#ctx === null) return;
		this.#expiryTimer = this.at(next, () => {
			this.#expiryTimer = -1;
			this.#expiryAt = Number.POSITIVE_INFINITY;
			// A round places what it can and declines the offers whose hold is over.
			if (this.#subscribed) this.#requestRound();
			else this.#updateExpiry();
		});
	}

	#wantsOffers(): boolean {
		for (const g of this.groups) if (g.started && g.wantsOffers()) return true;
		return false;
	}

	/** Suppress when idle, revive on new work (rate-limited). */
	#reviewOffers(): void {
		if (!this.#subscribed || this.#ctx === null) return;
		const demand = this.#wantsOffers();
		const fresh = this.#newDemand;
		this.#newDemand = false;
		if (!demand) {
			if (this.policy.suppressWhenIdle && !this.#suppressed && this.#reviveTimer < 0) {
				this.#suppressed = true;
				this.#suppressedAt = this.now();
				this.#s.suppresses++;
				this.#ctx.suppress([...this.config.roles]);
			}
			return;
		}
		if (this.#suppressed || (fresh && this.#filtered && this.policy.reviveOnDemand)) this.#revive();
	}

	#revive(): void {
		const wait = this.#lastReviveAt + this.policy.reviveMinIntervalMs - this.now();
		if (wait > 0) {
			if (this.#reviveTimer < 0)
				this.#reviveTimer = this.after(wait, () => {
					this.#reviveTimer = -1;
					if (this.#subscribed && this.#wantsOffers()) this.#doRevive();
				});
			return;
		}
		this.#doRevive();
	}

	#doRevive(): void {
		this.#lastReviveAt = this.now();
		if (this.#reviveTimes.length < 1000) this.#reviveTimes.push(this.#lastReviveAt);
		this.#suppressed = false;
		this.#filtered = false;
		this.#s.revives++;
		this.#context().revive([...this.config.roles]);
	}

	// ---- placement bookkeeping (called by the round) -----------------------------

	commit(
		req: TaskRequest,
		po: PoolOffer,
		need: Need,
		values: ReadonlyMap<string, string | undefined>,
	): LiveTask {
		const ports = pickPorts(po.have.ports, need.ports) ?? [];
		const h = po.have;
		h.cpus = fixed(h.cpus - need.cpus);
		h.mem = fixed(h.mem - need.mem);
		h.disk = fixed(h.disk - need.disk);
		h.gpus = fixed(h.gpus - need.gpus);
		h.ports = rangesSubtract(h.ports, ports);
		po.placed++;
		const now = this.now();
		const task: LiveTask = {
			id: req.id,
			name: req.name,
			group: req.group,
			req,
			agentId: po.agentId,
			hostname: po.hostname,
			values,
			state: "TASK_STAGING",
			launchedAt: now,
			runningAt: null,
			cpus: need.cpus,
			mem: need.mem,
			killed: false,
			sent: false,
		};
		const info = taskInfo({
			id: req.id,
			name: req.name,
			agentId: po.agentId,
			cpus: need.cpus,
			mem: need.mem,
			disk: need.disk,
			gpus: need.gpus,
			ports,
			command: req.command,
			...(req.startupDelayMs > 0 ? { labels: { [STARTUP_DELAY_LABEL]: String(req.startupDelayMs) } } : {}),
			...(po.role !== undefined ? { role: po.role } : {}),
		});
		this.#tasks.set(task.id, task);
		const g = req.group;
		g.live.set(task.id, task);
		g.tracker.add(values, 1);
		g.stats.launched++;
		g.log({ t: now, ev: "launch", id: task.id, name: task.name, agent: task.agentId });
		g.onLaunched(task);
		return Object.assign(task, { info });
	}

	uncommit(p: Placement, need: Need, ports: Range[]): void {
		const task = p.task;
		const po = p.offer;
		const h = po.have;
		h.cpus = fixed(h.cpus + need.cpus);
		h.mem = fixed(h.mem + need.mem);
		h.disk = fixed(h.disk + need.disk);
		h.gpus = fixed(h.gpus + need.gpus);
		h.ports = mergeRanges(h.ports, ports);
		po.placed--;
		this.#tasks.delete(task.id);
		const g = task.group;
		g.live.delete(task.id);
		g.tracker.add(task.values, -1);
		g.stats.launched--;
		const log = g.stats.log;
		const last = log[log.length - 1];
		if (last !== undefined && last.id === task.id && last.ev === "launch") log.pop();
		g.onUnlaunched(task);
	}

	// ---- scaling ----------------------------------------------------------------

	scale(instances: number, group?: string): ScaleResult {
		if (!Number.isInteger(instances) || instances < 0)
			return { ok: false, reason: `instances: must be a whole number >= 0 (got ${instances})` };
		const scalable = this.groups.filter((g) => g.scalable);
		let target: Pattern | undefined;
		if (group !== undefined) {
			target = this.#byName.get(group);
			if (target === undefined)
				return {
					ok: false,
					reason: `group: ${this.frameworkName} has no group "${group}" (it has ${this.groups.map((g) => g.name).join(", ")})`,
				};
			if (!target.scalable)
				return {
					ok: false,
					reason: `group: "${group}" (${target.cfg.pattern}) has no instance count to change`,
				};
		} else {
			// The biggest scalable group; on a tie the later one (workers come after masters).
			for (const g of scalable) if (target === undefined || g.instances >= target.instances) target = g;
			if (target === undefined)
				return { ok: false, reason: `${this.frameworkName} has no group with an instance count to change` };
		}
		const from = target.instances;
		target.scaleTo(instances);
		return { ok: true, group: target.name, from, to: instances };
	}

	// ---- views ----------------------------------------------------------------

	stats(): ChameleonStats {
		const groups: Record<string, GroupStats> = {};
		let running = 0;
		for (const g of this.groups) {
			g.refreshStats();
			running += g.runningNow;
			const s = g.stats;
			groups[g.name] = {
				...s,
				running: g.runningNow,
				live: g.live.size,
				pending: g.queue.length,
				restartGaps: [...s.restartGaps],
				commands: [...s.commands],
				arrivals: [...s.arrivals],
				log: s.log.map((e) => ({ ...e })),
			};
		}
		return {
			name: this.config.name,
			package: this.config.package,
			...this.#s,
			reviveTimes: [...this.#reviveTimes],
			offersHeld: this.#pool.size,
			suppressed: this.#suppressed,
			running,
			groups,
		};
	}

	tasks(): LiveTaskView[] {
		return [...this.#tasks.values()].map((t) => ({
			id: t.id,
			name: t.name,
			group: t.group.name,
			agentId: t.agentId,
			hostname: t.hostname,
			state: t.state,
			launchedAt: t.launchedAt,
			runningAt: t.runningAt,
		}));
	}
}

function mergeRanges(a: readonly Range[], b: readonly Range[]): Range[] {
	const all = [...a, ...b].map((r) => ({ begin: r.begin, end: r.end })).sort((x, y) => x.begin - y.begin);
	const out: Range[] = [];
	for (const r of all) {
		const last = out[out.length - 1];
		if (last !== undefined && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
		else out.push(r);
	}
	return out;
}
