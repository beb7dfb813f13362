/**
 * The JSON shapes of the v1 scheduler and operator Calls, as TypeBox schemas
 * (include/mesos/v1/scheduler/scheduler.proto, master/master.proto), and the
 * edge validation that turns a request body into a Call or a 400 with a plain
 * message naming the field.
 *
 * What counts as malformed follows Mesos's JSON -> protobuf conversion: a
 * wrong type, a missing proto2 `required` field or an unknown enum value is a
 * 400 ("Failed to convert JSON into Call protobuf: ..."); unknown fields are
 * ignored, as the protobuf parser ignores them; `null` anywhere means "absent"
 * (mesos-go writes `null` for unset repeated fields). Everything else (a task
 * that does not fit its offer, an unknown offer id...) is the master's in-band
 * business. A body that fails here never reaches the master, so a rejected
 * call changes no state.
 */
import { type TSchema, Type } from "typebox";
import { Compile } from "typebox/compile";
import { formatCount, LIMITS, LIMITS_DOC } from "../../common/limits.js";
import { badRequest } from "./errors.js";

const Opt = Type.Optional;
const Str = Type.String();
const Num = Type.Number();
const Bool = Type.Boolean();
const Obj = Type.Object;
const Arr = Type.Array;
const Any = Obj({});
/**
 * A name the master keeps and echoes (framework name, user, role, principal,
 * hostname). Mesos sets no bound; mesosim's generous one (common/limits.ts)
 * keeps one client from inflating every state and metrics answer.
 */
const Name = Type.String({ maxLength: LIMITS.nameLength });

function oneOf(values: readonly string[]): TSchema {
	return Type.Union(values.map((v) => Type.Literal(v)));
}

const Id = Obj({ value: Str });
const Scalar = Obj({ value: Num });
const Duration = Obj({ nanoseconds: Type.Integer() });

const Resource = Obj({
	name: Str,
	type: oneOf(["SCALAR", "RANGES", "SET", "TEXT"]),
	scalar: Opt(Scalar),
	ranges: Opt(Obj({ range: Opt(Arr(Obj({ begin: Type.Integer(), end: Type.Integer() }))) })),
	set: Opt(Obj({ item: Opt(Arr(Str)) })),
	role: Opt(Str),
	allocation_info: Opt(Obj({ role: Opt(Str) })),
	reservation: Opt(Any),
	reservations: Opt(
		Arr(Obj({ type: Opt(oneOf(["UNKNOWN", "STATIC", "DYNAMIC"])), role: Opt(Str), principal: Opt(Str) })),
	),
	disk: Opt(Any),
	revocable: Opt(Any),
	shared: Opt(Any),
	provider_id: Opt(Id),
});
const Resources = Arr(Resource);

const Labels = Obj({ labels: Opt(Arr(Obj({ key: Str, value: Opt(Str) }))) });

const CommandInfo = Obj({
	uris: Opt(
		Arr(
			Obj({
				value: Str,
				executable: Opt(Bool),
				extract: Opt(Bool),
				cache: Opt(Bool),
				output_file: Opt(Str),
			}),
		),
	),
	environment: Opt(Obj({ variables: Opt(Arr(Obj({ name: Str, value: Opt(Str) }))) })),
	shell: Opt(Bool),
	value: Opt(Str),
	arguments: Opt(Arr(Str)),
	user: Opt(Str),
});

const ExecutorInfo = Obj({
	type: Opt(oneOf(["UNKNOWN", "DEFAULT", "CUSTOM"])),
	executor_id: Id,
	framework_id: Opt(Id),
	command: Opt(CommandInfo),
	resources: Opt(Resources),
	name: Opt(Str),
	source: Opt(Str),
	data: Opt(Str),
	labels: Opt(Labels),
});

const KillPolicy = Obj({ grace_period: Opt(Duration) });

const TaskInfo = Obj({
	name: Str,
	task_id: Id,
	agent_id: Id,
	resources: Opt(Resources),
	executor: Opt(ExecutorInfo),
	command: Opt(CommandInfo),
	container: Opt(Any),
	health_check: Opt(Any),
	check: Opt(Any),
	kill_policy: Opt(KillPolicy),
	data: Opt(Str),
	labels: Opt(Labels),
	discovery: Opt(Any),
	max_completion_time: Opt(Duration),
});

