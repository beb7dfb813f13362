/**
 * AgentFleet — every simulated agent of a run, behind one AgentEndpoint.
 *
 * Data layout: agents are dense local indices 0..size-1, grouped by shape in
 * the order shapes were added. Per agent only struct-of-arrays slots: shape
 * index, host state, link flags, generation, registration counters and live
 * task count in typed arrays, plus two pointer slots (agent id string, task
 * map or null). Specs are never stored per agent: one CompiledShape per group
 * renders hostname/attributes at (re)registration time. An agent gets a task
 * map (framework id -> task id -> TaskRec) only while it has tasks; TaskRec
 * also sits in `#bySerial` so engine events carry a plain integer (the task's
 * serial) and no closure. Outgoing status updates wait in a FIFO ring of
 * parallel arrays; one DELIVER event per message pops its head (constant
 * latency + the engine's FIFO order for equal times keep them in order).
 * About 70 bytes of fleet heap per idle agent (plus the id string the master
 * made).
 *
 * Invariants:
 *  - Nothing here calls the master synchronously: every agent -> master
 *    message is delivered by an engine event at now + latencyMs.
 *  - Per task, status updates form a FIFO stream; only the head is in flight
 *    and it is resent (10 s, doubling, capped at 10 min by default) until the
 *    master acknowledges its uuid. A task is forgotten once terminal and fully
 *    acknowledged.
 *  - `generation[local]` moves on at every crash or manual restart; events
 *    that carry an older generation are stale and ignored.
 *  - A partition cuts both ways: an update sent while partitioned is lost
 *    (decided at send time, so the master never sees one between
 *    agentLink(false) and agentLink(true)) and its retry timer keeps running;
 *    run/kill/acknowledge/message from the master are dropped.
 *
 * Complexity: runTask, status update, ack, kill O(1) expected; crash and
 * shutdownFramework O(tasks on that agent); reregistration O(tasks on it).
 * Guarded by: `mesosim bench engine`.
 */

import type { Engine, EventHandler, Rng, TimerHandle } from "../engine/index.js";
import type { AgentEndpoint, AgentSpec, MasterAgentApi, ReportedTask } from "../master/protocol/agent.js";
import type { TaskInfo, TaskState, TaskStatus } from "../master/protocol/messages.js";
import { COMMAND_NOT_FOUND, parseCommand, planCommand, UNDERSTOOD_SUBSET } from "./command.js";
import { type AgentShape, type CompiledShape, compileShape } from "./shape.js";

export interface AgentFleetOptions {
	engine: Engine;
	master: MasterAgentApi;
	/** The fleet's own random stream (status update uuids). */
	rng: Rng;
	/** One-way agent -> master message latency (default 0). */
	latencyMs?: number;
	/** First status-update retry interval (default 10 s, as Mesos). */
	statusRetryMs?: number;
	/** Cap of the doubling retry interval (default 10 min, as Mesos). */
	statusRetryMaxMs?: number;
}

export interface FleetStats {
	/** Tasks accepted by runTask. */
	tasksStarted: number;
	tasksFinished: number;
	tasksFailed: number;
	tasksKilled: number;
	/** Tasks that vanished without an update (crash, shutdownFramework). */
	tasksDropped: number;
	/** First transmissions of status updates. */
	updatesSent: number;
	/** Retransmissions (retry timer or resume after reregistration). */
	updatesRetried: number;
	/** Transmissions lost because the agent was partitioned. */
	updatesLost: number;
	/** Acknowledgements that did not match the head of a stream. */
	acksIgnored: number;
	frameworkMessages: number;
	/** Master -> agent calls ignored (agent down, duplicate task id). */
	messagesDropped: number;
}

/** Label a task may carry to delay TASK_RUNNING (e.g. to model an image pull). */
export const STARTUP_DELAY_LABEL = "mesosim.io/startup-delay-ms";

