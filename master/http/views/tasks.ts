/**
 * Task views: the v1 Task message (include/mesos/v1/mesos.proto, GET_TASKS)
 * and the v0 task object of /master/state and /master/tasks
 * (src/common/http.cpp model(Task)), and a framework's tasks by kind.
 */
import type { Master } from "../../master.js";
import type { TaskStatus } from "../../protocol/messages.js";
import type { FrameworkRecord, TaskRecord } from "../../records.js";
import { flatResources, type Json } from "./quantities.js";

function taskStatuses(t: TaskRecord): TaskStatus[] {
	return t.statuses.map((s) => ({
		task_id: { value: t.id },
		state: s.state,
		agent_id: { value: t.agentId },
		timestamp: s.timestamp,
	}));
}

export function taskV1(_m: Master, t: TaskRecord): Json {
	const out: Json = {
		name: t.info.name,
		task_id: { value: t.id },
		framework_id: { value: t.fw.id },
		agent_id: { value: t.agentId },
		state: t.state,
		resources: t.info.resources ?? [],
		statuses: taskStatuses(t),
	};
	if (t.info.executor !== undefined) out.executor_id = t.info.executor.executor_id;
	if (t.statuses.length > 0) out.status_update_state = t.state;
	if (t.status.uuid !== undefined) out.status_update_uuid = t.status.uuid;
	if (t.info.labels !== undefined) out.labels = t.info.labels;
	if (t.info.kill_policy !== undefined) out.kill_policy = t.info.kill_policy;
	if (t.info.container !== undefined) out.container = t.info.container;
	if (t.info.health_check !== undefined) out.health_check = t.info.health_check;
	const user = t.fw.info.user;
	if (user !== undefined) out.user = user;
	return out;
}

export function taskV0(m: Master, t: TaskRecord): Json {
	const out: Json = {
		id: t.id,
		name: t.info.name,
		framework_id: t.fw.id,
		executor_id: t.info.executor?.executor_id.value ?? "",
		slave_id: t.agentId,
		state: t.state,
		resources: flatResources({ cpus: t.q[0]!, mem: t.q[1]!, disk: t.q[2]!, gpus: t.q[3]!, ports: t.ports }),
		role: m.allocator.roles[t.role]?.name ?? "*",
		statuses: t.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp })),
	};
	if (t.info.labels !== undefined) out.labels = t.info.labels.labels ?? [];
	return out;
}

/** Live tasks (including terminal ones awaiting acknowledgement), unreachable, completed. */
export function tasksOf(fw: FrameworkRecord): {
	live: TaskRecord[];
	unreachable: TaskRecord[];
	completed: TaskRecord[];
} {
	return {
		live: [...fw.tasks.values()],
		unreachable: fw.unreachableTasks.items(),
		completed: fw.completedTasks.items(),
	};
}
