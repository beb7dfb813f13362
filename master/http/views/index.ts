/**
 * Snapshots of the master's state in the shapes Mesos publishes them: the v1
 * operator API's responses (include/mesos/v1/master/master.proto) and the v0
 * JSON endpoints (src/master/readonly_handler.cpp, src/common/http.cpp), plus
 * /metrics/snapshot (src/master/metrics.cpp, docs/monitoring.md).
 *
 * Pure functions of a Master: they read, never change it (expired offer
 * filters are dropped on the way, as any lookup does). Times are the
 * simulated clock's, which is Unix time (the engine's origin: the wall clock
 * at start in live mode, 1970-01-01 in headless runs): seconds (v0,
 * TaskStatus.timestamp) or TimeInfo nanoseconds (v1). Cost: O(agents + tasks
 * + offers) per snapshot; the dashboard should use the operator event stream
 * for deltas, not poll these.
 *
 * Files, bottom up: quantities (resource sums and their two renderings),
 * options, master-info (build, flags, MasterInfo), tasks, frameworks,
 * agents, roles (subtree sums, known roles, quota), metrics, operator-v1
 * (GET_* responses), v0 (endpoint bodies).
 */
export {
	AGENT_CAPABILITIES,
	agentHostname,
	agentInfoV1,
	agentOffered,
	agentOfProcessId,
	agentPid,
	agentProcessId,
	agentTotal,
	agentUsed,
	agentV0,
	agentV1,
	attributesV0,
	isRegisteredAgent,
} from "./agents.js";
export { allFrameworks, frameworkV0, frameworkV1, liveFrameworks } from "./frameworks.js";
export {
	BUILD_INFO,
	formatMesosDuration,
	MESOSIM_COMPONENT,
	masterFlags,
	masterInfoV1,
	versionInfo,
} from "./master-info.js";
export { encodeMetricName, metricsSnapshot } from "./metrics.js";
export {
	getAgents,
	getAgentsBody,
	getExecutors,
	getExecutorsBody,
	getFlags,
	getFrameworks,
	getFrameworksBody,
	getHealth,
	getMaster,
	getMetrics,
	getOperations,
	getQuota,
	getRoles,
	getState,
	getStateBody,
	getTasks,
	getTasksBody,
	getVersion,
	getWeights,
} from "./operator-v1.js";
export type { DrainInfo, StateOptions } from "./options.js";
export { flatResources, type Quantities, v1Resources } from "./quantities.js";
export { tasksOf, taskV0, taskV1 } from "./tasks.js";
export {
	flagsV0,
	frameworksV0,
	rolesV0,
	slavesV0,
	stateSummaryV0,
	stateV0,
	type TasksQuery,
	tasksV0,
} from "./v0.js";
