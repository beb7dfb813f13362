/**
 * /metrics/snapshot (and GET_METRICS): the master's and allocator's metrics
 * under Mesos's key names (src/master/metrics.cpp,
 * src/master/allocator/mesos/metrics.cpp, docs/monitoring.md).
 */
import { AGENT_STATE } from "../../cluster.js";
import type { Master } from "../../master.js";
import type { TaskState } from "../../protocol/messages.js";
import { fixed, SCALAR_NAMES } from "../../protocol/resources.js";
import { isRegisteredAgent } from "./agents.js";
import { liveFrameworks } from "./frameworks.js";
import type { StateOptions } from "./options.js";
import { secs } from "./quantities.js";
import { sortedRoles } from "./roles.js";

/** Percent-encodes a framework name as libprocess's http::encode does for metric keys. */
export function encodeMetricName(name: string): string {
	return encodeURIComponent(name).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

const TERMINAL_COUNTERS: readonly [string, TaskState][] = [
	["tasks_finished", "TASK_FINISHED"],
	["tasks_failed", "TASK_FAILED"],
	["tasks_killed", "TASK_KILLED"],
	["tasks_lost", "TASK_LOST"],
	["tasks_error", "TASK_ERROR"],
	["tasks_dropped", "TASK_DROPPED"],
	["tasks_gone", "TASK_GONE"],
	["tasks_gone_by_operator", "TASK_GONE_BY_OPERATOR"],
];

const CALL_MESSAGES: readonly [string, string][] = [
	["messages_launch_tasks", "ACCEPT"],
	["messages_decline_offers", "DECLINE"],
	["messages_revive_offers", "REVIVE"],
	["messages_suppress_offers", "SUPPRESS"],
	["messages_kill_task", "KILL"],
	["messages_status_update_acknowledgement", "ACKNOWLEDGE"],
	["messages_operation_status_update_acknowledgement", "ACKNOWLEDGE_OPERATION_STATUS"],
	["messages_reconcile_tasks", "RECONCILE"],
	["messages_reconcile_operations", "RECONCILE_OPERATIONS"],
	["messages_framework_to_executor", "MESSAGE"],
	["messages_resource_request", "REQUEST"],
	["messages_unregister_framework", "TEARDOWN"],
];

/**
 * /metrics/snapshot: a flat {name: number} map with Mesos's key names, sorted.
 * Not reported: wall-clock timers (allocator/mesos/allocation_run_ms...), which
 * live outside the deterministic core.
 */
export function metricsSnapshot(m: Master, opts: StateOptions = {}): Record<string, number> {
	const out: Record<string, number> = {};
	const cl = m.cluster;
	const put = (k: string, v: number) => {
		out[k] = Number.isFinite(v) ? v : 0;
	};

	// Resources.
	const total = m.allocator.total;
	const used = [0, 0, 0, 0];
	const offered = [0, 0, 0, 0];
	let sActive = 0;
	let sConnected = 0;
	let sDisconnected = 0;
	let sInactive = 0;
	let sUnreachable = 0;
	for (let a = 0; a < cl.size; a++) {
		const s = cl.state[a];
		if (s === AGENT_STATE.UNREACHABLE) sUnreachable++;
		if (!isRegisteredAgent(m, a)) continue;
		for (let k = 0; k < 4; k++) {
			used[k]! += cl.allocated[k]![a]!;
			offered[k]! += cl.offered[k]![a]!;
		}
		if (s === AGENT_STATE.DISCONNECTED) sDisconnected++;
		else sConnected++;
		if (s === AGENT_STATE.ACTIVE) sActive++;
		else sInactive++;
	}
	for (let k = 0; k < 4; k++) {
		const n = SCALAR_NAMES[k]!;
		const t = total[k]!;
		put(`master/${n}_total`, fixed(t));
		put(`master/${n}_used`, fixed(used[k]!));
		put(`master/${n}_percent`, t > 0 ? used[k]! / t : 0);
		put(`master/${n}_revocable_total`, 0);
		put(`master/${n}_revocable_used`, 0);
		put(`master/${n}_revocable_percent`, 0);
		put(`allocator/mesos/resources/${n}/total`, fixed(t));
		put(`allocator/mesos/resources/${n}/offered_or_allocated`, fixed(used[k]! + offered[k]!));
	}
	put("master/elected", 1);
	put("master/uptime_secs", secs(m.now - m.startedAt));
	put("master/slaves_active", sActive);
	put("master/slaves_connected", sConnected);
	put("master/slaves_disconnected", sDisconnected);
	put("master/slaves_inactive", sInactive);
	put("master/slaves_unreachable", sUnreachable);

	// Frameworks and tasks.
	let fActive = 0;
	let fConnected = 0;
	let fDisconnected = 0;
	let fInactive = 0;
	const live: Record<string, number> = {
		TASK_STAGING: 0,
		TASK_STARTING: 0,
		TASK_RUNNING: 0,
		TASK_KILLING: 0,
		TASK_UNREACHABLE: 0,
	};
	for (const fw of liveFrameworks(m)) {
		if (fw.active) fActive++;
		else fInactive++;
		if (fw.connected) fConnected++;
		else fDisconnected++;
		const perState: Record<string, number> = {};
		for (const t of fw.tasks.values()) {
			if (live[t.state] !== undefined) live[t.state]!++;
			perState[t.state] = (perState[t.state] ?? 0) + 1;
		}
		const unreachable = fw.unreachableTasks.size;
		live.TASK_UNREACHABLE! += unreachable;
		const prefix = `master/frameworks/${encodeMetricName(fw.info.name)}/${fw.id}/`;
		put(`${prefix}subscribed`, fw.connected ? 1 : 0);
		let calls = 0;
		for (const [type, n] of Object.entries(fw.counters.callsByType)) {
			calls += n;
			put(`${prefix}calls/${type.toLowerCase()}`, n);
		}
		put(`${prefix}calls`, calls);
		put(`${prefix}offers/sent`, fw.counters.offersSent);
		put(`${prefix}offers/accepted`, fw.counters.offersAccepted);
		put(`${prefix}offers/declined`, fw.counters.offersDeclined);
		put(`${prefix}offers/rescinded`, fw.counters.offersRescinded);
		for (const s of ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE"]) {
			const n = s === "TASK_UNREACHABLE" ? unreachable : (perState[s] ?? 0);
			put(`${prefix}tasks/active/${s.toLowerCase()}`, n);
		}
		for (const role of fw.roles) put(`${prefix}roles/${role}/suppressed`, fw.suppressed.has(role) ? 1 : 0);
	}
	put("master/frameworks_active", fActive);
	put("master/frameworks_connected", fConnected);
	put("master/frameworks_disconnected", fDisconnected);
	put("master/frameworks_inactive", fInactive);
	put("master/outstanding_offers", m.outstandingOffers);
	put("master/operator_event_stream_subscribers", opts.operatorSubscribers ?? 0);
	put("master/tasks_staging", live.TASK_STAGING!);
	put("master/tasks_starting", live.TASK_STARTING!);
	put("master/tasks_running", live.TASK_RUNNING!);
	put("master/tasks_killing", live.TASK_KILLING!);
	put("master/tasks_unreachable", live.TASK_UNREACHABLE!);
	const byState = m.metrics.taskTransitions;
	for (const [key, state] of TERMINAL_COUNTERS) put(`master/${key}`, byState[state] ?? 0);

	// Messages.
	const calls = m.metrics.callsByType;
	for (const [key, type] of CALL_MESSAGES) put(`master/${key}`, calls[type] ?? 0);
	put("master/messages_register_framework", m.metrics.frameworkSubscribes);
	put("master/messages_reregister_framework", 0);
	put("master/messages_register_slave", m.metrics.agentRegistrations);
	put("master/messages_reregister_slave", m.metrics.agentReregistrations);
	put("master/messages_status_update", m.metrics.statusUpdates);
	put("master/valid_status_updates", m.metrics.statusUpdates);
	put("master/invalid_status_updates", 0);
	put("master/valid_status_update_acknowledgements", m.metrics.statusUpdateAcks);
	put("master/invalid_status_update_acknowledgements", 0);
	put("master/slave_registrations", m.metrics.agentRegistrations);
	put("master/slave_reregistrations", m.metrics.agentReregistrations);
	put("master/slave_removals", m.metrics.agentRemovals);
	put("master/slave_unreachable_completed", m.metrics.agentsUnreachable);
	put("master/slave_unreachable_canceled", m.metrics.agentsUnreachableCanceled);
	put("master/dropped_messages", 0);
	put("master/event_queue_messages", 0);
	put("master/event_queue_dispatches", opts.eventQueue ?? 0);
	put("master/event_queue_http_requests", 0);

	// Allocator.
	put("allocator/mesos/allocation_runs", m.allocator.cycles);
	put("allocator/mesos/event_queue_dispatches", 0);
	for (const idx of sortedRoles(m)) {
		const r = m.allocator.roles[idx]!;
		if (m.allocator.roleSorter.has(r.name)) {
			put(`allocator/mesos/roles/${r.name}/shares/dominant`, m.allocator.roleSorter.dominantShare(r.name));
		}
		let filters = 0;
		for (const fw of r.frameworks) filters += fw.filters.activeForRole(idx, m.now);
		if (r.frameworks.size > 0) put(`allocator/mesos/offer_filters/roles/${r.name}/active`, filters);
		if (r.hasLimit) {
			for (let k = 0; k < 4; k++) {
				const lim = r.limit[k]!;
				if (!Number.isFinite(lim)) continue;
				const base = `allocator/mesos/quota/roles/${r.name}/resources/${SCALAR_NAMES[k]}`;
				put(`${base}/limit`, lim);
				put(`${base}/offered_or_allocated`, fixed(r.consumed[k]!));
			}
		}
	}
	const sorted: Record<string, number> = {};
	for (const k of Object.keys(out).sort()) sorted[k] = out[k]!;
	return sorted;
}