export const OPERATION_TYPES = [
	"UNKNOWN",
	"LAUNCH",
	"LAUNCH_GROUP",
	"RESERVE",
	"UNRESERVE",
	"CREATE",
	"DESTROY",
	"GROW_VOLUME",
	"SHRINK_VOLUME",
	"CREATE_DISK",
	"DESTROY_DISK",
] as const;

const Operation = Obj({
	type: Opt(oneOf(OPERATION_TYPES)),
	id: Opt(Id),
	launch: Opt(Obj({ task_infos: Opt(Arr(TaskInfo)) })),
	launch_group: Opt(Obj({ executor: ExecutorInfo, task_group: Obj({ tasks: Opt(Arr(TaskInfo)) }) })),
	reserve: Opt(Obj({ source: Opt(Resources), resources: Opt(Resources) })),
	unreserve: Opt(Obj({ resources: Opt(Resources) })),
	create: Opt(Obj({ volumes: Opt(Resources) })),
	destroy: Opt(Obj({ volumes: Opt(Resources) })),
});

const Filters = Obj({ refuse_seconds: Opt(Num) });

export const CAPABILITY_TYPES = [
	"UNKNOWN",
	"REVOCABLE_RESOURCES",
	"TASK_KILLING_STATE",
	"GPU_RESOURCES",
	"SHARED_RESOURCES",
	"PARTITION_AWARE",
	"MULTI_ROLE",
	"RESERVATION_REFINEMENT",
	"REGION_AWARE",
] as const;

const FrameworkInfo = Obj({
	user: Name,
	name: Name,
	id: Opt(Id),
	failover_timeout: Opt(Num),
	checkpoint: Opt(Bool),
	role: Opt(Name),
	roles: Opt(Arr(Name)),
	hostname: Opt(Name),
	principal: Opt(Name),
	webui_url: Opt(Str),
	capabilities: Opt(Arr(Obj({ type: Opt(oneOf(CAPABILITY_TYPES)) }))),
	labels: Opt(Labels),
	offer_filters: Opt(
		Type.Record(
			Str,
			Obj({
				min_allocatable_resources: Opt(
					Obj({ quantities: Opt(Arr(Obj({ quantities: Opt(Type.Record(Str, Scalar)) }))) }),
				),
			}),
		),
	),
});

const Roles = Obj({ role: Opt(Str), roles: Opt(Arr(Str)) });

const SchedulerCallSchema = Obj({
	type: Str,
	framework_id: Opt(Id),
	subscribe: Opt(
		Obj({ framework_info: FrameworkInfo, suppressed_roles: Opt(Arr(Str)), offer_constraints: Opt(Any) }),
	),
	accept: Opt(Obj({ offer_ids: Opt(Arr(Id)), operations: Opt(Arr(Operation)), filters: Opt(Filters) })),
	decline: Opt(Obj({ offer_ids: Opt(Arr(Id)), filters: Opt(Filters) })),
	accept_inverse_offers: Opt(Obj({ inverse_offer_ids: Opt(Arr(Id)), filters: Opt(Filters) })),
	decline_inverse_offers: Opt(Obj({ inverse_offer_ids: Opt(Arr(Id)), filters: Opt(Filters) })),
	revive: Opt(Roles),
	suppress: Opt(Roles),
	kill: Opt(Obj({ task_id: Id, agent_id: Opt(Id), kill_policy: Opt(KillPolicy) })),
	shutdown: Opt(Obj({ executor_id: Id, agent_id: Id })),
	acknowledge: Opt(Obj({ agent_id: Id, task_id: Id, uuid: Str })),
	acknowledge_operation_status: Opt(
		Obj({ agent_id: Opt(Id), resource_provider_id: Opt(Id), uuid: Str, operation_id: Id }),
	),
	reconcile: Opt(Obj({ tasks: Opt(Arr(Obj({ task_id: Id, agent_id: Opt(Id) }))) })),
	reconcile_operations: Opt(
		Obj({
			operations: Opt(Arr(Obj({ operation_id: Id, agent_id: Opt(Id), resource_provider_id: Opt(Id) }))),
		}),
	),
	message: Opt(Obj({ agent_id: Id, executor_id: Id, data: Str })),
	request: Opt(Obj({ requests: Opt(Arr(Obj({ agent_id: Opt(Id), resources: Opt(Resources) }))) })),
	update_framework: Opt(
		Obj({ framework_info: FrameworkInfo, suppressed_roles: Opt(Arr(Str)), offer_constraints: Opt(Any) }),
	),
});

