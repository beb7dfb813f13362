/**
 * buildApp — the master's HTTP surface as a fastify instance that never
 * listens (the CLI and the real-socket test call listen; other tests use
 * inject()). It turns HTTP requests into the same calls an in-process
 * framework makes and the master's events into RecordIO frames:
 *
 *   POST /api/v1/scheduler   v1 scheduler API (scheduler.ts)
 *   POST /api/v1             v1 operator API and its event stream (operator.ts)
 *   GET  /master/*, /metrics/snapshot, /version   v0 JSON (v0.ts)
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
import Fastify, {
	type FastifyBaseLogger,
	type FastifyError,
	type FastifyInstance,
	LogController,
} from "fastify";
import type { Engine } from "../../sim/engine/index.js";
import type { Master } from "../master.js";
import type { HttpContext } from "./context.js";
import { ApiError } from "./errors.js";
import { OperatorHub, registerOperator } from "./operator.js";
import { registerScheduler } from "./scheduler.js";
import type { RecordIoStream } from "./stream.js";
import { registerV0 } from "./v0.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_OPERATOR_SUBSCRIBERS = 1000;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

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
	/** Runs before each call reaches the master (the live driver catches the clock up to the wall). */
	beforeCall?: () => void;
}

/** What the app exposes to its driver. */
export interface MesosHttp {
	/** Open RecordIO responses (scheduler and operator). */
	readonly openStreams: number;
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

export function buildApp(opts: BuildAppOptions): FastifyInstance {
	const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
	const app: FastifyInstance = (opts.logger === undefined
		? Fastify({ logger: false, bodyLimit })
		: Fastify({
				loggerInstance: opts.logger,
				bodyLimit,
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
		maxBufferedBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
		heartbeatIntervalMs: master.flags.heartbeatIntervalMs,
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

	app.addHook("preClose", (done) => {
		endStreams();
		done();
	});

	app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
		let status: number;
		let message: string;
		let headers: Readonly<Record<string, string>> = {};
		if (err instanceof ApiError) {
			status = err.statusCode;
			message = err.message;
			headers = err.headers;
		} else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
			status = 413;
			message = `Request body is larger than the limit of ${bodyLimit} bytes`;
		} else if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
			status = err.statusCode;
			message = err.message;
		} else {
			status = 500;
			message = "Internal server error";
			req.log.error({ err }, "internal error");
		}
		if (status >= 500 && status !== 501 && status !== 503) req.log.error({ err }, message);
		return reply
			.code(status)
			.headers(headers)
			.header("Content-Type", "text/plain; charset=utf-8")
			.send(message);
	});

	app.setNotFoundHandler((req, reply) =>
		reply
			.code(404)
			.header("Content-Type", "text/plain; charset=utf-8")
			.send(`No route for ${req.method} ${req.url.split("?")[0]}`),
	);

	registerScheduler(app, ctx);
	registerOperator(app, ctx, hub);
	registerV0(app, ctx, hub);
	return app;
}