const KIND = { DELIVER: 0, RUNNING: 1, EXIT: 2, RETRY: 3, REGISTER: 4, REBOOT: 5, HEAL: 6 } as const;
const HOST = { NEW: 0, REGISTERING: 1, UP: 2, DOWN: 3 } as const;
const FLAG = { PARTITIONED: 1, REREGISTERING: 2 } as const;

interface Plan {
	runMs: number;
	exitCode: number;
	/** Failure message when the command cannot run; null when it can. */
	notFound: string | null;
}

class TaskRec {
	readonly serial: number;
	readonly local: number;
	readonly frameworkId: string;
	readonly taskId: string;
	readonly task: TaskInfo;
	readonly plan: Plan;
	/** Latest state the executor reported (not necessarily acknowledged). */
	state: TaskState = "TASK_STAGING";
	live = true;
	/** Next lifecycle event (RUNNING or EXIT), -1 when none. */
	timer: TimerHandle = -1;
	/** Unacknowledged updates; [0] is in flight. */
	pending: TaskStatus[] = [];
	retryTimer: TimerHandle = -1;
	retryDelay = 0;

	constructor(serial: number, local: number, frameworkId: string, task: TaskInfo, plan: Plan) {
		this.serial = serial;
		this.local = local;
		this.frameworkId = frameworkId;
		this.taskId = task.task_id.value;
		this.task = task;
		this.plan = plan;
	}
}

type AgentTasks = Map<string, Map<string, TaskRec>>;

