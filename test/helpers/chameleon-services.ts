/**
 * A chameleon pattern driven by hand: a fake Host (simulated time, timers,
 * kills, "work arrived") and the core's bookkeeping of a launch, a RUNNING
 * transition and an end (as frameworks/chameleon/chameleon.ts does them), so
 * a test can put a service group through exact sequences — a failure at
 * t, a scale-down during a backoff, an offer from another agent — and read
 * what the pattern queues, kills and says about an offer.
 */
import { Rng, type TimerHandle } from "../../engine/index.js";
import type {
	Host,
	LiveTask,
	Pattern,
	PoolOffer,
	TaskRequest,
} from "../../frameworks/chameleon/patterns/base.js";
import { PATTERNS, type PatternName } from "../../frameworks/chameleon/patterns/index.js";
import { resolveChameleonSpec } from "../../frameworks/chameleon/spec/index.js";
import type { TaskState, TaskStatus } from "../../master/protocol/index.js";

interface Timer {
	at: number;
	seq: number;
	fn: () => void;
	cancelled: boolean;
}

export class FakeHost implements Host {
	readonly frameworkName = "fw";
	readonly policy = resolveChameleonSpec(
		{ groups: [{ name: "x", pattern: "steadyService" }] },
		"fw",
	).offerPolicy;
	t = 0;
	readonly timers: Timer[] = [];
	readonly killed: LiveTask[] = [];
	demands = 0;
	ready = new Set<string>();
	#seq = 0;

	now(): number {
		return this.t;
	}
	after(delayMs: number, fn: () => void): TimerHandle {
		return this.at(this.t + Math.max(0, Math.round(delayMs)), fn);
	}
	at(time: number, fn: () => void): TimerHandle {
		const seq = this.#seq++;
		this.timers.push({ at: Math.max(this.t, Math.round(time)), seq, fn, cancelled: false });
		return seq;
	}
	cancel(handle: TimerHandle): void {
		const t = this.timers.find((x) => x.seq === handle);
		if (t !== undefined) t.cancelled = true;
	}
	stream(purpose: string): Rng {
		return new Rng(`test/${purpose}`);
	}
	kill(task: LiveTask): void {
		task.killed = true;
		this.killed.push(task);
	}
	demandChanged(): void {
		this.demands++;
	}
	groupReady(name: string): boolean {
		return this.ready.has(name);
	}
	releaseKept(): void {}

	/** Timers due by `time` not yet run nor cancelled, in time order. */
	pending(): Timer[] {
		return this.timers.filter((x) => !x.cancelled).sort((a, b) => a.at - b.at || a.seq - b.seq);
	}

	/** Advances the clock to `time`, running every timer due by then. */
	advance(time: number): void {
		for (;;) {
			const next = this.pending()[0];
			if (next === undefined || next.at > time) break;
			next.cancelled = true;
			this.t = next.at;
			next.fn();
		}
		this.t = time;
	}
}

/** A group of `pattern` built from spec fields, on a fake host, not started. */
export function makeGroup<P extends Pattern = Pattern>(
	group: Record<string, unknown>,
	host = new FakeHost(),
	spec: Record<string, unknown> = {},
) {
	const cfg = resolveChameleonSpec({ ...spec, groups: [{ name: "g", ...group }] }, "fw").groups[0]!;
	const meta = PATTERNS[cfg.pattern as PatternName];
	const g = meta.create(cfg, host) as P;
	return { g, host };
}

/** Launches a queued request on `agentId` as the core's commit does; the request leaves the queue. */
export function launch(g: Pattern, req: TaskRequest, agentId = "a1"): LiveTask {
	const k = g.queue.indexOf(req);
	if (k >= 0) g.queue.splice(k, 1);
	const task: LiveTask = {
		id: req.id,
		name: req.name,
		group: g,
		req,
		agentId,
		hostname: `host-${agentId}`,
		values: new Map(),
		state: "TASK_STAGING",
		launchedAt: g.host.now(),
		runningAt: null,
		cpus: req.need.cpus,
		mem: req.need.mem,
		killed: false,
		sent: true,
	};
	g.live.set(task.id, task);
	g.stats.launched++;
	g.log({ t: g.host.now(), ev: "launch", id: task.id, name: task.name, agent: agentId });
	g.onLaunched(task);
	return task;
}

/** Launches every queued request (on `agentId`). */
export function launchAll(g: Pattern, agentId = "a1"): LiveTask[] {
	return [...g.queue].map((r) => launch(g, r, agentId));
}

/** The task reaches TASK_RUNNING (first time), as the core reports it. */
export function running(g: Pattern, task: LiveTask): void {
	task.state = "TASK_RUNNING";
	task.runningAt = g.host.now();
	g.runningNow++;
	g.onRunning(task);
}

/** The task ends in `state`, as the core's #ended reports it. */
export function end(g: Pattern, task: LiveTask, state: TaskState, reason?: string): void {
	g.live.delete(task.id);
	if (task.state === "TASK_RUNNING") g.runningNow--;
	task.state = state;
	const status = {
		task_id: { value: task.id },
		state,
		...(reason !== undefined ? { reason } : {}),
	} as TaskStatus;
	g.onEnded(task, state, status);
}

/** An offer of `agentId` in the pool with what it has left. */
export function poolOffer(
	agentId: string,
	have: { cpus: number; mem: number; disk?: number; gpus?: number; ports?: number } = {
		cpus: 8,
		mem: 16_384,
	},
	role?: string,
): PoolOffer {
	const ports = have.ports ?? 0;
	return {
		key: `${agentId}/${role ?? "*"}`,
		inPool: true,
		holdAt: -1,
		ids: [`o-${agentId}`],
		offer: {
			id: { value: `o-${agentId}` },
			framework_id: { value: "f" },
			agent_id: { value: agentId },
			hostname: `host-${agentId}`,
			resources: [],
			attributes: [],
		} as unknown as PoolOffer["offer"],
		agentId,
		hostname: `host-${agentId}`,
		role,
		have: {
			cpus: have.cpus,
			mem: have.mem,
			disk: have.disk ?? 100_000,
			gpus: have.gpus ?? 0,
			ports: ports > 0 ? [{ begin: 31_000, end: 31_000 + ports - 1 }] : [],
		},
		placed: 0,
		receivedAt: 0,
		deadline: 0,
		keepUntil: 0,
		keptBy: null,
		heldWhy: null,
		heldIds: 0,
	};
}