const QuantityMap = Type.Record(Str, Scalar);

const OperatorCallSchema = Obj({
	type: Str,
	get_metrics: Opt(Obj({ timeout: Opt(Duration) })),
	update_weights: Opt(Obj({ weight_infos: Opt(Arr(Obj({ weight: Num, role: Opt(Str) }))) })),
	update_quota: Opt(
		Obj({
			force: Opt(Bool),
			quota_configs: Opt(Arr(Obj({ role: Str, guarantees: Opt(QuantityMap), limits: Opt(QuantityMap) }))),
		}),
	),
	remove_quota: Opt(Obj({ role: Str })),
	teardown: Opt(Obj({ framework_id: Id })),
	mark_agent_gone: Opt(Obj({ agent_id: Id })),
	drain_agent: Opt(Obj({ agent_id: Id, max_grace_period: Opt(Duration), mark_gone: Opt(Bool) })),
	deactivate_agent: Opt(Obj({ agent_id: Id })),
	reactivate_agent: Opt(Obj({ agent_id: Id })),
});

// ---- call types --------------------------------------------------------------

export const SCHEDULER_CALL_TYPES = [
	"UNKNOWN",
	"SUBSCRIBE",
	"TEARDOWN",
	"ACCEPT",
	"DECLINE",
	"ACCEPT_INVERSE_OFFERS",
	"DECLINE_INVERSE_OFFERS",
	"REVIVE",
	"KILL",
	"SHUTDOWN",
	"ACKNOWLEDGE",
	"ACKNOWLEDGE_OPERATION_STATUS",
	"RECONCILE",
	"RECONCILE_OPERATIONS",
	"MESSAGE",
	"REQUEST",
	"SUPPRESS",
	"UPDATE_FRAMEWORK",
] as const;

/** Scheduler calls whose sub-message must be present (validation::scheduler::call::validate). */
const SCHEDULER_NEEDS_BODY = new Set([
	"SUBSCRIBE",
	"ACCEPT",
	"DECLINE",
	"ACCEPT_INVERSE_OFFERS",
	"DECLINE_INVERSE_OFFERS",
	"KILL",
	"SHUTDOWN",
	"ACKNOWLEDGE",
	"ACKNOWLEDGE_OPERATION_STATUS",
	"RECONCILE",
	"RECONCILE_OPERATIONS",
	"MESSAGE",
	"REQUEST",
	"UPDATE_FRAMEWORK",
]);

export const OPERATOR_CALL_TYPES = [
	"UNKNOWN",
	"GET_HEALTH",
	"GET_FLAGS",
	"GET_VERSION",
	"GET_METRICS",
	"GET_LOGGING_LEVEL",
	"SET_LOGGING_LEVEL",
	"LIST_FILES",
	"READ_FILE",
	"GET_STATE",
	"GET_AGENTS",
	"GET_FRAMEWORKS",
	"GET_EXECUTORS",
	"GET_OPERATIONS",
	"GET_TASKS",
	"GET_ROLES",
	"GET_WEIGHTS",
	"UPDATE_WEIGHTS",
	"GET_MASTER",
	"SUBSCRIBE",
	"RESERVE_RESOURCES",
	"UNRESERVE_RESOURCES",
	"CREATE_VOLUMES",
	"DESTROY_VOLUMES",
	"GROW_VOLUME",
	"SHRINK_VOLUME",
	"GET_MAINTENANCE_STATUS",
	"GET_MAINTENANCE_SCHEDULE",
	"UPDATE_MAINTENANCE_SCHEDULE",
	"START_MAINTENANCE",
	"STOP_MAINTENANCE",
	"DRAIN_AGENT",
	"DEACTIVATE_AGENT",
	"REACTIVATE_AGENT",
	"GET_QUOTA",
	"UPDATE_QUOTA",
	"SET_QUOTA",
	"REMOVE_QUOTA",
	"TEARDOWN",
	"MARK_AGENT_GONE",
] as const;

export type OperatorCallType = (typeof OPERATOR_CALL_TYPES)[number];

const OPERATOR_NEEDS_BODY = new Set([
	"UPDATE_WEIGHTS",
	"UPDATE_QUOTA",
	"REMOVE_QUOTA",
	"TEARDOWN",
	"MARK_AGENT_GONE",
	"DRAIN_AGENT",
	"DEACTIVATE_AGENT",
	"REACTIVATE_AGENT",
]);

