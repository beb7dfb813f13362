/**
 * POST /api/v1/scheduler — the v1 scheduler HTTP API (docs/scheduler-http-api.md,
 * Master::Http::scheduler in src/master/http.cpp).
 *
 * Status codes, first match wins: 405 not POST; 400 no Content-Type; 415 a
 * Content-Type other than JSON (protobuf included); 400 body not JSON / not a
 * Call / fails validation; 406 (SUBSCRIBE) Accept does not allow JSON; 400
 * SUBSCRIBE with Mesos-Stream-Id; then, for other calls: 400 "Framework cannot
 * be found"; 400 Mesos-Stream-Id missing or wrong; 403 not subscribed / not
 * connected over HTTP; 501 UNKNOWN (and RECONCILE_OPERATIONS); 202 (200 for
 * UPDATE_FRAMEWORK). Bodies of errors are plain text.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Call, Event, TaskStatusReason } from "../protocol/messages.js";
import type { EventSink } from "../protocol/scheduler.js";
import type { FrameworkRecord } from "../records.js";
import type { HttpContext } from "./context.js";
import { ApiError, apiErrorFor, badRequest } from "./errors.js";
import { APPLICATION_JSON, checkContentType, negotiateJson } from "./media.js";
import { parseJsonBody, validateSchedulerCall } from "./schemas.js";
import { RecordIoStream } from "./stream.js";

export const STREAM_ID_HEADER = "Mesos-Stream-Id";
export const SCHEDULER_PATH = "/api/v1/scheduler";

/**
 * TaskStatus reasons newer than Mesos 1.4 (the protos of Debian's mesos-go):
 * an old client's JSON decoder fails on an enum name it does not know, which
 * ends its stream. They go out as the nearest older reason unless the
 * framework declared REGION_AWARE (a 1.5 capability, so its protos are newer).
 */
const NEWER_REASONS: Partial<Record<TaskStatusReason, TaskStatusReason>> = {
	REASON_AGENT_REMOVED_BY_OPERATOR: "REASON_AGENT_REMOVED",
	REASON_AGENT_DRAINING: "REASON_AGENT_REMOVED",
};

function forOldClients(e: Event): Event {
	if (e.type !== "UPDATE") return e;
	const reason = e.update.status.reason;
	const older = reason === undefined ? undefined : NEWER_REASONS[reason];
	if (older === undefined) return e;
	return { type: "UPDATE", update: { status: { ...e.update.status, reason: older } } };
}

function methodNotAllowed(method: string): ApiError {
	return new ApiError("MST_ERR_METHOD", `Expecting one of { 'POST' }, but received '${method}'`, {
		Allow: "POST",
	});
}

/** What a POST API needs of a request, whichever server delivered it (fastify, or app.ts's fast path). */
export interface ApiRequest {
	method: string;
	headers: IncomingHttpHeaders;
	/** The body as received (undefined when none was read). */
	body: unknown;
}

/** A scheduler API request: a SUBSCRIBE takes the raw response over for its event stream. */
export interface SchedulerRequest extends ApiRequest {
	res: ServerResponse;
	log: { warn(obj: object, msg: string): void };
}

/** 405 / 400 / 415 / 400: the checks every POST API shares, in Mesos's order. */
export function readCall(req: ApiRequest): unknown {
	if (req.method !== "POST") throw methodNotAllowed(req.method);
	checkContentType(req.headers["content-type"]);
	return parseJsonBody(req.body);
}

/**
 * Calls `gone` when the client of a streaming response goes away: Node emits
 * 'close' on the response when the connection drops before the response ended.
 */
export function onClientGone(res: ServerResponse, gone: () => void): void {
	res.on("close", () => {
		if (!res.writableFinished) gone();
	});
}