const PLAN_CACHE_MAX = 1024;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export class AgentFleet implements AgentEndpoint, EventHandler {
	readonly #engine: Engine;
	readonly #master: MasterAgentApi;
	readonly #rng: Rng;
	readonly #latency: number;
	readonly #retryMin: number;
	readonly #retryMax: number;

	readonly stats: FleetStats = {
		tasksStarted: 0,
		tasksFinished: 0,
		tasksFailed: 0,
		tasksKilled: 0,
		tasksDropped: 0,
		updatesSent: 0,
		updatesRetried: 0,
		updatesLost: 0,
		acksIgnored: 0,
		frameworkMessages: 0,
		messagesDropped: 0,
	};

	// ---- shapes
	readonly #shapes: CompiledShape[] = [];
	readonly #shapeFirst: number[] = [];

	// ---- per agent (struct of arrays)
	#size = 0;
	#shapeOf = new Uint32Array(0);
	#host = new Uint8Array(0);
	#flags = new Uint8Array(0);
	#gen = new Uint32Array(0);
	/** registerAgent calls delivered and not yet answered by registered(). */
	#awaitingReg = new Uint8Array(0);
	/** How many of those belong to an incarnation that has crashed since. */
	#staleRegs = new Uint8Array(0);
	#liveCount = new Uint32Array(0);
	readonly #agentId: (string | null)[] = [];
	readonly #tasks: (AgentTasks | null)[] = [];
	readonly #localOf = new Map<string, number>();

	// ---- tasks
	#serial = 0;
	readonly #bySerial = new Map<number, TaskRec>();
	#pendingTotal = 0;
	#liveTotal = 0;
	readonly #planCache = new Map<string, Plan>();

	// ---- outgoing status updates (FIFO)
	#qAgent: string[] = [];
	#qFramework: string[] = [];
	#qStatus: TaskStatus[] = [];
	#qHead = 0;

	readonly #uuidBytes = new Uint8Array(16);

	constructor(options: AgentFleetOptions) {
		this.#engine = options.engine;
		this.#master = options.master;
		this.#rng = options.rng;
		this.#latency = options.latencyMs ?? 0;
		this.#retryMin = options.statusRetryMs ?? 10_000;
		this.#retryMax = options.statusRetryMaxMs ?? 600_000;
		if (!(this.#latency >= 0)) throw new RangeError(`agents: latencyMs must be >= 0, got ${this.#latency}`);
		if (!(this.#retryMin > 0) || !(this.#retryMax >= this.#retryMin))
			throw new RangeError("agents: need 0 < statusRetryMs <= statusRetryMaxMs");
	}

	// =========================================================================
	// Building and starting
	// =========================================================================

	/** Adds `shape.count` agents (not yet registered); returns their local index range. */
	addShape(shape: AgentShape): { first: number; count: number } {
		const compiled = compileShape(shape);
		const first = this.#size;
		const count = shape.count;
		const shapeIndex = this.#shapes.length;
		this.#shapes.push(compiled);
		this.#shapeFirst.push(first);
		this.#reserve(first + count);
		this.#shapeOf.fill(shapeIndex, first, first + count);
		for (let k = 0; k < count; k++) {
			this.#agentId.push(null);
			this.#tasks.push(null);
		}
		this.#size = first + count;
		return { first, count };
	}

	/** Powers on an agent that is new or down: it registers (as a new agent). Returns false if it is running. */
	start(local: number): boolean {
		this.#check(local);
		const h = this.#host[local]!;
		if (h !== HOST.NEW && h !== HOST.DOWN) return false;
		this.#gen[local] = this.#gen[local]! + 1; // a pending reboot is now stale
		this.#boot(local);
		return true;
	}

	/** Starts every agent that is new (never started). */
	startAll(): void {
		for (let local = 0; local < this.#size; local++) if (this.#host[local] === HOST.NEW) this.#boot(local);
	}

	// =========================================================================
	// Introspection
	// =========================================================================

	get size(): number {
		return this.#size;
	}

	/** The id the master gave this agent most recently, or null if it never registered. */
	agentId(local: number): string | null {
		this.#check(local);
		return this.#agentId[local]!;
	}

	/** The local index of an agent id, or -1 (ids of a crashed agent stay known until it re-registers). */
	localOf(agentId: string): number {
		return this.#localOf.get(agentId) ?? -1;
	}

	/** Whether the host is running (started and not crashed); says nothing about partitions. */
	isUp(local: number): boolean {
		this.#check(local);
		const h = this.#host[local];
		return h === HOST.UP || h === HOST.REGISTERING;
	}

	/** Whether the master has accepted the agent's current incarnation. */
	isRegistered(local: number): boolean {
		this.#check(local);
		return this.#host[local] === HOST.UP;
	}

	isPartitioned(local: number): boolean {
		this.#check(local);
		return (this.#flags[local]! & FLAG.PARTITIONED) !== 0;
	}

	/** Tasks on this agent that have not reached a terminal state. */
	liveTaskCount(local: number): number {
		this.#check(local);
		return this.#liveCount[local]!;
	}

	/** Live tasks over the whole fleet. */
	get liveTasks(): number {
		return this.#liveTotal;
	}

	/** Status updates generated but not yet acknowledged, over the whole fleet. */
	pendingUpdates(): number {
		return this.#pendingTotal;
	}

	hostname(local: number): string {
		this.#check(local);
		const s = this.#shapeOf[local]!;
		return this.#shapes[s]!.hostname(local - this.#shapeFirst[s]!);
	}

	/** The spec the agent announces (rendered on each call). */
	spec(local: number): AgentSpec {
		this.#check(local);
		const s = this.#shapeOf[local]!;
		return this.#shapes[s]!.spec(local - this.#shapeFirst[s]!);
	}

	/** The group (shape) name of an agent. */
	group(local: number): string {
		this.#check(local);
		return this.#shapes[this.#shapeOf[local]!]!.shape.group;
	}

	// =========================================================================
	// AgentEndpoint (master -> agent)
	// =========================================================================

	registered(local: number, agentId: string): void {
		this.#check(local);
		if (this.#awaitingReg[local]! > 0) this.#awaitingReg[local]!--;
		const h = this.#host[local]!;
		if (this.#staleRegs[local]! > 0 || h === HOST.DOWN || h === HOST.NEW) {
			// The answer is for an incarnation that has crashed since: it is gone.
			if (this.#staleRegs[local]! > 0) this.#staleRegs[local]!--;
			this.#control(() => this.#master.agentExited(agentId));
			return;
		}
		const old = this.#agentId[local];
		if (old !== null && old !== undefined && old !== agentId && this.#localOf.get(old) === local)
			this.#localOf.delete(old);
		this.#agentId[local] = agentId;
		this.#localOf.set(agentId, local);
		this.#host[local] = HOST.UP;
		if ((this.#flags[local]! & FLAG.REREGISTERING) !== 0) {
			this.#flags[local] = this.#flags[local]! & ~FLAG.REREGISTERING;
			this.#resume(local);
		}
	}

	/** A master message cannot reach a host that is down or cut off by a partition. */
	#cutOff(local: number): boolean {
		this.#check(local);
		if (this.#host[local] === HOST.UP && (this.#flags[local]! & FLAG.PARTITIONED) === 0) return false;
		this.stats.messagesDropped++;
		return true;
	}

	runTask(local: number, frameworkId: string, task: TaskInfo): void {
		if (this.#cutOff(local)) return;
		let byFramework = this.#tasks[local];
		if (byFramework === null || byFramework === undefined) {
			byFramework = new Map();
			this.#tasks[local] = byFramework;
		}
		let tasks = byFramework.get(frameworkId);
		if (tasks === undefined) {
			tasks = new Map();
			byFramework.set(frameworkId, tasks);
		}
		const taskId = task.task_id.value;
		if (tasks.has(taskId)) {
			this.stats.messagesDropped++;
			return;
		}
		const rec = new TaskRec(++this.#serial, local, frameworkId, task, this.#planOf(task));
		tasks.set(taskId, rec);
		this.#bySerial.set(rec.serial, rec);
		this.#liveCount[local]!++;
		this.#liveTotal++;
		this.stats.tasksStarted++;
		this.#emit(rec, "TASK_STARTING", null);
		rec.timer = this.#engine.at(this.#engine.now + startupDelay(task), this, KIND.RUNNING, rec.serial);
	}

	killTask(local: number, frameworkId: string, taskId: string): void {
		if (this.#cutOff(local)) return;
		const rec = this.#tasks[local]?.get(frameworkId)?.get(taskId);
		if (rec === undefined || !rec.live) return;
		this.#end(rec);
		this.stats.tasksKilled++;
		this.#emit(rec, "TASK_KILLED", "Command terminated with signal Killed");
	}

	acknowledge(local: number, frameworkId: string, taskId: string, uuid: string): void {
		if (this.#cutOff(local)) return;
		const rec = this.#tasks[local]?.get(frameworkId)?.get(taskId);
		const head = rec?.pending[0];
		if (rec === undefined || head === undefined || head.uuid !== uuid) {
			this.stats.acksIgnored++;
			return;
		}
		rec.pending.shift();
		this.#pendingTotal--;
		this.#engine.cancel(rec.retryTimer);
		rec.retryTimer = -1;
		const next = rec.pending[0];
		if (next !== undefined) this.#sendHead(rec, next, false);
		else if (!rec.live) this.#forget(rec);
	}

	shutdownFramework(local: number, frameworkId: string): void {
		this.#check(local);
		const byFramework = this.#tasks[local];
		const tasks = byFramework?.get(frameworkId);
		if (byFramework === null || byFramework === undefined || tasks === undefined) return;
		for (const rec of tasks.values()) this.#drop(rec);
		byFramework.delete(frameworkId);
		if (byFramework.size === 0) this.#tasks[local] = null;
	}

	frameworkMessage(local: number, _frameworkId: string, _executorId: string, _data: string): void {
		if (this.#cutOff(local)) return;
		this.stats.frameworkMessages++;
	}

	// =========================================================================
	// Faults
	// =========================================================================

	/**
	 * Host crash: its tasks vanish without updates, the master hears agentExited.
	 * With `downForMs` not null the host reboots after that long and registers
	 * as a new agent. No-op (false) when the host is not running.
	 */
	crash(local: number, downForMs: number | null): boolean {
		this.#check(local);
		const h = this.#host[local]!;
		if (h !== HOST.UP && h !== HOST.REGISTERING) return false;
		const gen = this.#gen[local]! + 1;
		this.#gen[local] = gen;
		const byFramework = this.#tasks[local];
		if (byFramework !== null && byFramework !== undefined) {
			for (const tasks of byFramework.values()) for (const rec of tasks.values()) this.#drop(rec);
			this.#tasks[local] = null;
		}
		this.#staleRegs[local] = this.#awaitingReg[local]!;
		const id = this.#agentId[local];
		if (h === HOST.UP && id !== null && id !== undefined) this.#control(() => this.#master.agentExited(id));
		this.#host[local] = HOST.DOWN;
		this.#flags[local] = 0;
		if (downForMs !== null) this.#engine.at(this.#engine.now + downForMs, this, KIND.REBOOT, local, gen);
		return true;
	}

	/**
	 * Network partition for `forMs`: the master hears agentLink(false); tasks
	 * keep running but updates sent meanwhile are lost. Afterwards the agent
	 * reregisters with all tasks it still knows. No-op (false) unless the agent
	 * is registered and not already partitioned.
	 */
	partition(local: number, forMs: number): boolean {
		this.#check(local);
		const id = this.#agentId[local];
		if (this.#host[local] !== HOST.UP || id === null || id === undefined) return false;
		if ((this.#flags[local]! & FLAG.PARTITIONED) !== 0) return false;
		this.#flags[local] = this.#flags[local]! | FLAG.PARTITIONED;
		this.#control(() => this.#master.agentLink(id, false));
		this.#engine.at(this.#engine.now + forMs, this, KIND.HEAL, local, this.#gen[local]!);
		return true;
	}

	/** Ends a partition now (the agent reregisters); false when it is not partitioned. */
	heal(local: number): boolean {
		this.#check(local);
		if ((this.#flags[local]! & FLAG.PARTITIONED) === 0) return false;
		this.#heal(local);
		return true;
	}

	/**
	 * The agent process restarts; the host and its executors stay up (Mesos
	 * src/slave/slave.cpp recover(): the agent reads its checkpoints and
	 * reregisters with the same id, Master::reregisterSlave). The master sees
	 * the connection drop (agentExited); tasks of frameworks for which
	 * `survives(frameworkId)` is false (frameworks that do not checkpoint) are
	 * not recovered and vanish; after `downForMs` the agent reregisters
	 * reporting the rest. Updates sent meanwhile are lost and retried, as in a
	 * partition. Unlike crash(), the agent keeps its id. False when the agent
	 * is not registered or already cut off.
	 */
	restartProcess(local: number, downForMs: number, survives: (frameworkId: string) => boolean): boolean {
		this.#check(local);
		const id = this.#agentId[local];
		if (this.#host[local] !== HOST.UP || id === null || id === undefined) return false;
		if ((this.#flags[local]! & FLAG.PARTITIONED) !== 0) return false;
		const byFramework = this.#tasks[local];
		if (byFramework !== null && byFramework !== undefined) {
			for (const [frameworkId, tasks] of [...byFramework]) {
				if (survives(frameworkId)) continue;
				for (const rec of tasks.values()) this.#drop(rec);
				byFramework.delete(frameworkId);
			}
			if (byFramework.size === 0) this.#tasks[local] = null;
		}
		this.#flags[local] = this.#flags[local]! | FLAG.PARTITIONED;
		this.#control(() => this.#master.agentExited(id));
		this.#engine.at(this.#engine.now + downForMs, this, KIND.HEAL, local, this.#gen[local]!);
		return true;
	}

	/** `times` partitions of `downMs`, separated by `upMs` (stops if the agent crashes meanwhile). */
	flap(local: number, times: number, downMs: number, upMs: number): void {
		this.#check(local);
		const gen = this.#gen[local]!;
		const step = (k: number): void => {
			if (k >= times || this.#gen[local] !== gen) return;
			this.partition(local, downMs);
			if (k + 1 < times) this.#engine.timeout(downMs + upMs, () => step(k + 1));
		};
		step(0);
	}

	// =========================================================================
	// Events
	// =========================================================================

	onEvent(kind: number, a: number, b: number): void {
		switch (kind) {
			case KIND.DELIVER:
				this.#deliver();
				return;
			case KIND.RUNNING: {
				const rec = this.#bySerial.get(a);
				if (rec === undefined || !rec.live) return;
				this.#emit(rec, "TASK_RUNNING", null);
				const runMs = rec.plan.runMs;
				rec.timer =
					runMs === Number.POSITIVE_INFINITY
						? -1
						: this.#engine.at(this.#engine.now + runMs, this, KIND.EXIT, rec.serial);
				return;
			}
			case KIND.EXIT: {
				const rec = this.#bySerial.get(a);
				if (rec === undefined || !rec.live) return;
				this.#end(rec);
				const plan = rec.plan;
				if (plan.exitCode === 0) {
					this.stats.tasksFinished++;
					this.#emit(rec, "TASK_FINISHED", "Command exited with status 0");
				} else {
					this.stats.tasksFailed++;
					this.#emit(rec, "TASK_FAILED", plan.notFound ?? `Command exited with status ${plan.exitCode}`);
				}
				return;
			}
			case KIND.RETRY: {
				const rec = this.#bySerial.get(a);
				const head = rec?.pending[0];
				if (rec === undefined || head === undefined) return;
				const delay = Math.min(rec.retryDelay * 2, this.#retryMax);
				this.#transmit(rec, head, true);
				this.#armRetry(rec, delay);
				return;
			}
			case KIND.REGISTER:
				if (this.#gen[a] !== b || this.#host[a] !== HOST.REGISTERING) return;
				this.#awaitingReg[a] = Math.min(255, this.#awaitingReg[a]! + 1);
				this.#master.registerAgent(this, a, this.spec(a));
				return;
			case KIND.REBOOT:
				if (this.#gen[a] !== b || this.#host[a] !== HOST.DOWN) return;
				this.#boot(a);
				return;
			case KIND.HEAL:
				if (this.#gen[a] !== b) return;
				this.#heal(a);
				return;
		}
	}

	// =========================================================================
	// Internals
	// =========================================================================

	#check(local: number): void {
		if (!(local >= 0 && local < this.#size && Number.isInteger(local)))
			throw new RangeError(`agents: no agent with local index ${local} (fleet has ${this.#size})`);
	}

	#reserve(n: number): void {
		if (n <= this.#host.length) return;
		let cap = Math.max(64, this.#host.length);
		while (cap < n) cap *= 2;
		const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T): T => {
			const a = make(cap);
			a.set(old);
			return a;
		};
		this.#shapeOf = grow(this.#shapeOf, (k) => new Uint32Array(k));
		this.#host = grow(this.#host, (k) => new Uint8Array(k));
		this.#flags = grow(this.#flags, (k) => new Uint8Array(k));
		this.#gen = grow(this.#gen, (k) => new Uint32Array(k));
		this.#awaitingReg = grow(this.#awaitingReg, (k) => new Uint8Array(k));
		this.#staleRegs = grow(this.#staleRegs, (k) => new Uint8Array(k));
		this.#liveCount = grow(this.#liveCount, (k) => new Uint32Array(k));
	}

	/** Host comes up and sends registerAgent (a new agent) after the latency. */
	#boot(local: number): void {
		this.#host[local] = HOST.REGISTERING;
		this.#flags[local] = 0;
		this.#engine.at(this.#engine.now + this.#latency, this, KIND.REGISTER, local, this.#gen[local]!);
	}

	/** Cold path: a control message to the master after the latency. */
	#control(fn: () => void): void {
		this.#engine.timeout(this.#latency, fn);
	}

	#heal(local: number): void {
		const flags = this.#flags[local]!;
		const id = this.#agentId[local];
		if ((flags & FLAG.PARTITIONED) === 0 || id === null || id === undefined) return;
		this.#flags[local] = (flags & ~FLAG.PARTITIONED) | FLAG.REREGISTERING;
		const spec = this.spec(local);
		const reported: ReportedTask[] = [];
		const byFramework = this.#tasks[local];
		if (byFramework !== null && byFramework !== undefined)
			for (const tasks of byFramework.values())
				for (const rec of tasks.values())
					reported.push({ frameworkId: rec.frameworkId, task: rec.task, state: rec.state });
		this.#control(() => {
			this.#master.agentLink(id, true);
			this.#master.reregisterAgent(this, local, id, spec, reported);
		});
	}

	/** After reregistration: resend every stream's head now and restart its backoff (Mesos resume()). */
	#resume(local: number): void {
		const byFramework = this.#tasks[local];
		if (byFramework === null || byFramework === undefined) return;
		for (const tasks of byFramework.values())
			for (const rec of tasks.values()) {
				const head = rec.pending[0];
				if (head === undefined) continue;
				this.#engine.cancel(rec.retryTimer);
				this.#transmit(rec, head, true);
				this.#armRetry(rec, this.#retryMin);
			}
	}

	#planOf(task: TaskInfo): Plan {
		const text = task.command?.value ?? task.executor?.command?.value;
		if (text === undefined) {
			return {
				runMs: 0,
				exitCode: COMMAND_NOT_FOUND,
				notFound: `task has no command: command not found (the simulated agent understands ${UNDERSTOOD_SUBSET})`,
			};
		}
		let plan = this.#planCache.get(text);
		if (plan !== undefined) return plan;
		const parsed = parseCommand(text);
		if ("error" in parsed) {
			plan = {
				runMs: 0,
				exitCode: COMMAND_NOT_FOUND,
				notFound: `${JSON.stringify(text)}: command not found (the simulated agent understands ${UNDERSTOOD_SUBSET}): ${parsed.error}`,
			};
		} else {
			plan = { ...planCommand(parsed), notFound: null };
		}
		if (this.#planCache.size >= PLAN_CACHE_MAX) this.#planCache.clear();
		this.#planCache.set(text, plan);
		return plan;
	}

	/** The task's process is over (exit or kill): no more lifecycle events. */
	#end(rec: TaskRec): void {
		this.#engine.cancel(rec.timer);
		rec.timer = -1;
		rec.live = false;
		this.#liveCount[rec.local]!--;
		this.#liveTotal--;
	}

	/** The task vanishes without updates (crash, framework shutdown); caller unlinks it from the agent. */
	#drop(rec: TaskRec): void {
		if (rec.live) {
			this.#end(rec);
			this.stats.tasksDropped++;
		}
		this.#engine.cancel(rec.retryTimer);
		rec.retryTimer = -1;
		this.#pendingTotal -= rec.pending.length;
		rec.pending.length = 0;
		this.#bySerial.delete(rec.serial);
	}

	/** Terminal and fully acknowledged: the agent forgets the task. */
	#forget(rec: TaskRec): void {
		this.#bySerial.delete(rec.serial);
		const byFramework = this.#tasks[rec.local];
		const tasks = byFramework?.get(rec.frameworkId);
		if (byFramework === null || byFramework === undefined || tasks === undefined) return;
		tasks.delete(rec.taskId);
		if (tasks.size > 0) return;
		byFramework.delete(rec.frameworkId);
		if (byFramework.size === 0) this.#tasks[rec.local] = null;
	}

	/**
	 * Invariant: every unacknowledged update is still being redelivered — the
	 * head of each task's stream has a retry timer armed. Returns the problems
	 * found (empty when the invariant holds). O(tasks with pending updates).
	 */
	auditRedelivery(): string[] {
		const out: string[] = [];
		for (const rec of this.#bySerial.values()) {
			if (rec.pending.length === 0 || this.#host[rec.local] !== HOST.UP) continue;
			if (!this.#engine.isPending(rec.retryTimer)) {
				out.push(
					`agent ${this.#agentId[rec.local]}: update ${rec.pending[0]!.state} of task ${rec.taskId} is not acknowledged and no retry is armed`,
				);
			}
		}
		return out;
	}

	/** Appends an update to the task's stream; sends it now if it is the head. */
	#emit(rec: TaskRec, state: TaskState, message: string | null): void {
		const agentId = this.#agentId[rec.local]!;
		const status: TaskStatus = {
			task_id: { value: rec.taskId },
			state,
			source: "SOURCE_EXECUTOR",
			agent_id: { value: agentId },
			executor_id: { value: rec.taskId },
			timestamp: this.#engine.now / 1000,
			uuid: this.#uuid(),
		};
		if (message !== null) status.message = message;
		rec.state = state;
		rec.pending.push(status);
		this.#pendingTotal++;
		if (rec.pending.length === 1) this.#sendHead(rec, status, false);
	}

	#sendHead(rec: TaskRec, status: TaskStatus, retry: boolean): void {
		this.#transmit(rec, status, retry);
		this.#armRetry(rec, this.#retryMin);
	}

	#armRetry(rec: TaskRec, delay: number): void {
		rec.retryDelay = delay;
		rec.retryTimer = this.#engine.at(this.#engine.now + delay, this, KIND.RETRY, rec.serial);
	}

	/** One transmission of an update: lost while partitioned, else delivered after the latency. */
	#transmit(rec: TaskRec, status: TaskStatus, retry: boolean): void {
		if (retry) this.stats.updatesRetried++;
		else this.stats.updatesSent++;
		const local = rec.local;
		if ((this.#flags[local]! & FLAG.PARTITIONED) !== 0) {
			this.stats.updatesLost++;
			return;
		}
		this.#qAgent.push(this.#agentId[local]!);
		this.#qFramework.push(rec.frameworkId);
		this.#qStatus.push(status);
		this.#engine.at(this.#engine.now + this.#latency, this, KIND.DELIVER);
	}

	#deliver(): void {
		const k = this.#qHead;
		const agentId = this.#qAgent[k];
		const frameworkId = this.#qFramework[k];
		const status = this.#qStatus[k];
		if (agentId === undefined || frameworkId === undefined || status === undefined) return;
		if (k + 1 === this.#qStatus.length) {
			this.#qAgent.length = 0;
			this.#qFramework.length = 0;
			this.#qStatus.length = 0;
			this.#qHead = 0;
		} else if (k >= 4096 && 2 * k >= this.#qStatus.length) {
			this.#qAgent = this.#qAgent.slice(k + 1);
			this.#qFramework = this.#qFramework.slice(k + 1);
			this.#qStatus = this.#qStatus.slice(k + 1);
			this.#qHead = 0;
		} else {
			this.#qHead = k + 1;
		}
		this.#master.statusUpdate(agentId, frameworkId, status);
	}

	/** Base64 of 16 bytes from the fleet's stream, shaped as a version-4 UUID. */
	#uuid(): string {
		const b = this.#uuidBytes;
		for (let k = 0; k < 16; k += 4) {
			const x = this.#rng.int(4_294_967_296);
			b[k] = x >>> 24;
			b[k + 1] = (x >>> 16) & 255;
			b[k + 2] = (x >>> 8) & 255;
			b[k + 3] = x & 255;
		}
		b[6] = (b[6]! & 0x0f) | 0x40;
		b[8] = (b[8]! & 0x3f) | 0x80;
		let out = "";
		for (let k = 0; k < 15; k += 3) {
			const n = (b[k]! << 16) | (b[k + 1]! << 8) | b[k + 2]!;
			out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
		}
		const last = b[15]!;
		return `${out}${B64[last >>> 2]!}${B64[(last & 3) << 4]!}==`;
	}
}

/** TASK_RUNNING delay from the task's `mesosim.io/startup-delay-ms` label (default 0). */
function startupDelay(task: TaskInfo): number {
	const labels = task.labels?.labels;
	if (labels === undefined) return 0;
	for (const l of labels) {
		if (l.key !== STARTUP_DELAY_LABEL) continue;
		const v = Number(l.value);
		return Number.isFinite(v) && v > 0 ? v : 0;
	}
	return 0;
}