/** The body key of a call type: ACCEPT_INVERSE_OFFERS -> accept_inverse_offers. */
export function bodyKey(type: string): string {
	return type.toLowerCase();
}

// ---- validation ----------------------------------------------------------------

const schedulerValidator = Compile(SchedulerCallSchema);
const operatorValidator = Compile(OperatorCallSchema);

const MAX_DEPTH = 64;

/**
 * Parsed JSON with every `null` member dropped (null = absent) and
 * `__proto__` keys ignored: a copy, or the value itself when there is nothing
 * to drop; throws 400 past 64 levels of nesting.
 */
export function stripNulls(v: unknown, depth = 0): unknown {
	// Calls rarely carry a null: then the parsed JSON is already the answer (no copy per call).
	if (depth === 0 && !needsStrip(v, 0)) return v;
	if (depth > MAX_DEPTH) tooDeep();
	if (Array.isArray(v)) return v.map((x) => (x === null ? null : stripNulls(x, depth + 1)));
	if (v !== null && typeof v === "object") {
		const out: Record<string, unknown> = {};
		for (const k of Object.keys(v)) {
			const x = (v as Record<string, unknown>)[k];
			if (x === null || x === undefined || k === "__proto__") continue;
			out[k] = stripNulls(x, depth + 1);
		}
		return out;
	}
	return v;
}

function tooDeep(): never {
	throw badRequest(`Failed to parse body into JSON: nested deeper than ${MAX_DEPTH} levels`);
}

/**
 * Whether stripNulls has anything to drop (a null or undefined member, a
 * `__proto__` key); throws its 400 past 64 levels, as it would. No allocation.
 */
function needsStrip(v: unknown, depth: number): boolean {
	if (depth > MAX_DEPTH) tooDeep();
	if (v === null || typeof v !== "object") return false;
	if (Array.isArray(v)) {
		for (let i = 0; i < v.length; i++) {
			const x: unknown = v[i];
			if (x !== null && needsStrip(x, depth + 1)) return true;
		}
		return false;
	}
	for (const k in v) {
		if (!Object.hasOwn(v, k)) continue; // own members only, as Object.keys in stripNulls
		const x = (v as Record<string, unknown>)[k];
		if (x === null || x === undefined || k === "__proto__") return true;
		if (needsStrip(x, depth + 1)) return true;
	}
	return false;
}

/** Parses a request body as JSON; 400 "Failed to parse body into JSON: ..." otherwise. */
export function parseJsonBody(body: unknown): unknown {
	const text = Buffer.isBuffer(body) ? body.toString("utf8") : typeof body === "string" ? body : "";
	if (text.trim() === "") throw badRequest("Failed to parse body into JSON: the body is empty");
	try {
		return JSON.parse(text) as unknown;
	} catch (err) {
		throw badRequest(`Failed to parse body into JSON: ${(err as Error).message}`);
	}
}

/** "/accept/offer_ids/0/value" -> "accept.offer_ids[0].value" */
export function fieldName(pointer: string): string {
	let out = "";
	for (const seg of pointer.split("/").slice(1)) {
		const s = seg.replaceAll("~1", "/").replaceAll("~0", "~");
		if (/^\d+$/.test(s)) out += `[${s}]`;
		else out += out === "" ? s : `.${s}`;
	}
	return out;
}

function valueAt(root: unknown, pointer: string): unknown {
	let v = root;
	for (const seg of pointer.split("/").slice(1)) {
		if (v === null || typeof v !== "object") return undefined;
		v = (v as Record<string, unknown>)[seg.replaceAll("~1", "/").replaceAll("~0", "~")];
	}
	return v;
}

function jsonType(v: unknown): string {
	if (v === null) return "null";
	if (Array.isArray(v)) return "a list";
	if (typeof v === "object") return "an object";
	if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
	return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
	string: "a string",
	number: "a number",
	integer: "an integer",
	boolean: "true or false",
	object: "an object",
	array: "a list",
};

interface SchemaError {
	keyword: string;
	instancePath: string;
	params: Record<string, unknown>;
	message: string;
}

