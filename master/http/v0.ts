/**
 * The v0 JSON endpoints existing tools read (src/master/master.cpp routes,
 * readonly_handler.cpp): /master/state (+ state.json), state-summary,
 * frameworks, slaves, tasks, roles, health, flags, redirect; /metrics/snapshot
 * and /version. Every JSON endpoint takes `?jsonp=callback`
 * (text/javascript, `callback(json);`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpContext } from "./context.js";
import { badRequest } from "./errors.js";
import type { OperatorHub } from "./operator.js";
import {
	flagsV0,
	frameworksV0,
	metricsSnapshot,
	rolesV0,
	slavesV0,
	stateSummaryV0,
	stateV0,
	tasksV0,
	versionInfo,
} from "./views/index.js";

const JSONP_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export function query(req: FastifyRequest): Record<string, string | undefined> {
	const q = req.query as Record<string, string | string[] | undefined> | undefined;
	const out: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(q ?? {})) out[k] = Array.isArray(v) ? v[0] : v;
	return out;
}

export function sendJson(req: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
	const json = JSON.stringify(body);
	const jsonp = query(req).jsonp;
	if (jsonp !== undefined && jsonp !== "") {
		if (!JSONP_NAME.test(jsonp)) throw badRequest(`Invalid 'jsonp' callback name ${JSON.stringify(jsonp)}`);
		return reply
			.code(200)
			.header("Content-Type", "text/javascript")
			.send(Buffer.from(`${jsonp}(${json});`));
	}
	// A Buffer: fastify would add "; charset=utf-8" to a string; Mesos sends plain application/json.
	return reply.code(200).header("Content-Type", "application/json").send(Buffer.from(json));
}

function intParam(q: Record<string, string | undefined>, name: string): number | undefined {
	const v = q[name];
	if (v === undefined || v === "") return undefined;
	if (!/^\d+$/.test(v))
		throw badRequest(`Failed to parse '${name}': ${JSON.stringify(v)} is not a non-negative integer`);
	return Number(v);
}

export function registerV0(app: FastifyInstance, ctx: HttpContext, hub: OperatorHub): void {
	const m = ctx.master;
	const json = (url: string, build: (req: FastifyRequest) => unknown) => {
		app.get(url, async (req, reply) => {
			ctx.beforeCall();
			return sendJson(req, reply, build(req));
		});
	};
	json("/master/state", () => stateV0(m, hub.stateOptions()));
	json("/master/state.json", () => stateV0(m, hub.stateOptions()));
	json("/master/state-summary", () => stateSummaryV0(m, hub.stateOptions()));
	json("/master/frameworks", () => frameworksV0(m));
	json("/master/slaves", () => slavesV0(m, hub.stateOptions()));
	json("/master/roles", () => rolesV0(m));
	json("/master/flags", () => flagsV0(m));
	json("/master/tasks", (req) => {
		const q = query(req);
		const order = q.order;
		if (order !== undefined && order !== "asc" && order !== "des") {
			throw badRequest(`Failed to parse 'order': ${JSON.stringify(order)} is not 'asc' or 'des'`);
		}
		const limit = intParam(q, "limit");
		const offset = intParam(q, "offset");
		return tasksV0(m, {
			...(limit === undefined ? {} : { limit }),
			...(offset === undefined ? {} : { offset }),
			...(order === undefined ? {} : { order }),
			...(q.framework_id === undefined ? {} : { frameworkId: q.framework_id }),
			...(q.task_id === undefined ? {} : { taskId: q.task_id }),
		});
	});
	json("/metrics/snapshot", () => metricsSnapshot(m, hub.stateOptions()));
	json("/version", () => ({ ...versionInfo(m) }));
	app.get("/master/health", async (_req, reply) => reply.code(200).send());
	app.get("/master/redirect", async (_req, reply) => {
		const mi = m.masterInfo();
		return reply.code(307).header("Location", `//${mi.hostname}:${mi.port}`).send();
	});
}
