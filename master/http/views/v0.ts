/**
 * Bodies of the v0 JSON endpoints (src/master/readonly_handler.cpp,
 * src/common/http.cpp): /master/state, /master/state-summary,
 * /master/frameworks, /master/slaves, /master/tasks, /master/roles and
 * /master/flags. The routes that serve them are ../v0.ts.
 */
import { AGENT_STATE } from "../../cluster.js";
import type { Master } from "../../master.js";
import type { TaskState } from "../../protocol/messages.js";
import type { TaskRecord } from "../../records.js";
import { agentV0, isRegisteredAgent, registeredAgents } from "./agents.js";
import { allFrameworks, frameworkSummaryV0, frameworkV0, liveFrameworks } from "./frameworks.js";
import { BUILD_INFO, MASTER_CAPABILITIES, masterAddressJson, masterFlags, masterPid } from "./master-info.js";
import type { StateOptions } from "./options.js";
import { flatResources, type Json, plus, secs } from "./quantities.js";
import { quotaLimits, rolesWithQuantities } from "./roles.js";
import { tasksOf, taskV0 } from "./tasks.js";

function agentCounts(m: Master): { activated: number; deactivated: number; unreachable: number } {
	let activated = 0;
	let deactivated = 0;
	let unreachable = 0;
	for (let a = 0; a < m.cluster.size; a++) {
		const s = m.cluster.state[a];
		if (s === AGENT_STATE.UNREACHABLE) unreachable++;
		else if (!isRegisteredAgent(m, a)) continue;
		else if (s === AGENT_STATE.ACTIVE) activated++;
		else deactivated++;
	}
	return { activated, deactivated, unreachable };
}

function leaderInfo(m: Master): Json {
	const mi = m.masterInfo();
	return {
		id: mi.id,
		pid: masterPid(m),
		port: mi.port,
		ip: mi.ip,
		hostname: mi.hostname,
		version: mi.version,
		address: masterAddressJson(m),
	};
}

export function stateV0(m: Master, opts: StateOptions = {}): Json {
	const mi = m.masterInfo();
	const counts = agentCounts(m);
	return {
		version: mi.version,
		...BUILD_INFO,
		start_time: secs(m.startedAt),
		elected_time: secs(m.startedAt),
		id: mi.id,
		pid: masterPid(m),
		hostname: mi.hostname,
		capabilities: MASTER_CAPABILITIES,
		activated_slaves: counts.activated,
		deactivated_slaves: counts.deactivated,
		unreachable_slaves: counts.unreachable,
		leader: masterPid(m),
		leader_info: leaderInfo(m),
		flags: masterFlags(m),
		slaves: registeredAgents(m).map((a) => agentV0(m, a, opts)),
		recovered_slaves: [],
		frameworks: liveFrameworks(m).map((f) => frameworkV0(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV0(m, f)),
		orphan_tasks: [],
		unregistered_frameworks: [],
	};
}

const SUMMARY_STATES: readonly TaskState[] = [
	"TASK_STAGING",
	"TASK_STARTING",
	"TASK_RUNNING",
	"TASK_KILLING",
	"TASK_FINISHED",
	"TASK_KILLED",
	"TASK_FAILED",
	"TASK_LOST",
	"TASK_ERROR",
	"TASK_UNREACHABLE",
];

function emptyCounts(): Record<string, number> {
	const o: Record<string, number> = {};
	for (const s of SUMMARY_STATES) o[s] = 0;
	return o;
}

export function stateSummaryV0(m: Master, opts: StateOptions = {}): Json {
	const perAgent = new Map<number, { counts: Record<string, number>; fws: Set<string> }>();
	const frameworks: Json[] = [];
	const agentOf = (a: number) => {
		let x = perAgent.get(a);
		if (x === undefined) {
			x = { counts: emptyCounts(), fws: new Set() };
			perAgent.set(a, x);
		}
		return x;
	};
	for (const fw of liveFrameworks(m)) {
		const counts = emptyCounts();
		const agents = new Set<string>();
		const t = tasksOf(fw);
		for (const task of [...t.live, ...t.unreachable, ...t.completed]) {
			if (counts[task.state] !== undefined) counts[task.state]!++;
			const x = agentOf(task.agent);
			if (x.counts[task.state] !== undefined) x.counts[task.state]!++;
			if (!task.released) {
				agents.add(task.agentId);
				x.fws.add(fw.id);
			}
		}
		frameworks.push({ ...frameworkSummaryV0(m, fw), ...counts, slave_ids: [...agents] });
	}
	const slaves = registeredAgents(m).map((a) => {
		const x = perAgent.get(a);
		return {
			...agentV0(m, a, opts),
			...(x?.counts ?? emptyCounts()),
			framework_ids: [...(x?.fws ?? [])],
		};
	});
	return { hostname: m.masterInfo().hostname, slaves, frameworks };
}

export function frameworksV0(m: Master): Json {
	return {
		frameworks: liveFrameworks(m).map((f) => frameworkV0(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV0(m, f)),
		unregistered_frameworks: [],
	};
}

export function slavesV0(m: Master, opts: StateOptions = {}): Json {
	return { slaves: registeredAgents(m).map((a) => agentV0(m, a, opts)), recovered_slaves: [] };
}

export interface TasksQuery {
	limit?: number;
	offset?: number;
	order?: "asc" | "des";
	frameworkId?: string;
	taskId?: string;
}

/** /master/tasks: live, unreachable and completed tasks; limit (100), offset, order by launch time (des). */
export function tasksV0(m: Master, q: TasksQuery = {}): Json {
	const all: TaskRecord[] = [];
	for (const fw of allFrameworks(m)) {
		if (q.frameworkId !== undefined && fw.id !== q.frameworkId) continue;
		const t = tasksOf(fw);
		for (const x of [...t.live, ...t.unreachable, ...t.completed]) {
			if (q.taskId !== undefined && x.id !== q.taskId) continue;
			all.push(x);
		}
	}
	const dir = q.order === "asc" ? 1 : -1;
	all.sort((a, b) => dir * (a.launchedAt - b.launchedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const offset = Math.max(0, q.offset ?? 0);
	const limit = Math.max(0, q.limit ?? 100);
	return { tasks: all.slice(offset, offset + limit).map((t) => taskV0(m, t)) };
}

export function rolesV0(m: Master): Json {
	const roles = rolesWithQuantities(m).map(({ idx, allocated, offered }) => {
		const r = m.allocator.roles[idx]!;
		const limits = quotaLimits(m, idx);
		const limitFlat: Record<string, number> = {};
		for (const [k, v] of Object.entries(limits)) limitFlat[k] = v.value;
		return {
			name: r.name,
			weight: r.weight,
			frameworks: [...r.frameworks].filter((f) => !f.removed).map((f) => f.id),
			resources: flatResources(plus(allocated, offered)),
			allocated: flatResources(allocated),
			offered: flatResources(offered),
			reserved: {},
			quota: { role: r.name, guarantee: {}, limit: limitFlat, consumed: flatResources(allocated) },
		};
	});
	return { roles };
}

export function flagsV0(m: Master): Json {
	return { flags: masterFlags(m) };
}