/** One plain sentence for the first problem TypeBox found. */
export function describeSchemaErrors(root: unknown, errors: readonly SchemaError[]): string {
	const first = errors.find((e) => e.keyword !== "anyOf") ?? errors[0];
	if (first === undefined) return "the call does not match its schema";
	const path = first.instancePath;
	const name = fieldName(path);
	const where = name === "" ? "the call" : `'${name}'`;
	const got = valueAt(root, path);
	switch (first.keyword) {
		case "required": {
			const missing = (first.params.requiredProperties as string[] | undefined) ?? [];
			const field = missing.map((m) => (name === "" ? m : `${name}.${m}`)).join("', '");
			return `missing required field '${field}'`;
		}
		case "type": {
			const t = String(first.params.type);
			return `${where} must be ${TYPE_WORDS[t] ?? t}, not ${jsonType(got)}`;
		}
		case "maxLength":
			return `${where} is ${formatCount(String(got).length)} characters long; the limit is ${formatCount(Number(first.params.limit))} (Mesos sets none; mesosim's is in ${LIMITS_DOC})`;
		case "const": {
			const allowed = errors
				.filter((e) => e.keyword === "const" && e.instancePath === path)
				.map((e) => String(e.params.allowedValue));
			return `${where} has an unknown value ${jsonType(got)}; expected one of ${allowed.join(", ")}`;
		}
		default:
			return `${where} ${first.message}`;
	}
}

function checkShape(
	validator: { Check(x: unknown): boolean; Errors(x: unknown): readonly unknown[] },
	value: unknown,
	what: string,
): void {
	if (!validator.Check(value)) {
		const errors = validator.Errors(value) as readonly SchemaError[];
		throw badRequest(`Failed to convert JSON into ${what} protobuf: ${describeSchemaErrors(value, errors)}`);
	}
}

function checkType(value: unknown, types: readonly string[], what: string): string {
	if (value === null || typeof value !== "object" || Array.isArray(value)) {
		throw badRequest(`Failed to convert JSON into ${what} protobuf: the body must be a JSON object`);
	}
	const type = (value as Record<string, unknown>).type;
	if (type === undefined) throw badRequest(`Failed to validate ${what}: Expecting 'type' to be present`);
	if (typeof type !== "string") {
		throw badRequest(
			`Failed to convert JSON into ${what} protobuf: 'type' must be a string, not ${jsonType(type)}`,
		);
	}
	if (!types.includes(type)) {
		throw badRequest(
			`Failed to validate ${what}: unknown call type ${JSON.stringify(type)}; expected one of ${types.join(", ")}`,
		);
	}
	return type;
}

/**
 * A validated scheduler Call (null members dropped, `accept/decline.offer_ids`
 * defaulted to []), or a 400 ApiError.
 */
export function validateSchedulerCall(json: unknown): Record<string, unknown> & { type: string } {
	const call = stripNulls(json) as Record<string, unknown>;
	const type = checkType(call, SCHEDULER_CALL_TYPES, "scheduler::Call");
	checkShape(schedulerValidator, call, "scheduler::Call");
	const key = bodyKey(type);
	if (type !== "SUBSCRIBE" && call.framework_id === undefined) {
		throw badRequest("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
	}
	if (SCHEDULER_NEEDS_BODY.has(type) && call[key] === undefined) {
		throw badRequest(`Failed to validate scheduler::Call: Expecting '${key}' to be present`);
	}
	if (type === "SUBSCRIBE") {
		const info = (call.subscribe as { framework_info: { id?: { value: string } } }).framework_info;
		const fwId = (call.framework_id as { value: string } | undefined)?.value;
		if (fwId !== undefined && info.id?.value !== fwId) {
			throw badRequest(
				"Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'",
			);
		}
	}
	for (const k of ["accept", "decline"]) {
		const sub = call[k] as { offer_ids?: unknown } | undefined;
		if (sub !== undefined && sub.offer_ids === undefined) sub.offer_ids = [];
	}
	return call as Record<string, unknown> & { type: string };
}

/** A validated operator Call, or a 400 ApiError. */
export function validateOperatorCall(json: unknown): Record<string, unknown> & { type: OperatorCallType } {
	const call = stripNulls(json) as Record<string, unknown>;
	const type = checkType(call, OPERATOR_CALL_TYPES, "master::Call");
	checkShape(operatorValidator, call, "master::Call");
	const key = bodyKey(type);
	if (OPERATOR_NEEDS_BODY.has(type) && call[key] === undefined) {
		throw badRequest(`Failed to validate master::Call: Expecting '${key}' to be present`);
	}
	return call as Record<string, unknown> & { type: OperatorCallType };
}
