/**
 * HttpTransport — a Mesos v1 scheduler HTTP API client (docs/scheduler-http-api.md),
 * a drop-in replacement for the in-process transport: the same SchedulerDriver
 * and frameworks run over it against mesosim's `serve` or a real Apache Mesos
 * master. This directory is the one place in frameworks/ allowed network I/O
 * and node timers (the wall clock); nothing else in frameworks/ imports it.
 *
 * Wire behaviour:
 * - SUBSCRIBE is a POST with Content-Type and Accept `application/json`, held
 *   open: the 200 answer carries `Mesos-Stream-Id` and a chunked RecordIO body
 *   of events (recordio.ts: lengths in UTF-8 bytes, frames split anywhere).
 * - Every other call is its own POST with the framework id and that
 *   `Mesos-Stream-Id`. Calls share one keep-alive connection of their own
 *   (http1.ts) and are pipelined, up to PIPELINE_DEPTH written ahead of their
 *   answers, in the order sent, so the master sees them in order.
 *   Calls sent before SUBSCRIBED wait for it; framework_id is filled in from
 *   SUBSCRIBED when the call has none.
 * - 307 is followed (Location may be scheme-relative, "//host:port/api/v1/scheduler",
 *   as Mesos sends it); the new leader is remembered for later calls.
 * - A non-2xx answer goes to onCallError with its status and body; so does a
 *   refused SUBSCRIBE, followed by onClose. A call that cannot reach the
 *   master at all (connection refused, timeout) is reported as status 503
 *   with a message starting "network error:".
 * - Missed heartbeats: with no event for `missedHeartbeats` (5) ×
 *   heartbeat_interval_seconds the stream counts as lost: it is dropped and
 *   onClose runs, so the driver resubscribes with its framework id (its
 *   backoff, 1 s doubling to 60 s, applies; that has to fit in the
 *   framework's failover_timeout). An unreachable master gives onClose the
 *   same way, so the driver retries with the same backoff.
 * - Events reach onEvent asynchronously (from socket callbacks, never inside
 *   subscribe/send) and in stream order; nothing is delivered after close().
 */
import { performance } from "node:perf_hooks";
import type { Call, Event } from "../../../master/protocol/index.js";
import type { CallErrorHandler, CallFailure, Transport } from "../transport.js";
import { checkHeader, Http1Connection, http1Target, type ResponseHead } from "./http1.js";
import { DEFAULT_MAX_RECORD_BYTES, RecordIoDecoder } from "./recordio.js";

export const SCHEDULER_PATH = "/api/v1/scheduler";
export const STREAM_ID_HEADER = "Mesos-Stream-Id";
const APPLICATION_JSON = "application/json";
/** Mesos's DEFAULT_HEARTBEAT_INTERVAL, used when SUBSCRIBED does not say. */
export const DEFAULT_HEARTBEAT_INTERVAL_S = 15;
const MAX_ERROR_BODY = 64 * 1024;

type Status = CallFailure["status"];
const NOT_SUBSCRIBED: CallFailure = { ok: false, status: 403, message: "Framework is not subscribed" };

/** What the transport logs through (pino's Logger fits). */
export interface TransportLogger {
	debug(obj: object, msg: string): void;
	info(obj: object, msg: string): void;
	warn(obj: object, msg: string): void;
}

export interface HttpTransportOptions {
	/**
	 * The master: "http://host:5050", "host:5050" (http assumed) or the full
	 * scheduler endpoint URL. A path other than /api/v1/scheduler (a proxy
	 * prefix) gets /api/v1/scheduler appended.
	 */
	master: string;
	/** Heartbeats missed before the stream counts as lost (default 5, as Mesos clients do). */
	missedHeartbeats?: number;
	/** Wall ms from sending SUBSCRIBE to receiving SUBSCRIBED before giving up (default 30 000). */
	subscribeTimeoutMs?: number;
	/** Wall ms a call may take before it is reported failed (default 30 000). */
	callTimeoutMs?: number;
	/** Redirects (307) followed per request (default 5). */
	maxRedirects?: number;
	/** Largest event accepted, in bytes (default 64 MiB). */
	maxRecordBytes?: number;
	/** Extra request headers on every request (e.g. Authorization for a master with HTTP auth). */
	headers?: Readonly<Record<string, string>>;
	/**
	 * HTTP Basic credentials for a master that authenticates frameworks
	 * (Mesos's --authenticate_http_frameworks); a master URL of the form
	 * http://principal:secret@host:5050 gives them too.
	 */
	credentials?: { principal: string; secret: string };
	logger?: TransportLogger;
	/**
	 * Called when each call's answer arrives: HTTP status (0: no answer), wall
	 * ms since send(), and of those the ms it waited behind earlier calls.
	 */
	onCallDone?: (call: Call, status: number, latencyMs: number, queuedMs: number) => void;
}