function header(req: ApiRequest, name: string): string | undefined {
	const v = req.headers[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

/**
 * The scheduler endpoint, whichever server delivered the request: returns the
 * status of an empty answer (202, or 200 for UPDATE_FRAMEWORK), or 0 when a
 * SUBSCRIBE took the response over for its event stream. Throws ApiError.
 */
export function schedulerHandler(ctx: HttpContext): (req: SchedulerRequest) => number {
	const { master } = ctx;

	function subscribe(req: SchedulerRequest, call: Call, principal: string | null): number {
		negotiateJson(header(req, "accept"));
		if (header(req, STREAM_ID_HEADER) !== undefined) {
			throw badRequest(`Subscribe calls should not include the '${STREAM_ID_HEADER}' header`);
		}
		checkSubscriber(call, principal);
		const modern =
			call.subscribe?.framework_info.capabilities?.some((c) => c.type === "REGION_AWARE") === true;
		let streamId = "";
		const stream = new RecordIoStream({
			...ctx.streamLimits,
			// Closed while the master may be writing an event: disconnect after that call.
			onOverflow: () => {
				req.log.warn({ streamId }, "scheduler stream buffer full: client too slow, disconnecting");
				ctx.defer(() => {
					ctx.beforeCall();
					master.disconnect(streamId);
				});
			},
		});
		const sink: EventSink = {
			send: (e) => stream.write(modern ? e : forOldClients(e)),
			close: () => stream.end(),
		};
		ctx.beforeCall();
		const r = master.subscribe(call, sink);
		if (!r.ok) {
			stream.end();
			throw apiErrorFor(r.status, r.message);
		}
		streamId = r.streamId;
		ctx.streams.add(stream);
		ctx.httpStreamIds.add(streamId);
		stream.onEnd = () => {
			ctx.streams.delete(stream);
			ctx.httpStreamIds.delete(streamId);
		};
		// The client went away: the framework is disconnected and its failover timeout starts.
		const gone = () => {
			if (stream.ended) return;
			stream.end();
			ctx.beforeCall();
			master.disconnect(streamId);
		};
		onClientGone(req.res, gone);
		stream.start(req.res, {
			"Content-Type": APPLICATION_JSON,
			[STREAM_ID_HEADER]: streamId,
			"Cache-Control": "no-cache",
		});
		return 0;
	}

	/**
	 * The framework and stream checks, in the order the master core does them:
	 * unknown framework, stream id missing or wrong (400), then not subscribed
	 * (403). Mesos's `Master::Http::scheduler` checks "not subscribed" first
	 * (docs/mesos-rules.md §1); docs/api.md lists the difference.
	 */
	function checkFramework(req: ApiRequest, frameworkId: string): string {
		const fw = master.framework(frameworkId);
		if (fw === undefined || fw.removed) throw badRequest("Framework cannot be found");
		const streamId = header(req, STREAM_ID_HEADER);
		if (streamId === undefined) {
			throw badRequest(`All non-subscribe calls should include the '${STREAM_ID_HEADER}' header`);
		}
		if (streamId !== fw.streamId) {
			throw badRequest(
				`The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`,
			);
		}
		if (!fw.connected) throw new ApiError("MST_ERR_FORBIDDEN", "Framework is not subscribed");
		if (!ctx.httpStreamIds.has(streamId)) {
			throw new ApiError("MST_ERR_FORBIDDEN", "Framework is not connected via HTTP");
		}
		return streamId;
	}

	/**
	 * Who may subscribe as what. With authentication the principal of the
	 * credentials must be the one FrameworkInfo names (Mesos's
	 * Master::Http::scheduler). A failover (framework_info.id of a framework
	 * the master still has) must come from the principal that framework was
	 * registered with: the authenticated one, or without authentication the
	 * one the call names. Without this check anyone who reads
	 * /master/frameworks could take a framework over and kill its tasks.
	 */
	function checkSubscriber(call: Call, principal: string | null): void {
		const info = call.subscribe?.framework_info;
		const named = info?.principal;
		if (principal !== null && named !== undefined && named !== principal) {
			throw new ApiError(
				"MST_ERR_FORBIDDEN",
				`Authenticated principal '${principal}' does not match principal '${named}' set in 'FrameworkInfo'`,
			);
		}
		const id = info?.id?.value ?? call.framework_id?.value;
		const fw = id === undefined ? undefined : master.framework(id);
		if (fw === undefined || fw.removed) return;
		const owner = fw.info.principal;
		const who = principal ?? named;
		if (who !== owner) {
			throw new ApiError(
				"MST_ERR_FORBIDDEN",
				`Framework ${id} was registered by ${owner === undefined ? "no principal" : `principal '${owner}'`}; ${who === undefined ? "a subscriber without a principal" : `principal '${who}'`} cannot fail it over`,
			);
		}
	}

	return (req) => {
		// Mesos authenticates before it reads the request (401 before 405).
		const principal = ctx.auth?.principal(req.headers, "frameworks") ?? null;
		const call = validateSchedulerCall(readCall(req)) as unknown as Call & { type: string };
		if (call.type === "SUBSCRIBE") return subscribe(req, call, principal);
		ctx.beforeCall();
		const frameworkId = call.framework_id?.value;
		if (frameworkId === undefined) throw badRequest("Expecting 'framework_id' to be present");
		const streamId = checkFramework(req, frameworkId);
		const owner = master.framework(frameworkId)?.info.principal;
		if (principal !== null && owner !== principal) {
			throw new ApiError(
				"MST_ERR_FORBIDDEN",
				`Authenticated principal '${principal}' does not match principal of framework ${frameworkId}`,
			);
		}
		if ((call.type as string) === "UNKNOWN") {
			throw new ApiError("MST_ERR_NOT_IMPLEMENTED", "Received 'UNKNOWN' call");
		}
		if (call.type === "RECONCILE") return reconcileInSlices(call, streamId);
		const r = master.call(call, streamId);
		if (!r.ok) throw apiErrorFor(r.status, r.message);
		return r.status;
	};

	/**
	 * An explicit RECONCILE of many tasks (a 1 MiB body names ~34,000) costs
	 * ~30 µs a task and an UPDATE event each: in one piece it would hold the
	 * event loop for a second. The master gets it in slices of
	 * RECONCILE_SLICE tasks, RECONCILE_SLICE_GAP_MS of simulated time apart,
	 * so other calls and /health are answered between them; the answer (202)
	 * follows the first slice. Mesos reconciles asynchronously too: the
	 * updates were never promised before the 202.
	 *
	 * An implicit one (no task ids: every task the master knows of the
	 * framework) is as costly for a framework with many tasks. Up to
	 * RECONCILE_SLICE tasks it goes to the master as it is; beyond, it becomes
	 * the explicit list of those tasks, taken now, in slices; a later slice
	 * leaves out the tasks the master has forgotten meanwhile (ended and
	 * acknowledged), which an implicit reconciliation would not name either.
	 * Either way each task gets its latest state, as Master::reconcile answers.
	 */
	function reconcileInSlices(call: Call, streamId: string): number {
		const named = call.reconcile?.tasks ?? [];
		const fw = master.framework(call.framework_id!.value);
		const implicit = Array.isArray(named) && named.length === 0 && fw !== undefined;
		const tasks = implicit ? knownTasks(fw) : named;
		const slice = (from: number): Call => {
			const part = tasks.slice(from, from + RECONCILE_SLICE);
			return { ...call, reconcile: { tasks: implicit ? stillKnown(fw!, part) : part } };
		};
		const first = master.call(tasks.length <= RECONCILE_SLICE ? call : slice(0), streamId);
		if (!first.ok) throw apiErrorFor(first.status, first.message);
		const next = (from: number): void => {
			if (from >= tasks.length) return;
			const part = slice(from);
			// The framework may have gone or resubscribed meanwhile: then the rest is moot.
			// (An empty list would be an implicit reconciliation: a slice whose tasks are all gone is skipped.)
			if (part.reconcile!.tasks!.length > 0 && !master.call(part, streamId).ok) return;
			if (!ctx.after(RECONCILE_SLICE_GAP_MS, () => next(from + RECONCILE_SLICE)))
				next(from + RECONCILE_SLICE);
		};
		if (tasks.length > RECONCILE_SLICE && !ctx.after(RECONCILE_SLICE_GAP_MS, () => next(RECONCILE_SLICE)))
			next(RECONCILE_SLICE);
		return first.status;
	}
}

type ReconcileTask = NonNullable<NonNullable<Call["reconcile"]>["tasks"]>[number];

/** Every task the master knows of `fw`, as an implicit reconciliation walks them (tasks.ts reconcile). */
function knownTasks(fw: FrameworkRecord): ReconcileTask[] {
	const out: ReconcileTask[] = [];
	for (const t of fw.tasks.values()) out.push({ task_id: { value: t.id }, agent_id: { value: t.agentId } });
	for (const t of fw.unreachableTasks.items())
		if (!fw.tasks.has(t.id)) out.push({ task_id: { value: t.id }, agent_id: { value: t.agentId } });
	return out;
}

/** The entries of `part` whose task the master still knows of `fw`. */
function stillKnown(fw: FrameworkRecord, part: ReconcileTask[]): ReconcileTask[] {
	const unreachable = new Set<string>();
	for (const t of fw.unreachableTasks.items()) unreachable.add(t.id);
	return part.filter((e) => fw.tasks.has(e.task_id.value) || unreachable.has(e.task_id.value));
}

/** Tasks of an explicit RECONCILE handed to the master at once (scheduler.ts, reconcileInSlices). */
export const RECONCILE_SLICE = 500;
/** Simulated ms between two slices: one slice per live-driver tick at speed 1. */
export const RECONCILE_SLICE_GAP_MS = 10;

/** The fastify route (inject() and any request the fast path in app.ts leaves to fastify). */
export function registerScheduler(app: FastifyInstance, handle: (req: SchedulerRequest) => number): void {
	app.all(SCHEDULER_PATH, (req, reply) => {
		const status = handle({
			method: req.method,
			headers: req.headers,
			body: req.body,
			res: reply.raw,
			log: req.log,
		});
		if (status === 0) return reply.hijack();
		return reply.code(status).send();
	});
}
