/**
 * The task table: live tasks by framework and by agent, their transitions and
 * status updates, acknowledgements, reconciliation and KILL; the completed
 * and unreachable lists of each framework.
 *
 * Layout: a live task is in `fw.tasks` (by id) and in the per-agent Set (dense
 * array by agent index); a removed one moves to `fw.completedTasks` or
 * `fw.unreachableTasks` (bounded lists).
 * Invariants: a task's resources are in `cluster.allocated` of its agent and
 * in the allocator's accounting from launch until it is released (terminal or
 * unreachable), exactly once; an update the master makes itself has no uuid
 * and is never acknowledged.
 * Complexity: launch, update, acknowledge O(1); agent events O(its tasks).
 * Guarded by: `mesosim bench engine` (status updates), the determinism tests.
 * Size: ~500 lines, one concern — every change of a task's state goes through
 * the private transition/release/remove steps here, so they stay in one file.
 */
import { ACCEPTED, bad } from "../call-result.js";
import { AGENT_STATE, type AgentState, type Cluster } from "../cluster.js";
import type { ReportedTask } from "../protocol/agent.js";
import {
	type Call,
	type Event,
	isTerminalState,
	type Range,
	type TaskInfo,
	type TaskState,
	type TaskStatus,
	type TaskStatusReason,
} from "../protocol/messages.js";
import { parseResources, rangesAdd, rangesSubtract } from "../protocol/resources.js";
import type { CallResult } from "../protocol/scheduler.js";
import type { FrameworkRecord, MasterObserver, TaskRecord } from "../records.js";

/** The allocator's side of a task (the Allocator is passed as it is). */
export interface TaskAccounting {
	track(fw: FrameworkRecord, role: number, q: Float64Array, sign: 1 | -1, countIt?: boolean): void;
	markCandidate(agent: number): void;
	/** The index of a role by name (created if new). */
	roleIndex(name: string): number;
}

export interface TaskMetrics {
	tasksLaunched: number;
	statusUpdates: number;
	statusUpdateAcks: number;
	taskTransitions: Record<string, number>;
}

/** A task that passed launch validation (offers/accept.ts): what it takes, from which role's offers. */
export interface CheckedTask {
	info: TaskInfo;
	q: Float64Array;
	ports: Range[];
	role: number;
}

/** What the task table needs from the master. */
export interface TaskTableHost {
	readonly cluster: Cluster;
	readonly accounting: TaskAccounting;
	readonly metrics: TaskMetrics;
	/** Read on every use: the runner may replace it. */
	readonly observer: MasterObserver;
	now(): number;
	send(fw: FrameworkRecord, event: Event): void;
	/** Runs `message` after the current event: messages to agents never go synchronously. */
	toAgent(message: () => void): void;
	/** A framework by id (removed ones are forgotten: undefined). */
	framework(id: string): FrameworkRecord | undefined;
	/** The agent was marked gone by the operator. */
	isGone(agentId: string): boolean;
}

const NO_TASKS: ReadonlySet<TaskRecord> = new Set();

export class TaskTable {
	readonly #host: TaskTableHost;
	readonly #cluster: Cluster;
	readonly #byAgent: (Set<TaskRecord> | undefined)[] = [];

	constructor(host: TaskTableHost) {
		this.#host = host;
		this.#cluster = host.cluster;
	}

