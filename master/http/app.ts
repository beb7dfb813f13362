/**
 * buildApp — the master's HTTP surface as a fastify instance that never
 * listens (the CLI and the real-socket test call listen; other tests use
 * inject()). It turns HTTP requests into the same calls an in-process
 * framework makes and the master's events into RecordIO frames:
 *
 *   POST /api/v1/scheduler   v1 scheduler API (scheduler.ts)
 *   POST /api/v1             v1 operator API and its event stream (operator.ts)
 *   GET  /master/*, /metrics/snapshot, /version   v0 JSON (v0.ts)
 *   GET  /master/maintenance/*                     maintenance (maintenance.ts)
 *   GET  /slave(N)/*, /files/*                     agent pages (agent-pages.ts)
 *   GET  /, static files                           a web UI directory, if given (webui.ts)
 *
 * Every error, whoever throws it, goes through the one error handler below and
 * leaves as a plain-text body with the status of its MST_ERR_* code. Open
 * RecordIO responses are kept in a set and ended in preClose, so app.close()
 * never waits on a subscription that would otherwise stay open forever.
 *
 * No timers and no wall clock here: heartbeats run on the engine's simulated
 * clock; the live driver (sim/runner/live.ts) calls `mesos.keepAlive()` on the
 * wall clock.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Engine } from "../../engine/index.js";
import type { Master } from "../master.js";
import { registerAgentPages } from "./agent-pages.js";
import { Authenticator, type AuthOptions, registerAuth } from "./auth.js";
import type { HttpContext } from "./context.js";
import { ApiError, bodyTooLargeMessage, type ErrorReply, errorReply } from "./errors.js";
import { registerMaintenance } from "./maintenance.js";
import { OperatorHub, registerOperator } from "./operator.js";
import { registerScheduler, SCHEDULER_PATH, type SchedulerRequest, schedulerHandler } from "./scheduler.js";
import { BufferBudget, type RecordIoStream } from "./stream.js";
import { registerV0 } from "./v0.js";
import { registerWebUi } from "./webui.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_OPERATOR_SUBSCRIBERS = 1000;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES_TOTAL = 256 * 1024 * 1024;

export interface BuildAppOptions {
	master: Master;
	/** The master's engine: operator heartbeats, metrics, deferred work. */
	engine?: Engine;
	/** A pino logger (fastify's loggerInstance); none by default. */
	logger?: FastifyBaseLogger;
	/** Largest request body in bytes (default 1 MiB; larger => 413). */
	bodyLimit?: number;
	/** Operator event stream subscribers allowed at once (default 1000; more => 503). */
	maxOperatorSubscribers?: number;
	/** Bytes a RecordIO response may buffer for a slow client before it is dropped (default 16 MiB). */
	maxBufferedBytes?: number;
	/** Bytes all RecordIO responses together may buffer; past it the one furthest behind is dropped (default 256 MiB). */
	maxBufferedBytesTotal?: number;
	/** HTTP Basic authentication (auth.ts); none by default. */
	auth?: AuthOptions;
	/** Runs before each call reaches the master (the live driver catches the clock up to the wall). */
	beforeCall?: () => void;
	/** Agents show the master's hostname, so a browser reaches their pages (/slave(N)/...) on its port. */
	agentsOnMasterHost?: boolean;
	/** A directory served as the web UI root (Mesos's --webui_dir): `/` is its index.html. */
	webuiDir?: string;
}

/** What the app exposes to its driver. */
export interface MesosHttp {
	/** Open RecordIO responses (scheduler and operator). */
	readonly openStreams: number;
	/** Bytes those responses hold queued for slow readers (as charged to the budget). */
	readonly bufferedBytes: number;
	/** Scheduler API requests answered by the fast path (a real socket, not inject()). */
	readonly fastPathRequests: number;
	/** Wall-clock keep-alive: a HEARTBEAT on every stream nothing was written to since the last call. */
	keepAlive(): void;
	/** Ends every open stream (as preClose does). */
	endStreams(): void;
	readonly operator: OperatorHub;
}

declare module "fastify" {
	interface FastifyInstance {
		mesos: MesosHttp;
	}
}

