/**
 * The agent registry: the master's side of agents — register, reregister,
 * link up and down, unreachable, gone, deactivate/reactivate, drain. (The
 * simulated agents themselves live in the top-level agents/ folder.)
 *
 * Agent health follows Mesos's ping observer: an agent whose link goes down
 * misses the next ping and is unreachable after --max_agent_ping_timeouts
 * timeouts in a row (Master::markUnreachable); a partition-aware framework's
 * tasks come back if it reregisters. Each link change bumps the agent's link
 * generation, so a pending unreachable check for an older link does nothing.
 * Agents are struct-of-arrays in cluster.ts; this file holds no per-agent
 * state of its own but the set of agents marked gone.
 */
import { AGENT_STATE, type AgentState, type Cluster } from "./cluster.js";
import type { MasterFlags } from "./flags.js";
import type { OfferBook } from "./offers/book.js";
import type { AgentEndpoint, AgentSpec, ReportedTask } from "./protocol/agent.js";
import type { Event, TaskStatusReason } from "./protocol/messages.js";
import { normalizeRanges } from "./protocol/resources.js";
import type { FrameworkRecord, MasterObserver } from "./records.js";
import { RemovalLimiter } from "./removal-limiter.js";
import type { TaskTable } from "./tasks/table.js";

/** The allocator's side of agents (the Allocator is passed as it is). */
export interface AgentAccounting {
	agentTotals(agent: number, sign: 1 | -1): void;
	markCandidate(agent: number): void;
}

export interface AgentMetrics {
	agentRegistrations: number;
	agentReregistrations: number;
	agentRemovals: number;
	agentsUnreachable: number;
	/** Health-check removals that waited for a permit and were cancelled (the agent came back). */
	agentsUnreachableCanceled: number;
}

/** What the registry needs from the master. */
export interface AgentRegistryHost {
	readonly masterId: string;
	readonly cluster: Cluster;
	readonly accounting: AgentAccounting;
	readonly offers: Pick<OfferBook, "addAgent" | "rescindOnAgent">;
	readonly tasks: Pick<
		TaskTable,
		| "addAgent"
		| "onAgent"
		| "agentDisconnected"
		| "agentRemoved"
		| "agentReregistered"
		| "unreachableAgentGone"
	>;
	readonly frameworks: readonly FrameworkRecord[];
	readonly flags: Readonly<
		Pick<MasterFlags, "agentPingTimeoutMs" | "maxAgentPingTimeouts" | "agentRemovalRateLimit">
	>;
	readonly metrics: AgentMetrics;
	/** Read on every use: the runner may replace it. */
	readonly observer: MasterObserver;
	now(): number;
	/** Runs `message` after the current event: messages to agents never go synchronously. */
	toAgent(message: () => void): void;
	/** At `time` the master calls unreachableCheck(agent, linkGeneration). */
	armUnreachableCheck(time: number, agent: number, linkGeneration: number): void;
	/** At `time` the master calls removalPermitDue() (--agent_removal_rate_limit). */
	armRemovalPermit(time: number): void;
	/** Asks for an allocation cycle soon, for `agent`. */
	requestCycle(agent: number): void;
	send(fw: FrameworkRecord, event: Event): void;
}

type Out = (typeof AGENT_STATE)["UNREACHABLE" | "REMOVED" | "GONE"];

export class AgentRegistry {
	readonly #host: AgentRegistryHost;
	readonly #cluster: Cluster;
	readonly #gone = new Set<string>();
	/** null: no --agent_removal_rate_limit, agents are marked unreachable at once. */
	readonly #limiter: RemovalLimiter | null;
	#nextAgent = 0;

	constructor(host: AgentRegistryHost) {
		this.#host = host;
		this.#cluster = host.cluster;
		const rate = host.flags.agentRemovalRateLimit;
		this.#limiter =
			rate === null
				? null
				: new RemovalLimiter(rate, {
						now: () => host.now(),
						armPermit: (time) => host.armRemovalPermit(time),
						stillDue: (a, generation) => this.#stillDue(a, generation),
						grant: (a) => this.#markUnreachable(a),
						cancelled: () => host.metrics.agentsUnreachableCanceled++,
					});
	}

	/** The operator marked this agent gone: it may never come back. */
	isGone(agentId: string): boolean {
		return this.#gone.has(agentId);
	}

	register(endpoint: AgentEndpoint, local: number, spec: AgentSpec): void {
		const host = this.#host;
		host.metrics.agentRegistrations++;
		// A rebooted host registers anew: the old, disconnected agent at that host goes.
		const old = this.#disconnectedByHost(spec.hostname);
		if (old >= 0) this.#remove(old, "REASON_AGENT_RESTARTED", AGENT_STATE.REMOVED);
		const id = `${host.masterId}-S${this.#nextAgent++}`;
		const a = this.#add(id, spec, endpoint, local);
		host.toAgent(() => endpoint.registered(local, id));
		host.requestCycle(a);
	}

