/**
 * Builders for Mesos v1 scheduler Calls (JSON form, see
 * master/protocol/messages.ts). Pure functions: the driver's FrameworkContext
 * uses them, and so can any transport or test. `frameworkId` null leaves
 * framework_id out (only meaningful for a first SUBSCRIBE).
 */
import type {
	Call,
	CallType,
	FrameworkInfo,
	Operation,
	TaskInfo,
	TaskStatus,
} from "../../master/protocol/index.js";

function base(type: CallType, frameworkId: string | null): Call {
	return frameworkId === null ? { type } : { type, framework_id: { value: frameworkId } };
}

function filters(refuseSeconds: number | undefined): { filters?: { refuse_seconds: number } } {
	return refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } };
}

/** SUBSCRIBE; with a known id both call.framework_id and framework_info.id carry it (resubscription). */
export function subscribeCall(
	info: FrameworkInfo,
	frameworkId: string | null,
	suppressedRoles?: readonly string[],
): Call {
	const framework_info: FrameworkInfo = frameworkId === null ? info : { ...info, id: { value: frameworkId } };
	const call = base("SUBSCRIBE", frameworkId);
	call.subscribe =
		suppressedRoles === undefined
			? { framework_info }
			: { framework_info, suppressed_roles: [...suppressedRoles] };
	return call;
}

export function launchOperation(tasks: readonly TaskInfo[]): Operation {
	return { type: "LAUNCH", launch: { task_infos: [...tasks] } };
}

export function acceptCall(
	frameworkId: string | null,
	offerIds: readonly string[],
	operations: readonly Operation[],
	refuseSeconds?: number,
): Call {
	const call = base("ACCEPT", frameworkId);
	call.accept = {
		offer_ids: offerIds.map((value) => ({ value })),
		operations: [...operations],
		...filters(refuseSeconds),
	};
	return call;
}

export function declineCall(
	frameworkId: string | null,
	offerIds: readonly string[],
	refuseSeconds?: number,
): Call {
	const call = base("DECLINE", frameworkId);
	call.decline = { offer_ids: offerIds.map((value) => ({ value })), ...filters(refuseSeconds) };
	return call;
}

/** REVIVE; no roles = all of the framework's roles. */
export function reviveCall(frameworkId: string | null, roles?: readonly string[]): Call {
	const call = base("REVIVE", frameworkId);
	if (roles !== undefined) call.revive = { roles: [...roles] };
	return call;
}

/** SUPPRESS; no roles = all of the framework's roles. */
export function suppressCall(frameworkId: string | null, roles?: readonly string[]): Call {
	const call = base("SUPPRESS", frameworkId);
	if (roles !== undefined) call.suppress = { roles: [...roles] };
	return call;
}

export function killCall(frameworkId: string | null, taskId: string, agentId?: string): Call {
	const call = base("KILL", frameworkId);
	call.kill =
		agentId === undefined
			? { task_id: { value: taskId } }
			: { task_id: { value: taskId }, agent_id: { value: agentId } };
	return call;
}

/**
 * ACKNOWLEDGE for a status update, or null when it must not be acknowledged:
 * no uuid (the master made it) or no agent id.
 */
export function acknowledgeCall(frameworkId: string | null, status: TaskStatus): Call | null {
	if (status.uuid === undefined || status.uuid === "" || status.agent_id === undefined) return null;
	const call = base("ACKNOWLEDGE", frameworkId);
	call.acknowledge = {
		agent_id: { value: status.agent_id.value },
		task_id: { value: status.task_id.value },
		uuid: status.uuid,
	};
	return call;
}

export interface ReconcileTask {
	taskId: string;
	agentId?: string;
}

/** RECONCILE; no tasks (or an empty list) = implicit reconciliation of all tasks. */
export function reconcileCall(frameworkId: string | null, tasks?: readonly ReconcileTask[]): Call {
	const call = base("RECONCILE", frameworkId);
	call.reconcile = {
		tasks: (tasks ?? []).map((t) =>
			t.agentId === undefined
				? { task_id: { value: t.taskId } }
				: { task_id: { value: t.taskId }, agent_id: { value: t.agentId } },
		),
	};
	return call;
}

export function teardownCall(frameworkId: string | null): Call {
	return base("TEARDOWN", frameworkId);
}

export function messageCall(
	frameworkId: string | null,
	agentId: string,
	executorId: string,
	data: string,
): Call {
	const call = base("MESSAGE", frameworkId);
	call.message = { agent_id: { value: agentId }, executor_id: { value: executorId }, data };
	return call;
}

export function updateFrameworkCall(
	frameworkId: string | null,
	info: FrameworkInfo,
	suppressedRoles?: readonly string[],
): Call {
	const framework_info: FrameworkInfo = frameworkId === null ? info : { ...info, id: { value: frameworkId } };
	const call = base("UPDATE_FRAMEWORK", frameworkId);
	call.update_framework =
		suppressedRoles === undefined
			? { framework_info }
			: { framework_info, suppressed_roles: [...suppressedRoles] };
	return call;
}

/** Number of tasks an ACCEPT's LAUNCH / LAUNCH_GROUP operations start. */
export function launchedTaskCount(operations: readonly Operation[] | null | undefined): number {
	let n = 0;
	for (const op of operations ?? []) {
		if (op.type === "LAUNCH") n += op.launch?.task_infos?.length ?? 0;
		else if (op.type === "LAUNCH_GROUP") n += op.launch_group?.task_group?.tasks?.length ?? 0;
	}
	return n;
}
