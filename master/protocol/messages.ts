/**
 * Mesos v1 messages in their JSON form (proto field names in snake_case, enums
 * as strings), as in include/mesos/v1/{mesos,scheduler/scheduler}.proto.
 * In-process frameworks exchange exactly these objects with the master, so the
 * HTTP API only has to (de)serialize them.
 */

export interface Value {
	value: string;
}

export interface Range {
	begin: number;
	end: number;
}

export type ResourceType = "SCALAR" | "RANGES" | "SET" | "TEXT";

export interface AllocationInfo {
	role?: string;
}

export interface Resource {
	name: string;
	type: ResourceType;
	scalar?: { value: number };
	ranges?: { range: Range[] };
	set?: { item: string[] };
	role?: string;
	allocation_info?: AllocationInfo;
}

export interface Attribute {
	name: string;
	type: "SCALAR" | "RANGES" | "SET" | "TEXT";
	scalar?: { value: number };
	text?: { value: string };
	ranges?: { range: Range[] };
	set?: { item: string[] };
}

export interface Label {
	key: string;
	value?: string;
}

export interface Labels {
	labels: Label[];
}

export type FrameworkCapabilityType =
	| "REVOCABLE_RESOURCES"
	| "TASK_KILLING_STATE"
	| "GPU_RESOURCES"
	| "SHARED_RESOURCES"
	| "PARTITION_AWARE"
	| "MULTI_ROLE"
	| "RESERVATION_REFINEMENT"
	| "REGION_AWARE";

export interface OfferFilters {
	min_allocatable_resources?: {
		quantities: { quantities: Record<string, { value: number }> }[];
	};
}

export interface FrameworkInfo {
	user: string;
	name: string;
	id?: Value;
	failover_timeout?: number;
	checkpoint?: boolean;
	role?: string;
	roles?: string[];
	hostname?: string;
	principal?: string;
	webui_url?: string;
	labels?: Labels;
	capabilities?: { type: FrameworkCapabilityType }[];
	offer_filters?: Record<string, OfferFilters>;
}

export interface Offer {
	id: Value;
	framework_id: Value;
	agent_id: Value;
	hostname: string;
	resources: Resource[];
	attributes?: Attribute[];
	executor_ids?: Value[];
	allocation_info?: AllocationInfo;
}

export interface CommandInfo {
	value?: string;
	shell?: boolean;
	arguments?: string[];
	uris?: { value: string }[] | null;
	environment?: { variables: { name: string; value?: string }[] };
}

export interface ExecutorInfo {
	executor_id: Value;
	framework_id?: Value;
	type?: "DEFAULT" | "CUSTOM";
	command?: CommandInfo;
	resources?: Resource[];
	name?: string;
}

export interface KillPolicy {
	grace_period?: { nanoseconds: number };
}

export interface TaskInfo {
	name: string;
	task_id: Value;
	agent_id: Value;
	resources: Resource[];
	executor?: ExecutorInfo;
	command?: CommandInfo;
	container?: unknown;
	health_check?: unknown;
	kill_policy?: KillPolicy;
	data?: string;
	labels?: Labels;
}

export type TaskState =
	| "TASK_STAGING"
	| "TASK_STARTING"
	| "TASK_RUNNING"
	| "TASK_KILLING"
	| "TASK_FINISHED"
	| "TASK_FAILED"
	| "TASK_KILLED"
	| "TASK_ERROR"
	| "TASK_LOST"
	| "TASK_DROPPED"
	| "TASK_UNREACHABLE"
	| "TASK_GONE"
	| "TASK_GONE_BY_OPERATOR"
	| "TASK_UNKNOWN";

export type TaskStatusSource = "SOURCE_MASTER" | "SOURCE_AGENT" | "SOURCE_EXECUTOR";

export type TaskStatusReason =
	| "REASON_COMMAND_EXECUTOR_FAILED"
	| "REASON_EXECUTOR_TERMINATED"
	| "REASON_FRAMEWORK_REMOVED"
	| "REASON_INVALID_OFFERS"
	| "REASON_MASTER_DISCONNECTED"
	| "REASON_CONTAINER_LIMITATION_MEMORY"
	| "REASON_RECONCILIATION"
	| "REASON_AGENT_DISCONNECTED"
	| "REASON_AGENT_REMOVED"
	| "REASON_AGENT_RESTARTED"
	| "REASON_AGENT_REREGISTERED"
	| "REASON_AGENT_UNKNOWN"
	| "REASON_TASK_INVALID"
	| "REASON_TASK_UNAUTHORIZED"
	| "REASON_TASK_UNKNOWN"
	| "REASON_CONTAINER_PREEMPTED"
	| "REASON_CONTAINER_LAUNCH_FAILED"
	| "REASON_TASK_KILLED_DURING_LAUNCH"
	| "REASON_AGENT_REMOVED_BY_OPERATOR"
	| "REASON_AGENT_DRAINING";

