/**
 * A small HTTP/1.1 client for the scheduler API: one persistent connection,
 * requests pipelined on it, each written in one piece and the response
 * parsed as bytes arrive (RFC 9112: Content-Length, chunked, or read until
 * close; 1xx interim answers skipped).
 *
 * Why not node:http: a framework makes several calls per offer cycle and reads
 * a long chunked event stream, and under load (100 frameworks in one process)
 * node:http's per-request machinery (ClientRequest, Agent bookkeeping, header
 * validation, IncomingMessage streams) cost about as much CPU as the work
 * itself. Here a call is one write and a parse of a few bytes.
 */
import net from "node:net";
import tls from "node:tls";

const CR = 0x0d;
const LF = 0x0a;
/** Longest status line + header block accepted (as Node's default --max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Longest chunk-size line (hex digits and extensions). */
const MAX_CHUNK_LINE = 1024;
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");
/** A header name as RFC 9110 allows (a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The response does not parse as HTTP/1.1. */
export class HttpParseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "HttpParseError";
	}
}

export interface ResponseHead {
	status: number;
	statusText: string;
	/** Header names lower-cased; a repeated header's values joined with ", ". */
	headers: Record<string, string>;
	/** The server keeps the connection open after this response. */
	keepAlive: boolean;
}

export interface ResponseHandlers {
	/** The first byte of a response arrived (before its head is complete). */
	onStart?(): void;
	onHead(head: ResponseHead): void;
	/** A piece of the body (a view into the received bytes: copy what you keep). */
	onBody(chunk: Buffer): void;
	onEnd(): void;
}

type Body =
	| { kind: "none" }
	| { kind: "length"; left: number }
	| { kind: "chunked"; left: number; state: "size" | "data" | "data-crlf" | "trailers" }
	| { kind: "close" };

/** Parses one response after another from a byte stream. */
export class ResponseParser {
	#h: ResponseHandlers;
	#buf: Buffer | null = null;
	#body: Body | null = null;
	/** The current response's first byte was seen (onStart ran). */
	#started = false;
	#done = false;

	constructor(handlers: ResponseHandlers) {
		this.#h = handlers;
	}

	/** A response's head was read and its body is not finished. */
	get inBody(): boolean {
		return this.#body !== null;
	}