	#disconnectedByHost(hostname: string): number {
		const cl = this.#cluster;
		if (cl.disconnectedCount === 0) return -1; // none: no need to scan every agent
		for (let i = 0; i < cl.size; i++) {
			if (cl.state[i] === AGENT_STATE.DISCONNECTED && cl.hostnames[i] === hostname) return i;
		}
		return -1;
	}

	#add(id: string, spec: AgentSpec, endpoint: AgentEndpoint, local: number): number {
		const host = this.#host;
		const ports = normalizeRanges(spec.ports);
		const a = this.#cluster.add(id, { ...spec, ports }, endpoint, local, host.now());
		host.offers.addAgent(a);
		host.tasks.addAgent(a);
		this.#cluster.setState(a, AGENT_STATE.ACTIVE);
		host.accounting.agentTotals(a, 1);
		host.observer.agentChanged?.(a);
		return a;
	}

	reregister(
		endpoint: AgentEndpoint,
		local: number,
		agentId: string,
		spec: AgentSpec,
		tasks: ReportedTask[],
	): void {
		const host = this.#host;
		host.metrics.agentReregistrations++;
		const cl = this.#cluster;
		let a = cl.indexOf(agentId);
		if (this.#gone.has(agentId) || (a >= 0 && cl.state[a] === AGENT_STATE.REMOVED)) {
			// Mesos refuses agents marked gone or removed (here: replaced by a new
			// registration from their host); they are told to shut down
			// (Master::reregisterSlave, "Agent attempted to re-register after removal").
			for (const t of tasks) host.toAgent(() => endpoint.shutdownFramework(local, t.frameworkId));
			return;
		}
		let wasUnreachable = false;
		if (a < 0) {
			a = this.#add(agentId, spec, endpoint, local);
		} else {
			const st = cl.state[a];
			wasUnreachable = st === AGENT_STATE.UNREACHABLE;
			cl.endpoints[a] = endpoint;
			cl.local[a] = local;
			cl.linkDown[a] = 0;
			cl.nextLinkGeneration(a);
			if (st === AGENT_STATE.UNREACHABLE) {
				cl.setState(a, AGENT_STATE.ACTIVE);
				host.accounting.agentTotals(a, 1);
			} else if (st === AGENT_STATE.DISCONNECTED) {
				cl.setState(a, AGENT_STATE.ACTIVE);
			}
		}
		// Reconcile what the agent runs with what the master knows.
		const shutdown = host.tasks.agentReregistered(a, tasks, wasUnreachable);
		for (const fwId of shutdown) host.toAgent(() => endpoint.shutdownFramework(local, fwId));
		host.toAgent(() => endpoint.registered(local, agentId));
		host.accounting.markCandidate(a);
		host.observer.agentChanged?.(a);
		host.requestCycle(a);
	}

	/**
	 * The agent process exited (its connection closed). A deactivated or
	 * draining agent is disconnected too (Mesos disconnects any registered
	 * agent); it comes back active (the operator's deactivation or drain is not
	 * kept across the disconnection: see docs/mesos-rules.md §5).
	 */
	exited(agentId: string): void {
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return;
		const st = cl.state[a];
		if (st !== AGENT_STATE.ACTIVE && st !== AGENT_STATE.DEACTIVATED && st !== AGENT_STATE.DRAINING) return;
		cl.setState(a, AGENT_STATE.DISCONNECTED);
		this.#host.offers.rescindOnAgent(a);
		this.#host.tasks.agentDisconnected(a);
		this.link(agentId, false);
		this.#host.observer.agentChanged?.(a);
	}

	link(agentId: string, up: boolean): void {
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return;
		if (up) {
			cl.nextLinkGeneration(a); // cancels the unreachable check armed when it went down
			cl.linkDown[a] = 0;
			return;
		}
		// Down while already down (a partitioned agent's host crashes): the check
		// armed when the link went down stands, as the observer's pings go on.
		if (cl.linkDown[a] === 1) return;
		const generation = cl.nextLinkGeneration(a);
		cl.linkDown[a] = 1;
		// The observer pings every agentPingTimeout from registration on; the first
		// ping after the link went down is missed, and after maxAgentPingTimeouts
		// timeouts in a row the agent is unreachable.
		const { agentPingTimeoutMs: p, maxAgentPingTimeouts } = this.#host.flags;
		const registeredAt = cl.registeredAt[a]!;
		const nextPing = registeredAt + Math.ceil((this.#host.now() - registeredAt) / p) * p;
		this.#host.armUnreachableCheck(nextPing + maxAgentPingTimeouts * p, a, generation);
	}

	/**
	 * The unreachable check armed by link(): the agent is unreachable if that
	 * link is still down. With --agent_removal_rate_limit it first waits for a
	 * permit, and the removal is cancelled if the agent answers (its link comes
	 * up, it reregisters) before then, as Mesos's SlaveObserver does. The sim
	 * takes the reregistration itself as the answer; Mesos takes the pong to
	 * the next ping, at most one --agent_ping_timeout later.
	 */
	unreachableCheck(a: number, linkGeneration: number): void {
		if (!this.#stillDue(a, linkGeneration)) return;
		if (this.#limiter === null) this.#markUnreachable(a);
		else this.#limiter.acquire(a, linkGeneration);
	}

	/** The timer armed for the removal rate limiter: the next waiting agent's turn. */
	removalPermitDue(): void {
		this.#limiter?.permitDue();
	}

	/** The link that went down at `linkGeneration` is still down and the agent is still in. */
	#stillDue(a: number, linkGeneration: number): boolean {
		const cl = this.#cluster;
		return cl.linkDown[a] === 1 && cl.linkGen[a] === linkGeneration && !isOut(cl.state[a] as AgentState);
	}

	#markUnreachable(a: number): void {
		this.#host.metrics.agentsUnreachable++;
		this.#remove(a, "REASON_AGENT_REMOVED", AGENT_STATE.UNREACHABLE);
	}

	/** Takes an agent out (unreachable, replaced, gone): tasks, offers, totals; frameworks get FAILURE. */
	#remove(a: number, reason: TaskStatusReason, to: Out): void {
		const host = this.#host;
		const cl = this.#cluster;
		host.metrics.agentRemovals++;
		host.offers.rescindOnAgent(a);
		host.tasks.agentRemoved(a, to, reason);
		const wasIn = !isOut(cl.state[a] as AgentState);
		cl.setState(a, to);
		if (wasIn) host.accounting.agentTotals(a, -1);
		for (const fw of host.frameworks) {
			if (fw.connected) host.send(fw, { type: "FAILURE", failure: { agent_id: { value: cl.ids[a]! } } });
		}
		host.observer.agentChanged?.(a);
	}

	/** Operator MARK_AGENT_GONE: tasks become TASK_GONE_BY_OPERATOR (or LOST). */
	markGone(agentId: string): boolean {
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0 || this.#gone.has(agentId)) return false;
		this.#gone.add(agentId);
		if (cl.state[a] === AGENT_STATE.UNREACHABLE) {
			// Already out (Master::markGone for an agent not registered): its
			// unreachable tasks end; no second FAILURE, no second removal.
			cl.setState(a, AGENT_STATE.GONE);
			this.#host.tasks.unreachableAgentGone(a, this.#host.frameworks);
			this.#host.observer.agentChanged?.(a);
			return true;
		}
		this.#remove(a, "REASON_AGENT_REMOVED_BY_OPERATOR", AGENT_STATE.GONE);
		const endpoint = cl.endpoints[a]!;
		const local = cl.local[a]!;
		for (const fw of this.#host.frameworks)
			this.#host.toAgent(() => endpoint.shutdownFramework(local, fw.id));
		return true;
	}

	/** Operator DEACTIVATE_AGENT / REACTIVATE_AGENT (no offers while deactivated). */
	setActive(agentId: string, active: boolean): boolean {
		const host = this.#host;
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return false;
		const st = cl.state[a];
		if (!active && (st === AGENT_STATE.ACTIVE || st === AGENT_STATE.DRAINING)) {
			cl.setState(a, AGENT_STATE.DEACTIVATED);
			host.offers.rescindOnAgent(a);
		} else if (active && (st === AGENT_STATE.DEACTIVATED || st === AGENT_STATE.DRAINING)) {
			cl.setState(a, AGENT_STATE.ACTIVE);
			host.accounting.markCandidate(a);
			host.requestCycle(a);
		} else return st === (active ? AGENT_STATE.ACTIVE : AGENT_STATE.DEACTIVATED);
		host.observer.agentChanged?.(a);
		return true;
	}

	/**
	 * Operator DRAIN_AGENT: the agent gets no more offers (state DRAINING), its
	 * outstanding offers are rescinded and every live task on it is killed
	 * (through the agent, so frameworks see TASK_KILLED). The HTTP layer tracks
	 * when it is drained and marks it gone if asked. False for an unknown agent
	 * or one that is not connected.
	 */
	drain(agentId: string): boolean {
		const host = this.#host;
		const cl = this.#cluster;
		const a = cl.indexOf(agentId);
		if (a < 0) return false;
		const st = cl.state[a];
		if (st !== AGENT_STATE.ACTIVE && st !== AGENT_STATE.DEACTIVATED && st !== AGENT_STATE.DRAINING)
			return false;
		cl.setState(a, AGENT_STATE.DRAINING);
		host.offers.rescindOnAgent(a);
		const endpoint = cl.endpoints[a]!;
		const local = cl.local[a]!;
		for (const t of host.tasks.onAgent(a)) {
			if (t.released) continue;
			const fwId = t.fw.id;
			const taskId = t.id;
			host.toAgent(() => endpoint.killTask(local, fwId, taskId));
		}
		host.observer.agentChanged?.(a);
		return true;
	}
}

/** The agent is out of the cluster (its resources are not in the totals). */
function isOut(st: AgentState): boolean {
	return st === AGENT_STATE.UNREACHABLE || st === AGENT_STATE.REMOVED || st === AGENT_STATE.GONE;
}