export interface TaskStatus {
	task_id: Value;
	state: TaskState;
	message?: string;
	source?: TaskStatusSource;
	reason?: TaskStatusReason;
	data?: string;
	agent_id?: Value;
	executor_id?: Value;
	/** Seconds since the epoch of the simulation (simulated time / 1000). */
	timestamp?: number;
	/** Base64 of a 16-byte UUID; absent on updates the master makes itself. */
	uuid?: string;
	healthy?: boolean;
	unreachable_time?: { nanoseconds: number };
}

export interface Filters {
	refuse_seconds?: number;
}

export type OperationType = "LAUNCH" | "LAUNCH_GROUP" | "RESERVE" | "UNRESERVE" | "CREATE" | "DESTROY";

export interface Operation {
	type: OperationType;
	id?: Value;
	launch?: { task_infos: TaskInfo[] };
	launch_group?: { executor: ExecutorInfo; task_group: { tasks: TaskInfo[] } };
	reserve?: { resources: Resource[] };
	unreserve?: { resources: Resource[] };
	create?: { volumes: Resource[] };
	destroy?: { volumes: Resource[] };
}

// ---- Calls (scheduler.proto Call) -------------------------------------------

export type CallType =
	| "SUBSCRIBE"
	| "TEARDOWN"
	| "ACCEPT"
	| "DECLINE"
	| "ACCEPT_INVERSE_OFFERS"
	| "DECLINE_INVERSE_OFFERS"
	| "REVIVE"
	| "KILL"
	| "SHUTDOWN"
	| "ACKNOWLEDGE"
	| "ACKNOWLEDGE_OPERATION_STATUS"
	| "RECONCILE"
	| "RECONCILE_OPERATIONS"
	| "MESSAGE"
	| "REQUEST"
	| "SUPPRESS"
	| "UPDATE_FRAMEWORK";

export interface Call {
	type: CallType;
	framework_id?: Value;
	subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] | null };
	accept?: { offer_ids: Value[]; operations?: Operation[] | null; filters?: Filters };
	decline?: { offer_ids: Value[]; filters?: Filters };
	accept_inverse_offers?: { inverse_offer_ids: Value[]; filters?: Filters };
	decline_inverse_offers?: { inverse_offer_ids: Value[]; filters?: Filters };
	revive?: { roles?: string[] | null };
	suppress?: { roles?: string[] | null };
	kill?: { task_id: Value; agent_id?: Value; kill_policy?: KillPolicy };
	shutdown?: { executor_id: Value; agent_id: Value };
	acknowledge?: { agent_id: Value; task_id: Value; uuid: string };
	reconcile?: { tasks?: { task_id: Value; agent_id?: Value }[] | null };
	message?: { agent_id: Value; executor_id: Value; data: string };
	request?: { requests?: unknown[] | null };
	update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] | null };
}

// ---- Events (scheduler.proto Event) -----------------------------------------

export interface MasterInfo {
	id: string;
	ip: number;
	port: number;
	hostname?: string;
	version?: string;
	address?: { hostname?: string; ip?: string; port: number };
}

export type Event =
	| {
			type: "SUBSCRIBED";
			subscribed: { framework_id: Value; heartbeat_interval_seconds: number; master_info?: MasterInfo };
	  }
	| { type: "OFFERS"; offers: { offers: Offer[] } }
	| { type: "RESCIND"; rescind: { offer_id: Value } }
	| { type: "UPDATE"; update: { status: TaskStatus } }
	| { type: "MESSAGE"; message: { agent_id: Value; executor_id: Value; data: string } }
	| { type: "FAILURE"; failure: { agent_id?: Value; executor_id?: Value; status?: number } }
	| { type: "ERROR"; error: { message: string } }
	| { type: "HEARTBEAT" };

export type EventType = Event["type"];

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
	"TASK_FINISHED",
	"TASK_FAILED",
	"TASK_KILLED",
	"TASK_ERROR",
	"TASK_DROPPED",
	"TASK_GONE",
	"TASK_GONE_BY_OPERATOR",
]);

/**
 * Terminal for resource accounting: TASK_LOST is not always terminal in Mesos
 * (the task may come back), but its resources are released like a terminal one.
 */
export function isTerminalState(state: TaskState): boolean {
	return TERMINAL_STATES.has(state) || state === "TASK_LOST";
}