	/** Keeps the per-agent array dense (far writes would make it a slow dictionary). */
	addAgent(a: number): void {
		while (this.#byAgent.length <= a) this.#byAgent.push(undefined);
	}

	onAgent(a: number): ReadonlySet<TaskRecord> {
		return this.#byAgent[a] ?? NO_TASKS;
	}

	// ---- launch ---------------------------------------------------------------

	/** The apply step of a validated launch on `agent`: resources move to the tasks, the agent runs them. */
	launch(fw: FrameworkRecord, agent: number, checked: readonly CheckedTask[]): void {
		const host = this.#host;
		const cl = this.#cluster;
		const agentId = cl.ids[agent]!;
		const now = host.now();
		for (const c of checked) {
			cl.addAllocated(agent, c.q);
			// Offered → allocated happens when the offer ends: track both sides now
			// (not a new allocation for the DRF tie-break: the offer was). The task's
			// ports left the free list when the offer was made; release() gives them back.
			host.accounting.track(fw, c.role, c.q, 1, false);
			const id = c.info.task_id.value;
			const task: TaskRecord = {
				id,
				fw,
				agent,
				agentId,
				role: c.role,
				q: c.q,
				ports: c.ports,
				info: c.info,
				state: "TASK_STAGING",
				status: {
					task_id: { value: id },
					state: "TASK_STAGING",
					source: "SOURCE_MASTER",
					agent_id: { value: agentId },
					timestamp: now / 1000,
				},
				statuses: [],
				pendingUuid: null,
				released: false,
				launchedAt: now,
				unreachableTime: null,
				reason: null,
			};
			this.#index(task);
			fw.counters.tasksLaunched++;
			host.metrics.tasksLaunched++;
			this.#countState("TASK_STAGING");
			host.observer.taskChanged?.(task, null);
			const endpoint = cl.endpoints[agent]!;
			const local = cl.local[agent]!;
			const info = c.info;
			host.toAgent(() => endpoint.runTask(local, fw.id, info));
		}
	}

	/** Makes a live task findable by framework and by agent. */
	#index(t: TaskRecord): void {
		t.fw.tasks.set(t.id, t);
		let set = this.#byAgent[t.agent];
		if (set === undefined) {
			set = new Set();
			this.#byAgent[t.agent] = set;
		}
		set.add(t);
	}

	// ---- transitions ------------------------------------------------------------

