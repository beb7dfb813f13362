/**
 * Responses of the v1 operator API's read calls (include/mesos/v1/master/
 * master.proto, src/master/http.cpp): GET_HEALTH, GET_FLAGS, GET_VERSION,
 * GET_METRICS, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS,
 * GET_STATE, GET_ROLES, GET_WEIGHTS, GET_QUOTA, GET_MASTER, GET_OPERATIONS.
 * The *Body functions are the inner messages, which GET_STATE and the
 * operator event stream's SUBSCRIBED reuse.
 */
import type { Master } from "../../master.js";
import { agentV1, registeredAgents } from "./agents.js";
import { allFrameworks, frameworkV1, liveFrameworks } from "./frameworks.js";
import { masterFlags, masterInfoV1, versionInfo } from "./master-info.js";
import { metricsSnapshot } from "./metrics.js";
import type { StateOptions } from "./options.js";
import { type Json, plus, secs, v1Resources } from "./quantities.js";
import { quotaLimits, rolesWithQuantities, sortedRoles } from "./roles.js";
import { tasksOf, taskV1 } from "./tasks.js";

export function getHealth(): Json {
	return { type: "GET_HEALTH", get_health: { healthy: true } };
}

export function getFlags(m: Master): Json {
	return {
		type: "GET_FLAGS",
		get_flags: { flags: Object.entries(masterFlags(m)).map(([name, value]) => ({ name, value })) },
	};
}

export function getVersion(m: Master): Json {
	return { type: "GET_VERSION", get_version: { version_info: versionInfo(m) } };
}

export function getMetrics(m: Master, opts: StateOptions = {}): Json {
	const snap = metricsSnapshot(m, opts);
	return {
		type: "GET_METRICS",
		get_metrics: { metrics: Object.entries(snap).map(([name, value]) => ({ name, value })) },
	};
}

export function getAgentsBody(m: Master, opts: StateOptions = {}): Json {
	return { agents: registeredAgents(m).map((a) => agentV1(m, a, opts)), recovered_agents: [] };
}

export function getAgents(m: Master, opts: StateOptions = {}): Json {
	return { type: "GET_AGENTS", get_agents: getAgentsBody(m, opts) };
}

export function getFrameworksBody(m: Master): Json {
	return {
		frameworks: liveFrameworks(m).map((f) => frameworkV1(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV1(m, f)),
		recovered_frameworks: [],
	};
}

export function getFrameworks(m: Master): Json {
	return { type: "GET_FRAMEWORKS", get_frameworks: getFrameworksBody(m) };
}

export function getTasksBody(m: Master): Json {
	const tasks: Json[] = [];
	const unreachable: Json[] = [];
	const completed: Json[] = [];
	for (const fw of allFrameworks(m)) {
		const t = tasksOf(fw);
		for (const x of t.live) tasks.push(taskV1(m, x));
		for (const x of t.unreachable) unreachable.push(taskV1(m, x));
		for (const x of t.completed) completed.push(taskV1(m, x));
	}
	return {
		pending_tasks: [],
		tasks,
		unreachable_tasks: unreachable,
		completed_tasks: completed,
		orphan_tasks: [],
	};
}

export function getTasks(m: Master): Json {
	return { type: "GET_TASKS", get_tasks: getTasksBody(m) };
}

export function getExecutorsBody(m: Master): Json {
	const executors: Json[] = [];
	const seen = new Set<string>();
	for (const fw of liveFrameworks(m)) {
		for (const t of fw.tasks.values()) {
			const e = t.info.executor;
			if (e === undefined) continue;
			const key = `${fw.id}\u0000${t.agentId}\u0000${e.executor_id.value}`;
			if (seen.has(key)) continue;
			seen.add(key);
			executors.push({
				executor_info: { ...e, framework_id: { value: fw.id } },
				agent_id: { value: t.agentId },
			});
		}
	}
	return { executors, orphan_executors: [] };
}

export function getExecutors(m: Master): Json {
	return { type: "GET_EXECUTORS", get_executors: getExecutorsBody(m) };
}

export function getState(m: Master, opts: StateOptions = {}): Json {
	return {
		type: "GET_STATE",
		get_state: getStateBody(m, opts),
	};
}

export function getStateBody(m: Master, opts: StateOptions = {}): Json {
	return {
		get_tasks: getTasksBody(m),
		get_executors: getExecutorsBody(m),
		get_frameworks: getFrameworksBody(m),
		get_agents: getAgentsBody(m, opts),
	};
}

export function getRoles(m: Master): Json {
	const roles = rolesWithQuantities(m).map(({ idx, allocated, offered }) => {
		const r = m.allocator.roles[idx]!;
		const limits = quotaLimits(m, idx);
		return {
			name: r.name,
			weight: r.weight,
			frameworks: [...r.frameworks].filter((f) => !f.removed).map((f) => ({ value: f.id })),
			// Deprecated in Mesos for allocated + offered, which it is.
			resources: v1Resources(plus(allocated, offered), r.name),
			allocated: v1Resources(allocated, r.name),
			offered: v1Resources(offered, r.name),
			reserved: [],
			quota: {
				role: r.name,
				limit: Object.entries(limits).map(([name, v]) => ({
					name,
					type: "SCALAR",
					scalar: { value: v.value },
				})),
				guarantee: [],
				consumed: v1Resources({ ...plus(allocated, offered), ports: [] }),
			},
		};
	});
	return { type: "GET_ROLES", get_roles: { roles } };
}

export function getWeights(m: Master): Json {
	const weight_infos = sortedRoles(m)
		.map((i) => m.allocator.roles[i]!)
		.filter((r) => r.weight !== 1)
		.map((r) => ({ weight: r.weight, role: r.name }));
	return { type: "GET_WEIGHTS", get_weights: { weight_infos } };
}

export function getQuota(m: Master): Json {
	const configs: Json[] = [];
	const infos: Json[] = [];
	for (const idx of sortedRoles(m)) {
		const r = m.allocator.roles[idx]!;
		if (!r.hasLimit) continue;
		const limits = quotaLimits(m, idx);
		configs.push({ role: r.name, guarantees: {}, limits });
		infos.push({ role: r.name, guarantee: [] });
	}
	return { type: "GET_QUOTA", get_quota: { status: { infos, configs } } };
}

export function getMaster(m: Master): Json {
	return {
		type: "GET_MASTER",
		get_master: {
			master_info: masterInfoV1(m),
			start_time: secs(m.startedAt),
			elected_time: secs(m.startedAt),
		},
	};
}

export function getOperations(): Json {
	return { type: "GET_OPERATIONS", get_operations: { operations: [] } };
}
