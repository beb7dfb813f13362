/**
 * The small in-process agent protocol (register, reregister, status update,
 * acknowledgement, kill, shutdown, link state). Agents live in fleets: one
 * object serves many agents, each named by the fleet's own dense index
 * (`local`), so 60k agents cost no per-agent endpoint object.
 *
 * Rule: neither side calls the other synchronously from inside a call it is
 * handling; messages are delivered through engine events, so the master never
 * sees re-entrant calls.
 */
import type { Attribute, Range, TaskInfo, TaskState, TaskStatus } from "./messages.js";

/** What an agent announces when it (re)registers. */
export interface AgentSpec {
	hostname: string;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
	attributes: Attribute[];
}

/** A task an agent still runs, reported when it reregisters. */
export interface ReportedTask {
	frameworkId: string;
	task: TaskInfo;
	state: TaskState;
}

/** Master -> agents. Implemented by an agent fleet. */
export interface AgentEndpoint {
	/** Registration (or reregistration) accepted; the agent now has `agentId`. */
	registered(local: number, agentId: string): void;
	runTask(local: number, frameworkId: string, task: TaskInfo): void;
	killTask(local: number, frameworkId: string, taskId: string): void;
	/** The framework acknowledged the status update with this uuid. */
	acknowledge(local: number, frameworkId: string, taskId: string, uuid: string): void;
	/** Kill all of a framework's tasks on this agent and forget the framework. */
	shutdownFramework(local: number, frameworkId: string): void;
	/** Framework message to an executor (delivered, otherwise ignored). */
	frameworkMessage(local: number, frameworkId: string, executorId: string, data: string): void;
}

/** Agents -> master. */
export interface MasterAgentApi {
	registerAgent(endpoint: AgentEndpoint, local: number, spec: AgentSpec): void;
	reregisterAgent(
		endpoint: AgentEndpoint,
		local: number,
		agentId: string,
		spec: AgentSpec,
		tasks: ReportedTask[],
	): void;
	/** A status update from the agent (carries a uuid; resent until acknowledged). */
	statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void;
	/** The agent's connection dropped (process or host crash): the master deactivates it. */
	agentExited(agentId: string): void;
	/**
	 * Pings to this agent stop (`false`) or resume (`true`) getting through
	 * (network partition). The master's agent observer counts missed pings
	 * on its own ping schedule; see docs/architecture.md for the model.
	 */
	agentLink(agentId: string, up: boolean): void;
}
