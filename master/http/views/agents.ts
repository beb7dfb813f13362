/**
 * Agent views: an agent's total, used and offered resources, its v1 AgentInfo
 * and GET_AGENTS entry (include/mesos/v1/master/master.proto) and its v0
 * /master/state `slaves[]` entry (src/common/http.cpp, readonly_handler.cpp).
 *
 * Agents are libprocess processes `slave(N)` on the master's own address, as
 * in `mesos-local` (N = agent index + 1): the stock web UI reads an agent's
 * pages from `//<hostname>:<port of pid>/slave(N)/...` (agent-pages.ts).
 */
import { AGENT_STATE } from "../../cluster.js";
import type { Master } from "../../master.js";
import type { Attribute } from "../../protocol/messages.js";
import { emptyQuantities, formatRanges } from "../../protocol/resources.js";
import { masterAddress } from "./master-info.js";
import type { DrainInfo, StateOptions } from "./options.js";
import {
	addInto,
	finish,
	flatResources,
	type Json,
	type Quantities,
	secs,
	timeInfo,
	v1Resources,
} from "./quantities.js";

/** Registered agents: connected or not, deactivated or draining; not unreachable, removed or gone. */
export function isRegisteredAgent(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return (
		s === AGENT_STATE.ACTIVE ||
		s === AGENT_STATE.DISCONNECTED ||
		s === AGENT_STATE.DEACTIVATED ||
		s === AGENT_STATE.DRAINING
	);
}

/** Indices of the registered agents, in order. */
export function registeredAgents(m: Master): number[] {
	const out: number[] = [];
	for (let a = 0; a < m.cluster.size; a++) if (isRegisteredAgent(m, a)) out.push(a);
	return out;
}

export function agentTotal(m: Master, a: number): Quantities {
	const cl = m.cluster;
	return {
		cpus: cl.total[0]![a]!,
		mem: cl.total[1]![a]!,
		disk: cl.total[2]![a]!,
		gpus: cl.total[3]![a]!,
		ports: cl.totalPorts[a] ?? [],
	};
}

export function agentOffered(m: Master, a: number): Quantities {
	const q = emptyQuantities();
	for (const o of m.offersOnAgent(a)) addInto(q, o.q, o.ports);
	return finish(q);
}

export function agentUsed(m: Master, a: number): Quantities {
	const q = emptyQuantities();
	for (const t of m.tasksOnAgent(a)) if (!t.released) addInto(q, t.q, t.ports);
	return finish(q);
}

export function attributesV0(attrs: readonly Attribute[]): Record<string, string | number> {
	const out: Record<string, string | number> = {};
	for (const at of attrs) {
		if (at.type === "SCALAR" && at.scalar !== undefined) out[at.name] = at.scalar.value;
		else if (at.type === "TEXT" && at.text !== undefined) out[at.name] = at.text.value;
		else if (at.type === "RANGES" && at.ranges !== undefined) out[at.name] = formatRanges(at.ranges.range);
		else if (at.type === "SET" && at.set !== undefined) out[at.name] = `{${at.set.item.join(",")}}`;
	}
	return out;
}

/** The libprocess process id of agent `a`: `slave(a + 1)`. */
export function agentProcessId(a: number): string {
	return `slave(${a + 1})`;
}

/** The agent index of a process id `slave(N)`, or -1. */
export function agentOfProcessId(m: Master, processId: string): number {
	const match = /^slave\((\d{1,9})\)$/.exec(processId);
	if (match === null) return -1;
	const a = Number(match[1]) - 1;
	return a >= 0 && a < m.cluster.size ? a : -1;
}

/** Agent `a`'s libprocess pid, `slave(N)@ip:port` on the master's address. */
export function agentPid(m: Master, a: number): string {
	return `${agentProcessId(a)}@${masterAddress(m)}`;
}

/** The hostname the HTTP views give an agent: its own, or the master's (StateOptions.agentsOnMasterHost). */
export function agentHostname(m: Master, a: number, opts: StateOptions): string {
	return opts.agentsOnMasterHost === true ? m.masterInfo().hostname : m.cluster.hostnames[a]!;
}

function agentActive(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return s === AGENT_STATE.ACTIVE || s === AGENT_STATE.DEACTIVATED || s === AGENT_STATE.DRAINING;
}

function agentDeactivated(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return s === AGENT_STATE.DEACTIVATED || s === AGENT_STATE.DRAINING;
}

/** SlaveInfo.Capability types every agent reports. */
export const AGENT_CAPABILITIES: readonly string[] = [
	"MULTI_ROLE",
	"HIERARCHICAL_ROLE",
	"RESERVATION_REFINEMENT",
];

/** Mesos's DrainInfo message: `mark_gone` has a default, so JSON::Protobuf always writes it. */
function drainInfoJson(d: DrainInfo): Json {
	return { state: d.state, config: { mark_gone: d.markGone } };
}

export function agentInfoV1(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	return {
		hostname: agentHostname(m, a, opts),
		port: m.masterInfo().port,
		resources: v1Resources(agentTotal(m, a)),
		attributes: cl.attributes[a] ?? [],
		id: { value: cl.ids[a]! },
	};
}

export function agentV1(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	const out: Json = {
		agent_info: agentInfoV1(m, a, opts),
		active: agentActive(m, a),
		deactivated: agentDeactivated(m, a),
		version: m.masterInfo().version,
		pid: agentPid(m, a),
		registered_time: timeInfo(cl.registeredAt[a]!),
		total_resources: v1Resources(agentTotal(m, a)),
		allocated_resources: v1Resources(agentUsed(m, a)),
		offered_resources: v1Resources(agentOffered(m, a)),
		capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
	};
	const drain = opts.drains?.get(a);
	if (drain !== undefined) out.drain_info = drainInfoJson(drain);
	return out;
}

export function agentV0(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	const total = agentTotal(m, a);
	const used = agentUsed(m, a);
	const offered = agentOffered(m, a);
	const out: Json = {
		id: cl.ids[a]!,
		pid: agentPid(m, a),
		hostname: agentHostname(m, a, opts),
		port: m.masterInfo().port,
		registered_time: secs(cl.registeredAt[a]!),
		resources: flatResources(total),
		used_resources: flatResources(used),
		offered_resources: flatResources(offered),
		reserved_resources: {},
		unreserved_resources: flatResources(total),
		attributes: attributesV0(cl.attributes[a] ?? []),
		active: agentActive(m, a),
		deactivated: agentDeactivated(m, a),
		version: m.masterInfo().version,
		capabilities: AGENT_CAPABILITIES,
	};
	// The stock UI shows a deactivated agent with drain_info as "Draining"/"Drained".
	const drain = opts.drains?.get(a);
	if (drain !== undefined) out.drain_info = drainInfoJson(drain);
	return out;
}