	/** Feeds bytes. Throws HttpParseError; the parser is then unusable. */
	push(chunk: Buffer): void {
		const data = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
		this.#buf = null;
		let pos = 0;
		while (pos < data.length && !this.#done) {
			if (this.#body === null) {
				if (!this.#started) {
					this.#started = true;
					this.#h.onStart?.();
					if (this.#done) return;
				}
				const end = data.indexOf(HEAD_END, pos);
				if (end < 0) {
					// Up to 3 of the bytes may be the start of the blank line that ends the head.
					if (data.length - pos - 3 > MAX_HEAD_BYTES)
						throw new HttpParseError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
					break;
				}
				if (end - pos > MAX_HEAD_BYTES)
					throw new HttpParseError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
				const head = parseHead(data.toString("latin1", pos, end));
				pos = end + 4;
				if (head.status < 200) continue; // 100 Continue, 103 Early Hints: the real answer follows (same response)
				this.#body = bodyOf(head);
				this.#h.onHead(head);
				if (this.#body.kind === "none" || (this.#body.kind === "length" && this.#body.left === 0))
					this.#end();
				continue;
			}
			pos = this.#readBody(data, pos);
			if (pos < 0) return; // waiting for more of a chunk-size line (kept in #buf)
		}
		if (pos < data.length && !this.#done) this.#buf = Buffer.from(data.subarray(pos));
	}

	/** The connection closed: ends a read-until-close body; throws if a response was cut short. */
	close(): void {
		const b = this.#body;
		if (b === null) {
			if (this.#buf !== null) throw new HttpParseError("connection closed inside a response head");
			return;
		}
		if (b.kind === "close") {
			this.#end();
			return;
		}
		throw new HttpParseError("connection closed before the response body ended");
	}

	/** Stops parsing (the caller is done with this connection). */
	stop(): void {
		this.#done = true;
		this.#buf = null;
	}

	#end(): void {
		this.#body = null;
		this.#started = false;
		this.#h.onEnd();
	}

	/** Reads body bytes from `pos`; returns the next position, or -1 when the rest was buffered. */
	#readBody(data: Buffer, pos: number): number {
		const b = this.#body!;
		if (b.kind === "close") {
			this.#h.onBody(data.subarray(pos));
			return data.length;
		}
		if (b.kind === "length") {
			const n = Math.min(b.left, data.length - pos);
			b.left -= n;
			this.#h.onBody(data.subarray(pos, pos + n));
			if (b.left === 0) this.#end();
			return pos + n;
		}
		if (b.kind !== "chunked") return pos;
		switch (b.state) {
			case "size": {
				const nl = data.indexOf(LF, pos);
				if ((nl < 0 ? data.length : nl) - pos > MAX_CHUNK_LINE)
					throw new HttpParseError("chunk-size line too long");
				if (nl < 0) {
					this.#buf = Buffer.from(data.subarray(pos));
					return -1;
				}
				b.left = parseChunkSize(data, pos, nl);
				b.state = b.left === 0 ? "trailers" : "data";
				return nl + 1;
			}
			case "data": {
				const n = Math.min(b.left, data.length - pos);
				b.left -= n;
				if (n > 0) this.#h.onBody(data.subarray(pos, pos + n));
				if (b.left === 0) b.state = "data-crlf";
				return pos + n;
			}
			case "data-crlf": {
				// CRLF after the chunk's data (a bare LF is tolerated, as most parsers do).
				const c = data[pos]!;
				if (c === CR) return pos + 1;
				if (c !== LF) throw new HttpParseError("chunk data not followed by CRLF");
				b.state = "size";
				return pos + 1;
			}
			case "trailers": {
				// Trailer lines end at an empty line; they are read and ignored.
				const nl = data.indexOf(LF, pos);
				if ((nl < 0 ? data.length : nl) - pos > MAX_HEAD_BYTES) throw new HttpParseError("trailers too long");
				if (nl < 0) {
					this.#buf = Buffer.from(data.subarray(pos));
					return -1;
				}
				const empty = nl === pos || (nl === pos + 1 && data[pos] === CR);
				if (empty) this.#end();
				return nl + 1;
			}
		}
	}
}

function parseHead(text: string): ResponseHead {
	const lines = text.split("\r\n");
	const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
	if (m === null)
		throw new HttpParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
	const headers: Record<string, string> = {};
	for (let i = 1; i < lines.length; i++) {
		const line = lines[i]!;
		const colon = line.indexOf(":");
		// A token, then the colon: no whitespace before it, no obsolete line folding.
		if (colon <= 0 || !TOKEN.test(line.slice(0, colon)))
			throw new HttpParseError(`bad header line: ${JSON.stringify(line.slice(0, 80))}`);
		const name = line.slice(0, colon).toLowerCase();
		const value = line.slice(colon + 1).trim();
		headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
	}
	const connection = (headers.connection ?? "").toLowerCase();
	const keepAlive = m[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
	return { status: Number(m[2]), statusText: m[3] ?? "", headers, keepAlive };
}

function bodyOf(head: ResponseHead): Body {
	if (head.status === 204 || head.status === 304) return { kind: "none" };
	const te = head.headers["transfer-encoding"];
	if (te !== undefined) {
		if (!/(?:^|,)\s*chunked\s*$/i.test(te)) {
			head.keepAlive = false;
			return { kind: "close" };
		}
		return { kind: "chunked", left: 0, state: "size" };
	}
	const cl = head.headers["content-length"];
	if (cl !== undefined) {
		if (!/^\d{1,15}$/.test(cl)) throw new HttpParseError(`bad Content-Length ${JSON.stringify(cl)}`);
		return { kind: "length", left: Number(cl) };
	}
	head.keepAlive = false;
	return { kind: "close" };
}

function parseChunkSize(data: Buffer, start: number, nl: number): number {
	let n = 0;
	let digits = 0;
	for (let i = start; i < nl; i++) {
		const c = data[i]!;
		const d =
			c >= 0x30 && c <= 0x39
				? c - 0x30
				: c >= 0x61 && c <= 0x66
					? c - 87
					: c >= 0x41 && c <= 0x46
						? c - 55
						: -1;
		if (d < 0) {
			// Chunk extensions (";name=value") and the CR are ignored.
			if (c === 0x3b || c === CR || c === 0x20 || c === 0x09) break;
			throw new HttpParseError(`bad chunk size ${JSON.stringify(data.toString("latin1", start, nl))}`);
		}
		if (++digits > 13) throw new HttpParseError("chunk size too large");
		n = n * 16 + d;
	}
	if (digits === 0)
		throw new HttpParseError(`bad chunk size ${JSON.stringify(data.toString("latin1", start, nl))}`);
	return n;
}

// ---- the connection ----------------------------------------------------------------

export interface RequestHandlers extends ResponseHandlers {
	/**
	 * The request failed before its response ended (network error, timeout,
	 * malformed response). `beforeResponse`: no byte of the answer arrived.
	 * `reused`: the request went out on a connection that carried requests
	 * before it (one the server may have closed while idle, or closed after
	 * answering an earlier request with `Connection: close`).
	 */
	onError(err: Error, info: { beforeResponse: boolean; reused: boolean }): void;
}

function uncork(socket: net.Socket): void {
	socket.uncork();
}

/** An Error with a Node-style `code` (ETIMEDOUT: no answer in time; ECONNCLOSED: closed before the answer). */
function codedError(message: string, code: string): Error {
	return Object.assign(new Error(message), { code });
}

/** Throws TypeError for a header name or value that would break the request framing. */
export function checkHeader(name: string, value: string): void {
	if (!TOKEN.test(name)) throw new TypeError(`invalid HTTP header name ${JSON.stringify(name)}`);
	if (/[\r\n\0]/.test(value)) throw new TypeError(`invalid value for HTTP header ${name}`);
}

export interface Http1Target {
	secure: boolean;
	hostname: string;
	port: number;
	/** The Host header: host[:port]. */
	host: string;
}

export function http1Target(url: URL): Http1Target {
	const secure = url.protocol === "https:";
	const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
	// URL keeps IPv6 hosts bracketed; net.connect wants them bare.
	const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
	return { secure, hostname, port, host: url.host };
}

/** A request written and not yet fully answered. */
interface Pending {
	readonly handlers: RequestHandlers;
	/** Written on a connection that carried a request before it. */
	readonly reused: boolean;
	sawResponse: boolean;
	timer: NodeJS.Timeout | null;
}

/**
 * One HTTP/1.1 connection to one server, opened on the first request and kept
 * alive while the server allows. Requests are pipelined (RFC 9112 §9.3):
 * each is written at once and the answers come back in order, as the Mesos
 * scheduler library sends calls over its one connection.
 */
export class Http1Connection {
	readonly target: Http1Target;
	#socket: net.Socket | null = null;
	#parser: ResponseParser | null = null;
	/** In the order written; the first is the one being answered. */
	#inflight: Pending[] = [];
	/** Requests written on the current socket. */
	#written = 0;
	#keepAlive = true;
	#closeWhenIdle = false;

	constructor(target: Http1Target) {
		this.target = target;
	}

	/** Requests written and not yet answered. */
	get inFlight(): number {
		return this.#inflight.length;
	}

	/**
	 * Sends a request; the handlers get the response (or onError), always
	 * asynchronously. `head` is the request line and headers without Host and
	 * Content-Length, each line ending in CRLF (checkHeader() the values).
	 * `timeoutMs`: no complete answer within this long fails it (and the
	 * requests behind it on this connection); 0: no limit.
	 */
	request(head: string, body: Buffer | null, handlers: RequestHandlers, timeoutMs: number): void {
		let socket = this.#socket;
		if (socket === null) socket = this.#open();
		const p: Pending = { handlers, reused: this.#written > 0, sawResponse: false, timer: null };
		this.#written++;
		this.#inflight.push(p);
		// Requests made in the same tick leave in one write (one segment, one wake-up of the server).
		if (socket.writableCorked === 0) {
			socket.cork();
			process.nextTick(uncork, socket);
		}
		const len = body === null ? 0 : body.length;
		const text = `${head}Host: ${this.target.host}\r\nContent-Length: ${len}\r\n\r\n`;
		if (body === null || len === 0) socket.write(text, "latin1");
		else {
			const hl = Buffer.byteLength(text, "latin1");
			const buf = Buffer.allocUnsafe(hl + len);
			buf.write(text, 0, "latin1");
			body.copy(buf, hl);
			socket.write(buf);
		}
		if (timeoutMs > 0)
			p.timer = setTimeout(
				() => this.#fail(codedError(`no answer within ${timeoutMs} ms`, "ETIMEDOUT")),
				timeoutMs,
			);
	}

	/** Closes the connection; requests in flight get no further callbacks. */
	close(): void {
		this.#clearAll();
		this.#inflight = [];
		this.#drop();
	}

	/** Closes the connection once every request in flight is answered (now, if none is). */
	closeWhenIdle(): void {
		this.#closeWhenIdle = true;
		if (this.#inflight.length === 0) this.close();
	}

	#open(): net.Socket {
		const t = this.target;
		const socket = t.secure
			? tls.connect({
					host: t.hostname,
					port: t.port,
					servername: net.isIP(t.hostname) ? undefined : t.hostname,
				})
			: net.connect({ host: t.hostname, port: t.port });
		socket.setNoDelay(true);
		const parser = new ResponseParser({
			onStart: () => {
				const p = this.#inflight[0];
				// Bytes nobody asked for: the connection can no longer be trusted.
				if (p === undefined) this.#drop();
				else p.sawResponse = true;
			},
			onHead: (h) => {
				this.#keepAlive = h.keepAlive;
				const p = this.#inflight[0];
				if (p === undefined) return;
				p.handlers.onHead(h);
			},
			onBody: (c) => this.#inflight[0]?.handlers.onBody(c),
			onEnd: () => {
				const p = this.#inflight.shift();
				if (p === undefined) return;
				if (p.timer !== null) clearTimeout(p.timer);
				// The server closes after this answer: the requests behind it were never read.
				if (!this.#keepAlive) this.#fail(codedError("the server closed the connection", "ECONNCLOSED"));
				else if (this.#inflight.length === 0 && this.#closeWhenIdle) this.close();
				p.handlers.onEnd();
			},
		});
		socket.on("data", (chunk: Buffer) => {
			if (this.#socket !== socket) return;
			if (this.#inflight.length === 0) {
				// Bytes nobody asked for: the connection can no longer be trusted.
				this.#drop();
				return;
			}
			try {
				parser.push(chunk);
			} catch (err) {
				this.#fail(err as Error);
			}
		});
		const onGone = (err?: Error) => {
			if (this.#socket !== socket) return;
			if (this.#inflight.length > 0 && err === undefined) {
				try {
					parser.close();
				} catch (e) {
					this.#fail(e as Error);
					return;
				}
				// Ending that body may have started a request on a new connection.
				if (this.#socket !== socket) return;
			}
			if (this.#inflight.length > 0)
				this.#fail(err ?? codedError("connection closed before the answer", "ECONNCLOSED"));
			else this.#drop();
		};
		socket.on("error", (err) => onGone(err));
		socket.on("end", () => onGone());
		socket.on("close", () => onGone());
		this.#socket = socket;
		this.#parser = parser;
		this.#written = 0;
		this.#keepAlive = true;
		return socket;
	}

	/** The connection is unusable: every request in flight fails (asynchronously), in order. */
	#fail(err: Error): void {
		const failed = this.#inflight;
		this.#clearAll();
		this.#inflight = [];
		this.#drop();
		if (this.#closeWhenIdle) this.close();
		if (failed.length === 0) return;
		queueMicrotask(() => {
			for (const p of failed) p.handlers.onError(err, { beforeResponse: !p.sawResponse, reused: p.reused });
		});
	}

	#clearAll(): void {
		for (const p of this.#inflight) if (p.timer !== null) clearTimeout(p.timer);
	}

	#drop(): void {
		this.#parser?.stop();
		this.#parser = null;
		const s = this.#socket;
		this.#socket = null;
		s?.destroy();
	}
}