/** The value of an HTTP Basic Authorization header. */
export function basicAuthorization(principal: string, secret: string): string {
	return `Basic ${Buffer.from(`${principal}:${secret}`, "utf8").toString("base64")}`;
}

/** principal:secret@ from a master URL, if it has them. */
function urlCredentials(master: string): { principal: string; secret: string } | null {
	try {
		const u = new URL(
			/^[a-z][a-z0-9+.-]*:\/\//i.test(master.trim()) ? master.trim() : `http://${master.trim()}`,
		);
		if (u.username === "") return null;
		return { principal: decodeURIComponent(u.username), secret: decodeURIComponent(u.password) };
	} catch {
		return null;
	}
}

/** The scheduler endpoint for a master URL. Throws TypeError with a readable message. */
export function schedulerEndpoint(master: string): URL {
	const text = master.trim();
	let url: URL;
	try {
		url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
	} catch {
		throw new TypeError(`not a URL: ${JSON.stringify(master)} (write e.g. http://127.0.0.1:5050)`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:")
		throw new TypeError(
			`unsupported scheme ${url.protocol} in ${JSON.stringify(master)} (use http or https)`,
		);
	if (url.hostname === "") throw new TypeError(`no host in ${JSON.stringify(master)}`);
	// Credentials in the URL go into an Authorization header (basicAuthorization), never into logs.
	url.username = "";
	url.password = "";
	const path = url.pathname.replace(/\/+$/, "");
	if (!path.endsWith(SCHEDULER_PATH)) url.pathname = `${path}${SCHEDULER_PATH}`;
	url.search = "";
	url.hash = "";
	return url;
}

/**
 * Where a 307 points: Location resolved against the current URL (Mesos sends
 * "//host:port/api/v1/scheduler"); without a path, the current path. Null when
 * Location is missing or not an http(s) URL.
 */
export function redirectTarget(location: string | undefined, current: URL): URL | null {
	if (location === undefined || location.trim() === "") return null;
	let next: URL;
	try {
		next = new URL(location.trim(), current);
	} catch {
		return null;
	}
	if (next.protocol !== "http:" && next.protocol !== "https:") return null;
	if (next.pathname === "/" && !/^(?:[a-z]+:)?\/\/[^/]+\/./i.test(location.trim()))
		next.pathname = current.pathname;
	return next;
}

/** The bare media type of a Content-Type header value. */
function mediaType(header: string | undefined): string {
	if (header === undefined) return "";
	const semi = header.indexOf(";");
	return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

function errorText(err: unknown): string {
	const e = err as NodeJS.ErrnoException;
	return e.code !== undefined ? `${e.code}${e.message.includes(e.code) ? "" : `: ${e.message}`}` : e.message;
}

/** A (small) answer body read as text: at most MAX_ERROR_BODY bytes kept. */
class TextBody {
	#parts: Buffer[] = [];
	#size = 0;
	push(chunk: Buffer): void {
		if (this.#size < MAX_ERROR_BODY) this.#parts.push(Buffer.from(chunk));
		this.#size += chunk.length;
	}
	text(): string {
		return Buffer.concat(this.#parts).subarray(0, MAX_ERROR_BODY).toString("utf8").trim();
	}
}

/**
 * Calls written ahead of their answers on the call connection (HTTP/1.1
 * pipelining, as the Mesos scheduler library does): the master answers in
 * order, so a framework's DECLINE need not wait for its ACCEPT's round trip.
 */
export const PIPELINE_DEPTH = 16;

/** Errors after which a call that went out on a kept-alive connection is sent once more. */
const IDLE_CLOSE_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNCLOSED"]);

/** One subscription: the open SUBSCRIBE request and its event stream. */
interface Sub {
	readonly call: Call;
	readonly onEvent: (event: Event) => void;
	readonly onClose: () => void;
	readonly decoder: RecordIoDecoder;
	/** The SUBSCRIBE request's connection (the stream has one of its own). */
	conn: Http1Connection | null;
	streamId: string | null;
	frameworkId: string | null;
	/** SUBSCRIBED arrived and the stream has not ended. */
	open: boolean;
	/** Ended by the master, the network, or the heartbeat watchdog. */
	ended: boolean;
	/** The client hung up (close()). */
	clientClosed: boolean;
	/** Calls sent before SUBSCRIBED. */
	pending: Call[];
	lastEventAt: number;
	/** No event for this long (wall ms) drops the stream; set by SUBSCRIBED. */
	silenceMs: number;
	watchdog: NodeJS.Timeout | null;
}

interface QueuedCall {
	call: Call;
	streamId: string;
	sentAt: number;
	/** When its request went out (after the calls before it were answered). */
	postedAt: number;
	/** Resent once after a reset kept-alive socket. */
	retried: boolean;
}

export class HttpTransport implements Transport {
	onCallError: CallErrorHandler | null = null;
	readonly missedHeartbeats: number;
	readonly subscribeTimeoutMs: number;
	readonly callTimeoutMs: number;
	readonly maxRedirects: number;
	readonly #maxRecordBytes: number;
	readonly #headers: Readonly<Record<string, string>>;
	readonly #log: TransportLogger | null;
	readonly #onCallDone: HttpTransportOptions["onCallDone"];
	/** The scheduler endpoint; moves when a 307 names another leader. */
	#url: URL;
	#sub: Sub | null = null;
	readonly #queue: QueuedCall[] = [];
	/** Calls written and not yet answered (pipelined on the call connection). */
	#inFlight = 0;
	/** The keep-alive connection for calls (pipelined on one socket), to the current #url. */
	#calls: Http1Connection | null = null;
	/** The URL #calls was opened for (URLs are replaced, never mutated, so identity says "same"). */
	#callsUrl: URL | null = null;

	constructor(opts: HttpTransportOptions) {
		this.#url = schedulerEndpoint(opts.master);
		this.missedHeartbeats = opts.missedHeartbeats ?? 5;
		this.subscribeTimeoutMs = opts.subscribeTimeoutMs ?? 30_000;
		this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
		this.maxRedirects = opts.maxRedirects ?? 5;
		this.#maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
		const credentials = opts.credentials ?? urlCredentials(opts.master);
		this.#headers =
			credentials === null || Object.keys(opts.headers ?? {}).some((k) => k.toLowerCase() === "authorization")
				? (opts.headers ?? {})
				: { ...opts.headers, Authorization: basicAuthorization(credentials.principal, credentials.secret) };
		for (const [name, value] of Object.entries(this.#headers)) checkHeader(name, value);
		this.#log = opts.logger ?? null;
		this.#onCallDone = opts.onCallDone;
	}

	/** The scheduler endpoint in use (after redirects). */
	get url(): string {
		return this.#url.href;
	}

	get connected(): boolean {
		return this.#sub?.open === true;
	}

	/** Mesos-Stream-Id of the current subscription, once the master answered. */
	get streamId(): string | null {
		return this.#sub?.streamId ?? null;
	}

	/** Calls sent and not yet answered (queued or in flight). */
	get pendingCalls(): number {
		return this.#queue.length + this.#inFlight + (this.#sub?.pending.length ?? 0);
	}

	subscribe(call: Call, onEvent: (event: Event) => void, onClose: () => void): void {
		this.close();
		const sub: Sub = {
			call,
			onEvent,
			onClose,
			decoder: new RecordIoDecoder(this.#maxRecordBytes),
			conn: null,
			streamId: null,
			frameworkId: call.framework_id?.value ?? null,
			open: false,
			ended: false,
			clientClosed: false,
			pending: [],
			lastEventAt: 0,
			silenceMs: 0,
			watchdog: null,
		};
		this.#sub = sub;
		sub.watchdog = setTimeout(() => this.#watch(sub), this.subscribeTimeoutMs);
		// Never start I/O (or fail) inside subscribe() itself.
		setImmediate(() => this.#openStream(sub, this.#url, this.maxRedirects));
	}

	send(call: Call): void {
		const sub = this.#sub;
		if (sub === null || sub.clientClosed || (sub.ended && sub.streamId === null)) {
			setImmediate(() => this.onCallError?.(call, NOT_SUBSCRIBED));
			return;
		}
		if (!sub.open && !sub.ended) {
			sub.pending.push(call);
			return;
		}
		this.#enqueue(call, sub.streamId!, sub.frameworkId);
	}

	/** Hangs up: no further events, onClose does not run. Calls already sent still go out. */
	close(): void {
		const sub = this.#sub;
		if (sub === null) return;
		this.#sub = null;
		if (sub.clientClosed) return;
		sub.clientClosed = true;
		sub.open = false;
		sub.pending = [];
		this.#stopWatch(sub);
		sub.conn?.close();
		sub.conn = null;
	}

	/** close() and drop the idle call connections (for a process that is about to exit). */
	dispose(): void {
		this.close();
		this.#calls?.close();
		this.#calls = null;
	}

	// ---- the subscription stream ----------------------------------------------

	/** Request line and headers (the extra ones first), each line ending in CRLF; Host and Content-Length follow. */
	#head(url: URL, headers: Readonly<Record<string, string>>): string {
		let h = `POST ${url.pathname}${url.search} HTTP/1.1\r\n`;
		for (const [k, v] of Object.entries(this.#headers)) h += `${k}: ${v}\r\n`;
		for (const [k, v] of Object.entries(headers)) h += `${k}: ${v}\r\n`;
		return h;
	}

	#openStream(sub: Sub, url: URL, redirects: number): void {
		if (sub.clientClosed || sub.ended) return;
		const body = Buffer.from(JSON.stringify(sub.call), "utf8");
		let conn: Http1Connection;
		try {
			conn = new Http1Connection(http1Target(url));
		} catch (err) {
			this.#end(sub, `cannot send SUBSCRIBE to ${url.href}: ${errorText(err)}`, "warn");
			return;
		}
		sub.conn = conn;
		let head: ResponseHead | null = null;
		let events = false;
		const text = new TextBody();
		const headers = { "Content-Type": APPLICATION_JSON, Accept: APPLICATION_JSON };
		conn.request(
			this.#head(url, headers),
			body,
			{
				onHead: (h) => {
					head = h;
					if (h.status !== 200 || sub.clientClosed || sub.ended) return;
					const type = mediaType(h.headers["content-type"]);
					const streamId = h.headers[STREAM_ID_HEADER.toLowerCase()];
					const problem =
						type !== APPLICATION_JSON
							? `SUBSCRIBE answered with Content-Type ${JSON.stringify(h.headers["content-type"] ?? null)}, expected ${APPLICATION_JSON}`
							: streamId === undefined || streamId === ""
								? `SUBSCRIBE answered without a ${STREAM_ID_HEADER} header`
								: /^[\x21-\x7e]+$/.test(streamId)
									? null
									: `SUBSCRIBE answered with an unusable ${STREAM_ID_HEADER} ${JSON.stringify(streamId)}`;
					if (problem !== null) {
						this.#end(sub, problem, "warn");
						return;
					}
					sub.streamId = streamId!;
					events = true;
				},
				onBody: (chunk) => {
					if (events) this.#onData(sub, chunk);
					else if (head !== null && head.status !== 200) text.push(chunk);
				},
				onEnd: () => {
					const h = head!;
					if (sub.clientClosed || sub.ended) return;
					if (h.status === 200) {
						this.#end(sub, "the master ended the event stream", "info");
						return;
					}
					conn.close();
					if (h.status !== 307) {
						this.#refused(sub, h.status, text.text() || h.statusText);
						return;
					}
					const next = redirectTarget(h.headers.location, url);
					if (next === null || redirects <= 0) {
						this.#refused(
							sub,
							h.status,
							next === null
								? `307 without a usable Location (${JSON.stringify(h.headers.location ?? null)})`
								: `too many redirects (last to ${next.href})`,
						);
						return;
					}
					this.#log?.info({ from: url.href, to: next.href }, "master redirected SUBSCRIBE (not the leader)");
					this.#url = next;
					sub.conn = null;
					this.#openStream(sub, next, redirects - 1);
				},
				onError: (err) => {
					if (sub.clientClosed || sub.ended) return;
					if (events) this.#end(sub, `the event stream's connection closed: ${errorText(err)}`, "info");
					else this.#end(sub, `cannot reach the master at ${url.host}: ${errorText(err)}`, "warn");
				},
			},
			0,
		);
	}

	#onData(sub: Sub, chunk: Buffer): void {
		if (sub.clientClosed || sub.ended) return;
		let records: Buffer[];
		try {
			records = sub.decoder.push(chunk);
		} catch (err) {
			this.#drop(sub, (err as Error).message);
			return;
		}
		for (const r of records) {
			if (sub.clientClosed || sub.ended) return;
			if (r.length === 0) continue;
			let event: Event;
			try {
				event = JSON.parse(r.toString("utf8")) as Event;
			} catch {
				this.#drop(sub, `an event is not JSON: ${JSON.stringify(r.subarray(0, 80).toString("utf8"))}`);
				return;
			}
			if (typeof event !== "object" || event === null || typeof event.type !== "string") {
				this.#drop(sub, `an event has no type: ${JSON.stringify(r.subarray(0, 80).toString("utf8"))}`);
				return;
			}
			sub.lastEventAt = performance.now();
			if (event.type === "SUBSCRIBED") this.#onSubscribed(sub, event.subscribed);
			sub.onEvent(event);
		}
	}

	#onSubscribed(sub: Sub, s: Extract<Event, { type: "SUBSCRIBED" }>["subscribed"] | undefined): void {
		const id = s?.framework_id?.value;
		if (typeof id === "string") sub.frameworkId = id;
		const interval = Number(s?.heartbeat_interval_seconds);
		const seconds = Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_HEARTBEAT_INTERVAL_S;
		sub.silenceMs = this.missedHeartbeats * seconds * 1000;
		const first = !sub.open;
		sub.open = true;
		this.#stopWatch(sub);
		sub.watchdog = setTimeout(() => this.#watch(sub), sub.silenceMs);
		if (first) {
			this.#log?.debug({ frameworkId: sub.frameworkId, streamId: sub.streamId }, "subscribed");
			const pending = sub.pending;
			sub.pending = [];
			for (const call of pending) this.#enqueue(call, sub.streamId!, sub.frameworkId);
		}
	}

	/** The watchdog: no SUBSCRIBED in time, or no event for missedHeartbeats intervals. */
	#watch(sub: Sub): void {
		sub.watchdog = null;
		if (sub.clientClosed || sub.ended) return;
		if (!sub.open) {
			this.#drop(sub, `no SUBSCRIBED event within ${this.subscribeTimeoutMs} ms`);
			return;
		}
		const idle = performance.now() - sub.lastEventAt;
		if (idle >= sub.silenceMs) {
			this.#drop(
				sub,
				`no event for ${Math.round(idle)} ms (${this.missedHeartbeats} heartbeats missed): dropping the stream`,
			);
			return;
		}
		sub.watchdog = setTimeout(() => this.#watch(sub), sub.silenceMs - idle);
	}

	#stopWatch(sub: Sub): void {
		if (sub.watchdog !== null) clearTimeout(sub.watchdog);
		sub.watchdog = null;
	}

	/** The client gives up on a stream it cannot trust (bad framing, silence): hang up, then onClose. */
	#drop(sub: Sub, reason: string): void {
		if (sub.clientClosed || sub.ended) return;
		this.#end(sub, reason, "warn");
	}

	#refused(sub: Sub, status: number, message: string): void {
		if (sub.clientClosed || sub.ended) return;
		const call = sub.call;
		this.onCallError?.(call, { ok: false, status: status as Status, message });
		this.#end(sub, `SUBSCRIBE refused: ${status} ${message}`, "warn");
	}

	/** The stream is over (not by close()): pending calls fail with 403, then onClose runs once. */
	#end(sub: Sub, reason: string, level: "info" | "warn"): void {
		if (sub.ended || sub.clientClosed) return;
		sub.ended = true;
		sub.open = false;
		this.#stopWatch(sub);
		sub.conn?.close();
		sub.conn = null;
		this.#log?.[level]({ master: this.#url.host, streamId: sub.streamId, reason }, "subscription lost");
		const pending = sub.pending;
		sub.pending = [];
		for (const call of pending) this.onCallError?.(call, NOT_SUBSCRIBED);
		if (this.#sub === sub) sub.onClose();
	}

	// ---- calls -----------------------------------------------------------------

	#enqueue(call: Call, streamId: string, frameworkId: string | null): void {
		const c =
			call.framework_id === undefined && frameworkId !== null
				? { ...call, framework_id: { value: frameworkId } }
				: call;
		this.#queue.push({ call: c, streamId, sentAt: performance.now(), postedAt: 0, retried: false });
		this.#pump();
	}

	#pump(): void {
		while (this.#inFlight < PIPELINE_DEPTH) {
			const next = this.#queue.shift();
			if (next === undefined) return;
			this.#inFlight++;
			next.postedAt = performance.now();
			this.#post(next, Buffer.from(JSON.stringify(next.call), "utf8"), this.#url, this.maxRedirects);
		}
	}

	#done(q: QueuedCall, status: number, failure: CallFailure | null): void {
		this.#inFlight--;
		this.#onCallDone?.(q.call, status, performance.now() - q.sentAt, q.postedAt - q.sentAt);
		if (failure !== null) this.onCallError?.(q.call, failure);
		this.#pump();
	}

	/** The call connection to `url`'s server (a new one when a redirect moved the leader). */
	#callConnection(url: URL): Http1Connection {
		const c = this.#calls;
		if (c !== null && this.#callsUrl === url) return c;
		const target = http1Target(url);
		this.#callsUrl = url;
		if (c !== null && c.target.host === target.host && c.target.secure === target.secure) return c;
		// Calls still in flight to the old leader get their answers (307s, resent from there).
		c?.closeWhenIdle();
		this.#calls = new Http1Connection(target);
		return this.#calls;
	}

	#post(q: QueuedCall, body: Buffer, url: URL, redirects: number): void {
		let conn: Http1Connection;
		try {
			conn = this.#callConnection(url);
		} catch (err) {
			setImmediate(() => this.#done(q, 0, this.#networkFailure(q.call, url, err)));
			return;
		}
		let settled = false;
		const settle = (status: number, failure: CallFailure | null) => {
			if (settled) return;
			settled = true;
			this.#done(q, status, failure);
		};
		let head: ResponseHead | null = null;
		const text = new TextBody();
		const headers = {
			"Content-Type": APPLICATION_JSON,
			Accept: APPLICATION_JSON,
			[STREAM_ID_HEADER]: q.streamId,
		};
		conn.request(
			this.#head(url, headers),
			body,
			{
				onHead: (h) => {
					head = h;
				},
				onBody: (chunk) => {
					if (head !== null && (head.status < 200 || head.status >= 300)) text.push(chunk);
				},
				onEnd: () => {
					const h = head!;
					const status = h.status;
					if (status >= 200 && status < 300) {
						settle(status, null);
						return;
					}
					if (status !== 307) {
						settle(status, { ok: false, status: status as Status, message: text.text() || h.statusText });
						return;
					}
					const next = redirectTarget(h.headers.location, url);
					if (next === null || redirects <= 0) {
						settle(status, { ok: false, status: status as Status, message: "redirect not followed" });
						return;
					}
					this.#log?.info({ from: url.href, to: next.href, call: q.call.type }, "master redirected a call");
					this.#url = next;
					settled = true; // this request is over; the redirected one settles
					this.#post(q, body, next, redirects - 1);
				},
				onError: (err, info) => {
					// A kept-alive connection the server closed while idle: the call never got there; send it once more.
					const code = (err as NodeJS.ErrnoException).code;
					if (
						!settled &&
						info.reused &&
						info.beforeResponse &&
						!q.retried &&
						IDLE_CLOSE_CODES.has(code ?? "")
					) {
						settled = true;
						q.retried = true;
						this.#post(q, body, url, redirects);
						return;
					}
					settle(0, this.#networkFailure(q.call, url, err));
				},
			},
			this.callTimeoutMs,
		);
	}

	#networkFailure(call: Call, url: URL, err: unknown): CallFailure {
		const message = `network error: ${call.type} to ${url.host}: ${errorText(err)}`;
		this.#log?.warn({ call: call.type, master: url.host }, message);
		return { ok: false, status: 503, message };
	}
}