/** fastify's default, which a server of our own (serverFactory) does not get by itself. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export function buildApp(opts: BuildAppOptions): FastifyInstance {
	const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
	// Scheduler calls on a real socket skip fastify's request pipeline (see `fast` below).
	let fast: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
	const serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
		const server = http.createServer((req, res) => {
			if (fast === null || !fast(req, res)) handler(req, res);
		});
		server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
		return server;
	};
	const app: FastifyInstance = (opts.logger === undefined
		? Fastify({ logger: false, bodyLimit, serverFactory })
		: Fastify({
				loggerInstance: opts.logger,
				bodyLimit,
				serverFactory,
				// No line per request: schedulers call many times a second.
				logController: new LogController({ disableRequestLogging: true }),
			})) as unknown as FastifyInstance;
	const { master, engine } = opts;
	const streams = new Set<RecordIoStream>();
	const ctx: HttpContext = {
		master,
		eventQueue: () => engine?.pending ?? 0,
		beforeCall: opts.beforeCall ?? (() => {}),
		after: (delayMs, fn) => {
			if (engine === undefined) return false;
			engine.timeout(delayMs, fn);
			return true;
		},
		defer: (fn) => {
			if (engine !== undefined) engine.timeout(0, fn);
			else queueMicrotask(fn);
		},
		streams,
		httpStreamIds: new Set(),
		streamLimits: {
			maxBufferedBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
			budget: new BufferBudget(opts.maxBufferedBytesTotal ?? DEFAULT_MAX_BUFFERED_BYTES_TOTAL),
		},
		heartbeatIntervalMs: master.flags.heartbeatIntervalMs,
		agentsOnMasterHost: opts.agentsOnMasterHost === true,
		auth: opts.auth === undefined ? null : new Authenticator(opts.auth),
	};
	const hub = new OperatorHub(ctx, {
		maxSubscribers: opts.maxOperatorSubscribers ?? DEFAULT_MAX_OPERATOR_SUBSCRIBERS,
	});

	// Bodies arrive raw, whatever their Content-Type: the routes check the type
	// themselves, in Mesos's order (405 before 400 before 415).
	app.removeAllContentTypeParsers();
	app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_req, body, done) => done(null, body));

	const endStreams = () => {
		for (const s of [...streams]) s.end();
	};
	app.decorate("mesos", {
		get openStreams() {
			return streams.size;
		},
		get bufferedBytes() {
			return ctx.streamLimits.budget.totalBytes;
		},
		get fastPathRequests() {
			return fastPathRequests;
		},
		keepAlive: () => {
			hub.keepAlive();
			for (const s of streams) {
				if (hub.subscribers.has(s)) continue;
				if (!s.takeWrote()) s.write({ type: "HEARTBEAT" });
			}
		},
		endStreams,
		operator: hub,
	} satisfies MesosHttp);

	let closing = false;
	let fastPathRequests = 0;
	app.addHook("preClose", (done) => {
		closing = true;
		endStreams();
		done();
	});

	app.setErrorHandler((err, req, reply) => {
		const e = errorReply(err, bodyLimit);
		if (e.log) req.log.error({ err }, e.message);
		return reply.code(e.status).headers(e.headers).header("Content-Type", TEXT_PLAIN).send(e.message);
	});

	app.setNotFoundHandler((req, reply) =>
		reply
			.code(404)
			.header("Content-Type", "text/plain; charset=utf-8")
			.send(`No route for ${req.method} ${req.url.split("?")[0]}`),
	);

	registerAuth(app, ctx.auth, SCHEDULER_PATH);
	const handleScheduler = schedulerHandler(ctx);
	registerScheduler(app, handleScheduler);
	registerOperator(app, ctx, hub);
	registerV0(app, ctx, hub);
	registerMaintenance(app, ctx);
	registerAgentPages(app, ctx, hub);
	if (opts.webuiDir !== undefined) registerWebUi(app, opts.webuiDir);

	/**
	 * POST /api/v1/scheduler straight from node:http: the same handler, body
	 * limit and error mapping as the fastify route, without fastify's request
	 * pipeline (routing, content-type parsing, hooks, reply), which under load
	 * (hundreds of calls a second) cost about as much as the call itself.
	 * Anything else, and every request once the app is closing (fastify's
	 * 503), goes to fastify.
	 */
	fast = (req, res) => {
		if (req.url !== SCHEDULER_PATH || closing) return false;
		fastPathRequests++;
		const log = app.log;
		const answer = (body: Buffer | undefined) => {
			let status: number;
			try {
				const r: SchedulerRequest = { method: req.method ?? "", headers: req.headers, body, res, log };
				status = handleScheduler(r);
			} catch (err) {
				const e = errorReply(err, bodyLimit);
				if (e.log) log.error({ err }, e.message);
				sendError(res, e);
				return;
			}
			if (status === 0) return; // a SUBSCRIBE stream owns the response now
			res.writeHead(status, { "Content-Length": "0" });
			res.end();
		};
		readBody(req, bodyLimit, answer, () =>
			sendError(
				res,
				errorReply(new ApiError("MST_ERR_BODY_TOO_LARGE", bodyTooLargeMessage(bodyLimit)), bodyLimit),
				true,
			),
		);
		return true;
	};
	return app;
}

const TEXT_PLAIN = "text/plain; charset=utf-8";

function sendError(res: ServerResponse, e: ErrorReply, close = false): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	const body = Buffer.from(e.message, "utf8");
	res.writeHead(e.status, {
		...e.headers,
		"Content-Type": TEXT_PLAIN,
		"Content-Length": String(body.length),
		// A body left unread (over the limit): end the connection rather than read it.
		...(close ? { Connection: "close" } : {}),
	});
	res.end(body);
}

/**
 * Reads a request body of at most `limit` bytes: `done` with it (undefined
 * when the request has none), or `tooLarge` as soon as it is known to be over.
 * An aborted request calls neither.
 */
function readBody(
	req: IncomingMessage,
	limit: number,
	done: (body: Buffer | undefined) => void,
	tooLarge: () => void,
): void {
	const declared = req.headers["content-length"];
	if (declared !== undefined && Number(declared) > limit) {
		tooLarge();
		return;
	}
	const chunks: Buffer[] = [];
	let size = 0;
	let over = false;
	req.on("data", (c: Buffer) => {
		if (over) return;
		size += c.length;
		if (size > limit) {
			over = true;
			tooLarge();
			return;
		}
		chunks.push(c);
	});
	req.on("end", () => {
		if (over) return;
		done(size === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
	});
}