	/** An update the master makes itself about a task it may not know (no uuid, never acknowledged). */
	masterUpdate(
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
			timestamp: this.#host.now() / 1000,
		};
		if (agentId !== undefined) status.agent_id = { value: agentId };
		this.#countState(state);
		this.#host.send(fw, { type: "UPDATE", update: { status } });
	}

	#countState(state: TaskState): void {
		const byState = this.#host.metrics.taskTransitions;
		byState[state] = (byState[state] ?? 0) + 1;
	}

	/** Applies a state to a known task (releasing resources on a terminal state). */
	#transition(t: TaskRecord, status: TaskStatus): void {
		const prev = t.state;
		t.state = status.state;
		t.status = status;
		t.statuses.push({ state: status.state, timestamp: this.#host.now() / 1000 });
		if (status.reason !== undefined) t.reason = status.reason;
		if (prev !== status.state) this.#countState(status.state);
		if (isTerminalState(status.state) || status.state === "TASK_UNREACHABLE") this.#release(t);
		this.#host.observer.taskChanged?.(t, prev);
	}

	#release(t: TaskRecord): void {
		if (t.released) return;
		t.released = true;
		const cl = this.#cluster;
		const a = t.agent;
		cl.releaseAllocated(a, t.q);
		if (t.ports.length > 0) cl.freePorts[a] = rangesAdd(cl.freePorts[a]!, t.ports);
		this.#host.accounting.track(t.fw, t.role, t.q, -1);
		// Mesos does not allocate on recovered resources: the agent waits for the next cycle.
		this.#host.accounting.markCandidate(a);
	}

	/** Releases a task and moves it to its framework's completed list. */
	#remove(t: TaskRecord): void {
		this.#release(t);
		t.fw.tasks.delete(t.id);
		this.#byAgent[t.agent]?.delete(t);
		t.fw.completedTasks.push(t);
	}

	/** Master-made transition of a live task (agent lost, framework removed…). */
	#masterTransition(
		t: TaskRecord,
		state: TaskState,
		reason: TaskStatusReason,
		message: string,
		notify: boolean,
	): void {
		const now = this.#host.now();
		const status: TaskStatus = {
			task_id: { value: t.id },
			state,
			source: "SOURCE_MASTER",
			reason,
			message,
			agent_id: { value: t.agentId },
			timestamp: now / 1000,
		};
		if (state === "TASK_UNREACHABLE") {
			t.unreachableTime = now;
			status.unreachable_time = { nanoseconds: now * 1e6 };
		}
		this.#transition(t, status);
		t.pendingUuid = null;
		if (notify) this.#host.send(t.fw, { type: "UPDATE", update: { status } });
	}

	/** A status update from an agent, forwarded to the framework (MasterAgentApi.statusUpdate). */
	statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
		const host = this.#host;
		host.metrics.statusUpdates++;
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return;
		const st = cl.state[a];
		if (st === AGENT_STATE.UNREACHABLE || st === AGENT_STATE.REMOVED || st === AGENT_STATE.GONE) return;
		const fw = host.framework(frameworkId);
		if (fw === undefined || fw.removed) return;
		const t = fw.tasks.get(status.task_id.value);
		if (t !== undefined && t.agent === a) {
			if (!t.released || isTerminalState(status.state)) {
				if (t.state !== status.state || t.status.uuid !== status.uuid) this.#transition(t, status);
			}
			t.pendingUuid = status.uuid ?? null;
		}
		if (fw.connected) host.send(fw, { type: "UPDATE", update: { status } });
	}

	// ---- calls: KILL, ACKNOWLEDGE, RECONCILE --------------------------------------

	kill(fw: FrameworkRecord, call: Call): CallResult {
		const taskId = call.kill?.task_id?.value;
		if (typeof taskId !== "string") return bad(400, "Expecting 'kill.task_id' to be present");
		const t = fw.tasks.get(taskId);
		if (t === undefined) {
			this.masterUpdate(
				fw,
				taskId,
				call.kill?.agent_id?.value,
				"TASK_LOST",
				"REASON_RECONCILIATION",
				"Attempted to kill an unknown task",
			);
			return ACCEPTED;
		}
		if (t.released) return ACCEPTED;
		const endpoint = this.#cluster.endpoints[t.agent]!;
		const local = this.#cluster.local[t.agent]!;
		this.#host.toAgent(() => endpoint.killTask(local, fw.id, taskId));
		return ACCEPTED;
	}

	acknowledge(fw: FrameworkRecord, call: Call): CallResult {
		const ack = call.acknowledge;
		const agentId = ack?.agent_id?.value;
		const taskId = ack?.task_id?.value;
		const uuid = ack?.uuid;
		if (typeof agentId !== "string" || typeof taskId !== "string" || typeof uuid !== "string") {
			return bad(400, "Expecting 'acknowledge' with 'agent_id', 'task_id' and 'uuid'");
		}
		if (!/^[A-Za-z0-9+/]{22}==$/.test(uuid)) return bad(400, "'acknowledge.uuid' is not a valid UUID");
		this.#host.metrics.statusUpdateAcks++;
		const a = this.#cluster.indexOf(agentId);
		if (a < 0) return ACCEPTED;
		const t = fw.tasks.get(taskId);
		if (t !== undefined && t.agent === a && t.pendingUuid === uuid) {
			t.pendingUuid = null;
			if (isTerminalState(t.state)) this.#remove(t);
		}
		const endpoint = this.#cluster.endpoints[a]!;
		const local = this.#cluster.local[a]!;
		this.#host.toAgent(() => endpoint.acknowledge(local, fw.id, taskId, uuid));
		return ACCEPTED;
	}

	reconcile(fw: FrameworkRecord, call: Call): CallResult {
		const list = call.reconcile?.tasks ?? [];
		if (!Array.isArray(list)) return bad(400, "'reconcile.tasks' must be a list");
		if (list.length === 0) {
			// Implicit: the latest state of every task the master knows, unreachable ones included.
			for (const t of fw.tasks.values()) this.#sendReconciled(fw, t);
			for (const t of fw.unreachableTasks.items()) {
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
			this.masterUpdate(
				fw,
				taskId,
				agentId,
				this.#unknownTaskState(fw.partitionAware, agentId),
				"REASON_RECONCILIATION",
				"Reconciliation: task is unknown",
			);
		}
		return ACCEPTED;
	}

	/** The state explicit reconciliation reports for a task the master does not know (Master::reconcile). */
	#unknownTaskState(partitionAware: boolean, agentId: string | undefined): TaskState {
		if (!partitionAware) return "TASK_LOST";
		if (agentId === undefined) return "TASK_UNKNOWN";
		const a = this.#cluster.indexOf(agentId);
		if (this.#host.isGone(agentId)) return "TASK_GONE_BY_OPERATOR";
		if (a < 0) return "TASK_UNKNOWN";
		if (this.#cluster.state[a] === AGENT_STATE.UNREACHABLE) return "TASK_UNREACHABLE";
		return "TASK_GONE";
	}

	#sendReconciled(fw: FrameworkRecord, t: TaskRecord): void {
		const status: TaskStatus = {
			task_id: { value: t.id },
			state: t.state,
			source: "SOURCE_MASTER",
			reason: "REASON_RECONCILIATION",
			message: "Reconciliation: Latest task state",
			agent_id: { value: t.agentId },
			timestamp: this.#host.now() / 1000,
		};
		if (t.unreachableTime !== null) status.unreachable_time = { nanoseconds: t.unreachableTime * 1e6 };
		this.#host.send(fw, { type: "UPDATE", update: { status } });
	}

	// ---- framework and agent events ------------------------------------------------

	/** A framework is removed: its live tasks are killed (not told: its stream ends) and completed. Returns their agents. */
	frameworkRemoved(fw: FrameworkRecord): Set<number> {
		const agents = new Set<number>();
		for (const t of [...fw.tasks.values()]) {
			agents.add(t.agent);
			if (!t.released)
				this.#masterTransition(t, "TASK_KILLED", "REASON_FRAMEWORK_REMOVED", "Framework removed", false);
			this.#remove(t);
		}
		return agents;
	}

	/** The agent's connection dropped: tasks of frameworks that do not checkpoint die with it. */
	agentDisconnected(a: number): void {
		for (const t of [...this.onAgent(a)]) {
			if (t.released || t.fw.checkpoint) continue;
			this.#masterTransition(t, "TASK_LOST", "REASON_AGENT_DISCONNECTED", "Agent disconnected", true);
			this.#remove(t);
		}
	}

	/** The agent is taken out (`to`): its live tasks become unreachable, gone or lost, by partition awareness. */
	agentRemoved(a: number, to: AgentState, reason: TaskStatusReason): void {
		const byAgent = this.#byAgent[a];
		const message = `Agent ${this.#cluster.ids[a]} removed`;
		for (const t of [...this.onAgent(a)]) {
			if (t.released) {
				byAgent?.delete(t);
				continue;
			}
			const state = removedTaskState(t.fw.partitionAware, to);
			this.#masterTransition(t, state, reason, message, true);
			t.fw.tasks.delete(t.id);
			byAgent?.delete(t);
			if (state === "TASK_UNREACHABLE") t.fw.unreachableTasks.push(t);
			else t.fw.completedTasks.push(t);
		}
	}

	/**
	 * MARK_AGENT_GONE of an agent already unreachable (Master::markGone): its
	 * unreachable tasks end, TASK_GONE_BY_OPERATOR (TASK_LOST for frameworks
	 * that are not partition-aware), and move to the completed lists.
	 */
	unreachableAgentGone(a: number, frameworks: readonly FrameworkRecord[]): void {
		const message = "Agent has been marked gone";
		for (const fw of frameworks) {
			const onAgent = (t: TaskRecord) => t.agent === a && !fw.tasks.has(t.id);
			const gone = fw.unreachableTasks.items().filter(onAgent);
			if (gone.length === 0) continue;
			fw.unreachableTasks.removeWhere(onAgent);
			const state = removedTaskState(fw.partitionAware, AGENT_STATE.GONE);
			const reason = fw.partitionAware ? "REASON_AGENT_REMOVED_BY_OPERATOR" : "REASON_AGENT_REMOVED";
			for (const t of gone) {
				this.#masterTransition(t, state, reason, message, true);
				fw.completedTasks.push(t);
			}
		}
	}

	/**
	 * An agent reregistered with the tasks it runs: partition-aware tasks the
	 * master had lost come back, tasks the agent no longer has are gone (or
	 * lost). Returns the ids of frameworks the agent must shut down.
	 */
	agentReregistered(a: number, reported: readonly ReportedTask[], wasUnreachable: boolean): Set<string> {
		const host = this.#host;
		const seen = new Set<string>();
		const shutdown = new Set<string>();
		for (const rt of reported) {
			const fw = host.framework(rt.frameworkId);
			seen.add(`${rt.frameworkId}\u0000${rt.task.task_id.value}`);
			if (fw === undefined || fw.removed) {
				shutdown.add(rt.frameworkId);
				continue;
			}
			const known = fw.tasks.get(rt.task.task_id.value);
			if (known !== undefined && known.agent === a && !known.released) continue;
			// Every task of a framework that is not completed comes back, partition-aware
			// or not, and the framework hears its latest state from the master
			// (Master::__reregisterSlave since Mesos 1.5, MESOS-7215; docs/mesos-rules.md §5).
			const t = this.#restore(fw, a, rt);
			this.masterUpdate(
				fw,
				t.id,
				t.agentId,
				t.state,
				"REASON_AGENT_REREGISTERED",
				wasUnreachable ? "Unreachable agent re-reregistered" : "Unknown agent reregistered",
			);
		}
		for (const t of [...this.onAgent(a)]) {
			if (t.released) continue;
			if (!seen.has(`${t.fw.id}\u0000${t.id}`)) {
				const pa = t.fw.partitionAware;
				this.#masterTransition(
					t,
					pa ? "TASK_GONE" : "TASK_LOST",
					"REASON_AGENT_RESTARTED",
					"Task is unknown to the agent",
					true,
				);
				this.#remove(t);
			}
		}
		return shutdown;
	}

	#restore(fw: FrameworkRecord, a: number, rt: ReportedTask): TaskRecord {
		const host = this.#host;
		const parsed = parseResources(rt.task.resources);
		const q = Float64Array.of(
			parsed.quantities.cpus,
			parsed.quantities.mem,
			parsed.quantities.disk,
			parsed.quantities.gpus,
		);
		const cl = this.#cluster;
		const roleName = rt.task.resources?.find((r) => r?.allocation_info?.role !== undefined)?.allocation_info
			?.role;
		const role = host.accounting.roleIndex(roleName ?? fw.roles[0] ?? "*");
		cl.addAllocated(a, q);
		if (parsed.quantities.ports.length > 0)
			cl.freePorts[a] = rangesSubtract(cl.freePorts[a]!, parsed.quantities.ports);
		host.accounting.track(fw, role, q, 1);
		const id = rt.task.task_id.value;
		const live = fw.tasks.get(id);
		if (live !== undefined) this.#byAgent[live.agent]?.delete(live);
		// The master's earlier record of the task: still live (a terminal copy), or in
		// the unreachable or completed list. Its view before: the state it last gave
		// the task there, else unreachable or lost (a framework that is not
		// partition-aware was told TASK_LOST).
		let earlier = live;
		let previous: TaskState = fw.partitionAware ? "TASK_UNREACHABLE" : "TASK_LOST";
		const forget = (x: TaskRecord): boolean => {
			if (x.id !== id) return false;
			previous = x.state;
			earlier ??= x;
			return true;
		};
		fw.unreachableTasks.removeWhere(forget);
		fw.completedTasks.removeWhere(forget);
		const now = host.now();
		// The history goes on: the task keeps its launch time and earlier states.
		const statuses = earlier?.statuses ?? [];
		statuses.push({ state: rt.state, timestamp: now / 1000 });
		const t: TaskRecord = {
			id,
			fw,
			agent: a,
			agentId: cl.ids[a]!,
			role,
			q,
			ports: parsed.quantities.ports,
			info: rt.task,
			state: rt.state,
			status: {
				task_id: { value: id },
				state: rt.state,
				source: "SOURCE_AGENT",
				agent_id: { value: cl.ids[a]! },
				timestamp: now / 1000,
			},
			statuses,
			pendingUuid: null,
			released: false,
			launchedAt: earlier?.launchedAt ?? now,
			unreachableTime: null,
			reason: null,
		};
		this.#index(t);
		host.observer.taskChanged?.(t, previous);
		return t;
	}
}

/** The state of a live task whose agent is taken out (Master::removeAgent, markAgentGone). */
function removedTaskState(partitionAware: boolean, to: AgentState): TaskState {
	if (!partitionAware) return "TASK_LOST";
	if (to === AGENT_STATE.UNREACHABLE) return "TASK_UNREACHABLE";
	if (to === AGENT_STATE.GONE) return "TASK_GONE_BY_OPERATOR";
	return "TASK_GONE";
}
