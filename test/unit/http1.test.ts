/**
 * The small HTTP/1.1 client (frameworks/sdk/http/http1.ts): the ResponseParser
 * on hand-written byte streams (Content-Length, chunked with extensions and
 * trailers, read-until-close, bodiless 204/304, skipped 1xx, pipelined
 * answers, keep-alive rules, header folding of repeats) — the same stream split
 * at every byte gives the same responses — its HttpParseErrors, checkHeader and
 * http1Target, and Http1Connection against a raw node:net server that writes
 * the answers byte by byte as the test says (exact request bytes, connection
 * reuse, pipelining, Connection: close, a server closing an idle connection,
 * timeouts, close() mid-request, closeWhenIdle(), malformed answers).
 */
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	checkHeader,
	Http1Connection,
	HttpParseError,
	http1Target,
	MAX_HEAD_BYTES,
	type ResponseHead,
	ResponseParser,
} from "../../frameworks/sdk/http/http1.js";

// ---- the parser ------------------------------------------------------------------

/** The parser's callbacks; an empty onBody piece is recorded as such (it should never happen). */
type Ev =
	| { kind: "head"; head: ResponseHead }
	| { kind: "body"; text: string }
	| { kind: "empty body piece" }
	| { kind: "end" };

/** A parser whose callbacks are recorded (adjacent body pieces merged). */
function recorded(): { parser: ResponseParser; events: Ev[] } {
	const events: Ev[] = [];
	const parser = new ResponseParser({
		onHead: (head) => events.push({ kind: "head", head: { ...head, headers: { ...head.headers } } }),
		onBody: (chunk) => {
			if (chunk.length === 0) {
				events.push({ kind: "empty body piece" });
				return;
			}
			const text = chunk.toString("latin1");
			const last = events.at(-1);
			if (last?.kind === "body") last.text += text;
			else events.push({ kind: "body", text });
		},
		onEnd: () => events.push({ kind: "end" }),
	});
	return { parser, events };
}

/** Parses `pieces` in order (then close() when asked); returns the recorded events. */
function parse(pieces: (string | Buffer)[], close = false): Ev[] {
	const r = recorded();
	for (const p of pieces) r.parser.push(typeof p === "string" ? Buffer.from(p, "latin1") : p);
	if (close) r.parser.close();
	return r.events;
}

function head(
	status: number,
	statusText: string,
	headers: Record<string, string>,
	keepAlive = true,
): { kind: "head"; head: ResponseHead } {
	return { kind: "head", head: { status, statusText, headers, keepAlive } };
}
const body = (text: string): Ev => ({ kind: "body", text });
const END: Ev = { kind: "end" };

/** The HttpParseError that parsing `pieces` (then close() when asked) throws. */
function parseError(pieces: string[], close = false): HttpParseError {
	try {
		parse(pieces, close);
	} catch (err) {
		expect(err).toBeInstanceOf(HttpParseError);
		expect((err as Error).name).toBe("HttpParseError");
		return err as HttpParseError;
	}
	throw new Error("expected an HttpParseError");
}

describe("ResponseParser", () => {
	it("reads a Content-Length body and ends once the length arrived", () => {
		const r = recorded();
		r.parser.push(
			Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello"),
		);
		expect(r.parser.inBody).toBe(true);
		expect(r.events).toEqual([
			head(200, "OK", { "content-type": "text/plain", "content-length": "11" }),
			body("hello"),
		]);
		r.parser.push(Buffer.from(" world"));
		expect(r.parser.inBody).toBe(false);
		expect(r.events).toEqual([
			head(200, "OK", { "content-type": "text/plain", "content-length": "11" }),
			body("hello world"),
			END,
		]);
	});

	it("Content-Length: 0 ends at the head", () => {
		expect(parse(["HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"])).toEqual([
			head(201, "Created", { "content-length": "0" }),
			END,
		]);
	});

	it("reads a chunked body, ignoring chunk extensions and trailers", () => {
		const events = parse([
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
			"5;foo=bar\r\nhello\r\n",
			'7 ; a="b;c"\r\n, world\r\n',
			"A\r\n0123456789\r\n",
			"0;last\r\nX-Trailer: t1\r\nX-Other: t2\r\n\r\n",
			// The trailers were consumed exactly: the next response parses.
			"HTTP/1.1 204 No Content\r\n\r\n",
		]);
		expect(events).toEqual([
			head(200, "OK", { "transfer-encoding": "chunked" }),
			body("hello, world0123456789"),
			END,
			head(204, "No Content", {}),
			END,
		]);
	});

	it("a chunked body without trailers ends at the empty line after the 0 chunk", () => {
		const r = recorded();
		r.parser.push(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"));
		expect(r.events.at(-1)).toEqual(body("abc"));
		expect(r.parser.inBody).toBe(true);
		r.parser.push(Buffer.from("\r\n"));
		expect(r.events.at(-1)).toEqual(END);
		expect(r.parser.inBody).toBe(false);
	});

	it("Transfer-Encoding with chunked last wins over Content-Length", () => {
		expect(
			parse([
				"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
			]),
		).toEqual([
			head(200, "OK", { "content-length": "100", "transfer-encoding": "gzip, chunked" }),
			body("ok"),
			END,
		]);
	});

	it("reads a body without length until close(), and such a response does not keep the connection", () => {
		const r = recorded();
		r.parser.push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc"));
		r.parser.push(Buffer.from("def"));
		expect(r.parser.inBody).toBe(true);
		expect(r.events).toEqual([head(200, "OK", { "content-type": "text/plain" }, false), body("abcdef")]);
		r.parser.close();
		expect(r.parser.inBody).toBe(false);
		expect(r.events).toEqual([head(200, "OK", { "content-type": "text/plain" }, false), body("abcdef"), END]);
	});

	it("a Transfer-Encoding not ending in chunked is read until close", () => {
		expect(parse(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nxy"], true)).toEqual([
			head(200, "OK", { "transfer-encoding": "chunked, gzip" }, false),
			body("5\r\nxy"),
			END,
		]);
	});

	it("204 and 304 have no body even without a length (the next bytes are the next response)", () => {
		expect(
			parse([
				"HTTP/1.1 204 No Content\r\n\r\n",
				'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 10\r\n\r\n',
				"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			]),
		).toEqual([
			head(204, "No Content", {}),
			END,
			head(304, "Not Modified", { etag: '"x"', "content-length": "10" }),
			END,
			head(200, "OK", { "content-length": "2" }),
			body("ok"),
			END,
		]);
	});

	it("skips 100 Continue and 103 Early Hints before the real answer", () => {
		const r = recorded();
		r.parser.push(Buffer.from("HTTP/1.1 100 Continue\r\n\r\n"));
		expect(r.events).toEqual([]);
		expect(r.parser.inBody).toBe(false);
		r.parser.push(
			Buffer.from(
				"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes",
			),
		);
		expect(r.events).toEqual([head(200, "OK", { "content-length": "3" }), body("yes"), END]);
	});

	it("reads two pipelined responses from one buffer", () => {
		expect(
			parse([
				"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\noneHTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot there",
			]),
		).toEqual([
			head(200, "OK", { "content-length": "3" }),
			body("one"),
			END,
			head(404, "Not Found", { "content-length": "9" }),
			body("not there"),
			END,
		]);
	});

	it.each([
		["HTTP/1.1", "", true],
		["HTTP/1.1", "Connection: close\r\n", false],
		["HTTP/1.1", "Connection: Close\r\n", false],
		["HTTP/1.1", "Connection: keep-alive, close\r\n", false],
		["HTTP/1.1", "Connection: keep-alive\r\n", true],
		["HTTP/1.1", "Connection: Upgrade\r\n", true],
		["HTTP/1.0", "", false],
		["HTTP/1.0", "Connection: close\r\n", false],
		["HTTP/1.0", "Connection: keep-alive\r\n", true],
		["HTTP/1.0", "Connection: Keep-Alive\r\n", true],
	])("keepAlive: %s with %j is %s", (version, connection, keepAlive) => {
		const events = parse([`${version} 200 OK\r\n${connection}Content-Length: 1\r\n\r\nx`]);
		expect(events).toHaveLength(3);
		expect((events[0] as { head: ResponseHead }).head.keepAlive).toBe(keepAlive);
	});

	it("lower-cases header names, trims values, joins repeated headers with ', '", () => {
		const events = parse([
			"HTTP/1.1 200 Fine Thanks\r\n" +
				"X-Custom-Header:  Mixed Case Value  \r\n" +
				"Set-Cookie: a=1\r\n" +
				"set-cookie: b=2\r\n" +
				"SET-COOKIE:c=3\r\n" +
				"Empty:\r\n" +
				"Content-Length: 0\r\n\r\n",
		]);
		expect(events).toEqual([
			head(200, "Fine Thanks", {
				"x-custom-header": "Mixed Case Value",
				"set-cookie": "a=1, b=2, c=3",
				empty: "",
				"content-length": "0",
			}),
			END,
		]);
	});

	it("a status line without a reason phrase has an empty statusText", () => {
		expect(parse(["HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"])).toEqual([
			head(200, "", { "content-length": "0" }),
			END,
		]);
	});

	it("onBody gets views into the received bytes, in order, never empty", () => {
		const pieces: Buffer[] = [];
		const parser = new ResponseParser({
			onHead: () => {},
			onBody: (c) => pieces.push(Buffer.from(c)),
			onEnd: () => {},
		});
		const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
		parser.push(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), bytes]));
		expect(Buffer.concat(pieces)).toEqual(bytes);
		expect(pieces.every((p) => p.length > 0)).toBe(true);
	});
});

describe("ResponseParser: the same bytes split anywhere", () => {
	// A chunked answer (extensions, a chunk split over data that looks like a head,
	// trailers), a 100 Continue, a Content-Length answer, a 204, and a body read until close.
	const STREAM = Buffer.from(
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n" +
			"5;foo=bar\r\nhello\r\n" +
			"1c\r\n\r\n\r\nHTTP/1.1 500 Fake\r\n\r\n!!!\r\n" +
			"0\r\nX-Trailer: yes\r\n\r\n" +
			"HTTP/1.1 100 Continue\r\n\r\n" +
			"HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nmissing" +
			"HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n" +
			"HTTP/1.0 200 OK\r\n\r\ntail\r\n\r\nbytes",
		"latin1",
	);
	const EXPECTED: Ev[] = [
		head(200, "OK", { "transfer-encoding": "chunked", "x-a": "1, 2" }),
		body("hello\r\n\r\nHTTP/1.1 500 Fake\r\n\r\n!!!"),
		END,
		head(404, "Not Found", { "content-length": "7", "content-type": "text/plain" }),
		body("missing"),
		END,
		head(204, "No Content", { connection: "keep-alive" }),
		END,
		head(200, "OK", {}, false),
		body("tail\r\n\r\nbytes"),
		END,
	];

	it("in one piece", () => {
		expect(parse([STREAM], true)).toEqual(EXPECTED);
	});

	it("split at every byte position", () => {
		for (let i = 0; i <= STREAM.length; i++) {
			const events = parse([STREAM.subarray(0, i), STREAM.subarray(i)], true);
			expect([i, events]).toEqual([i, EXPECTED]);
		}
	});

	it("split at every pair of byte positions", () => {
		for (let i = 1; i < STREAM.length; i++)
			for (let j = i + 1; j < STREAM.length; j++) {
				const events = parse([STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)], true);
				if (JSON.stringify(events) !== JSON.stringify(EXPECTED))
					expect([i, j, events]).toEqual([i, j, EXPECTED]);
			}
	});

	it("fed one byte at a time", () => {
		const pieces: Buffer[] = [];
		for (let i = 0; i < STREAM.length; i++) pieces.push(STREAM.subarray(i, i + 1));
		expect(parse(pieces, true)).toEqual(EXPECTED);
	});

	it("body bytes are neither lost nor duplicated when fed one byte at a time (onBody call count)", () => {
		let calls = 0;
		let bytes = 0;
		const parser = new ResponseParser({
			onHead: () => {},
			onBody: (c) => {
				calls++;
				bytes += c.length;
			},
			onEnd: () => {},
		});
		for (let i = 0; i < STREAM.length; i++) parser.push(STREAM.subarray(i, i + 1));
		parser.close();
		const total = EXPECTED.reduce((n, e) => n + (e.kind === "body" ? e.text.length : 0), 0);
		expect(bytes).toBe(total);
		expect(calls).toBe(total);
	});
});

describe("ResponseParser errors", () => {
	it.each([
		["HTTP/2 200 OK\r\n\r\n"],
		["HTTP/1.1 20 OK\r\n\r\n"],
		["HTTP/1.1 2000 OK\r\n\r\n"],
		["ICY 200 OK\r\n\r\n"],
		["HTTP/1.2 200 OK\r\n\r\n"],
		["http/1.1 200 OK\r\n\r\n"],
	])("a bad status line %j", (text) => {
		expect(parseError([text]).message).toMatch(/^not an HTTP\/1\.x status line: "/);
	});

	it("the status line is quoted in the message", () => {
		expect(parseError(["SSH-2.0-OpenSSH\r\n\r\n"]).message).toBe(
			'not an HTTP/1.x status line: "SSH-2.0-OpenSSH"',
		);
	});

	it.each([["12abc"], ["-1"], [""], ["1 2"], ["0x10"], ["5, 5"], ["1234567890123456"]])(
		"a bad Content-Length %j",
		(cl) => {
			expect(parseError([`HTTP/1.1 200 OK\r\nContent-Length: ${cl}\r\n\r\n`]).message).toBe(
				`bad Content-Length ${JSON.stringify(cl)}`,
			);
		},
	);

	it.each([["zz"], [""], ["-5"], [";ext"], ["5x"]])("a bad chunk size %j", (size) => {
		expect(parseError([`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n`]).message).toMatch(
			/^bad chunk size "/,
		);
	});

	it("a chunk size over 13 hex digits", () => {
		expect(
			parseError(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000\r\n"]).message,
		).toBe("chunk size too large");
	});

	it("chunk data not followed by CRLF", () => {
		expect(
			parseError(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n"]).message,
		).toBe("chunk data not followed by CRLF");
	});

	it("a chunk-size line that never ends", () => {
		expect(
			parseError(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;", "x".repeat(2000)]).message,
		).toBe("chunk-size line too long");
	});

	it("a head longer than MAX_HEAD_BYTES, whole or still arriving", () => {
		const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}\r\n`;
		const message = `response head longer than ${MAX_HEAD_BYTES} bytes`;
		expect(parseError([`${big}\r\n`]).message).toBe(message);
		expect(parseError([big]).message).toBe(message);
		expect(parseError([big.slice(0, 100), big.slice(100)]).message).toBe(message);
	});

	it("a head of well under MAX_HEAD_BYTES is accepted", () => {
		const value = "a".repeat(MAX_HEAD_BYTES - 100);
		expect(parse([`HTTP/1.1 200 OK\r\nX-Big: ${value}\r\nContent-Length: 0\r\n\r\n`])).toEqual([
			head(200, "OK", { "x-big": value, "content-length": "0" }),
			END,
		]);
	});

	it.each([["Content-Length : 5"], ["Content-Length\t: 5"], [": no name"], ["no colon at all"]])(
		"a bad header line %j",
		(line) => {
			expect(parseError([`HTTP/1.1 200 OK\r\n${line}\r\n\r\n`]).message).toBe(
				`bad header line: ${JSON.stringify(line)}`,
			);
		},
	);

	it("close() in the middle of a Content-Length body", () => {
		const r = recorded();
		r.parser.push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"));
		expect(() => r.parser.close()).toThrow(
			new HttpParseError("connection closed before the response body ended"),
		);
		expect(r.events).toEqual([head(200, "OK", { "content-length": "10" }), body("half")]);
	});

	it("close() in the middle of a chunked body", () => {
		expect(parseError(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"], true).message).toBe(
			"connection closed before the response body ended",
		);
		expect(parseError(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5"], true).message).toBe(
			"connection closed before the response body ended",
		);
	});

	it("close() in the middle of a head; close() between responses is fine", () => {
		expect(parseError(["HTTP/1.1 200 OK\r\nContent-"], true).message).toBe(
			"connection closed inside a response head",
		);
		expect(parse(["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"], true)).toEqual([
			head(200, "OK", { "content-length": "0" }),
			END,
		]);
		expect(parse([], true)).toEqual([]);
	});

	it("stop() makes further bytes go unread", () => {
		const r = recorded();
		r.parser.push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"));
		r.parser.stop();
		r.parser.push(Buffer.from("cdeHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
		expect(r.events).toEqual([head(200, "OK", { "content-length": "5" }), body("ab")]);
	});
});

describe("checkHeader", () => {
	it("accepts token names and ordinary values", () => {
		expect(() => checkHeader("Mesos-Stream-Id", "abc-123")).not.toThrow();
		expect(() => checkHeader("x!#$%&'*+.^_`|~9", "value with spaces\tand tab")).not.toThrow();
		expect(() => checkHeader("Empty", "")).not.toThrow();
	});

	it.each([["Bad Name"], [""], ["Name:"], ["Tab\tName"], ["Ünicode"], ["a\r\nb"], ["(x)"]])(
		"throws TypeError for the name %j",
		(name) => {
			expect(() => checkHeader(name, "v")).toThrow(
				new TypeError(`invalid HTTP header name ${JSON.stringify(name)}`),
			);
		},
	);

	it.each([["a\r\nInjected: yes"], ["a\nb"], ["a\rb"], ["a\0b"]])(
		"throws TypeError for the value %j",
		(value) => {
			expect(() => checkHeader("X-Test", value)).toThrow(
				new TypeError("invalid value for HTTP header X-Test"),
			);
		},
	);
});

describe("http1Target", () => {
	it.each([
		[
			"http://example.com/api/v1/scheduler",
			{ secure: false, hostname: "example.com", port: 80, host: "example.com" },
		],
		["http://example.com:80/", { secure: false, hostname: "example.com", port: 80, host: "example.com" }],
		["https://example.com/", { secure: true, hostname: "example.com", port: 443, host: "example.com" }],
		["https://example.com:443/", { secure: true, hostname: "example.com", port: 443, host: "example.com" }],
		[
			"http://master.local:5050/api/v1/scheduler?x=1",
			{ secure: false, hostname: "master.local", port: 5050, host: "master.local:5050" },
		],
		[
			"https://Example.COM:8443/",
			{ secure: true, hostname: "example.com", port: 8443, host: "example.com:8443" },
		],
		["http://127.0.0.1:5050/", { secure: false, hostname: "127.0.0.1", port: 5050, host: "127.0.0.1:5050" }],
		["http://[::1]:5050/", { secure: false, hostname: "::1", port: 5050, host: "[::1]:5050" }],
		["https://[::1]/", { secure: true, hostname: "::1", port: 443, host: "[::1]" }],
	])("%s", (url, target) => {
		expect(http1Target(new URL(url))).toEqual(target);
	});
});

// ---- the connection ----------------------------------------------------------------

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	vi.restoreAllMocks();
	for (const f of cleanups.splice(0).reverse()) await f();
});

interface RawConn {
	socket: net.Socket;
	/** Every byte received. */
	received: Buffer;
	/** The complete requests received (head and Content-Length body). */
	requests: Buffer[];
	closed: Promise<void>;
}

interface RawServer {
	port: number;
	conns: RawConn[];
	/** Resolves when `n` requests arrived in all. */
	requests(n: number): Promise<void>;
}

/**
 * A node:net server on 127.0.0.1 that frames requests (head + Content-Length
 * body) and hands each to `onRequest`, which writes the raw answer.
 */
async function rawServer(onRequest: (conn: RawConn, req: Buffer, index: number) => void): Promise<RawServer> {
	const conns: RawConn[] = [];
	let count = 0;
	let waiters: { n: number; resolve: () => void }[] = [];
	const server = net.createServer((socket) => {
		const conn: RawConn = {
			socket,
			received: Buffer.alloc(0),
			requests: [],
			closed: new Promise((r) => socket.once("close", () => r())),
		};
		conns.push(conn);
		let pending = Buffer.alloc(0);
		socket.on("error", () => {});
		socket.on("data", (chunk: Buffer) => {
			conn.received = Buffer.concat([conn.received, chunk]);
			pending = Buffer.concat([pending, chunk]);
			for (;;) {
				const end = pending.indexOf("\r\n\r\n");
				if (end < 0) return;
				const cl = /\r\ncontent-length: *(\d+)/i.exec(pending.toString("latin1", 0, end));
				const total = end + 4 + (cl === null ? 0 : Number(cl[1]));
				if (pending.length < total) return;
				const req = Buffer.from(pending.subarray(0, total));
				pending = pending.subarray(total);
				conn.requests.push(req);
				const index = count++;
				onRequest(conn, req, index);
				waiters = waiters.filter((w) => {
					if (count < w.n) return true;
					w.resolve();
					return false;
				});
			}
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	cleanups.push(
		() =>
			new Promise<void>((r) => {
				for (const c of conns) c.socket.destroy();
				server.close(() => r());
			}),
	);
	return {
		port: (server.address() as AddressInfo).port,
		conns,
		requests: (n) =>
			count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
	};
}

function connection(port: number): Http1Connection {
	const c = new Http1Connection(http1Target(new URL(`http://127.0.0.1:${port}/`)));
	cleanups.push(() => c.close());
	return c;
}

type Outcome =
	| { ok: true; head: ResponseHead; body: string }
	| { ok: false; err: Error & { code?: string }; info: { beforeResponse: boolean; reused: boolean } };

/** Every callback a request got, in order. */
type Calls = string[];

/** Sends a request; resolves with its response or its error. */
function send(
	c: Http1Connection,
	reqHead: string,
	reqBody: Buffer | null = null,
	timeoutMs = 0,
	calls: Calls = [],
): Promise<Outcome> {
	return new Promise((resolve) => {
		let h: ResponseHead | null = null;
		const chunks: Buffer[] = [];
		c.request(
			reqHead,
			reqBody,
			{
				onHead: (x) => {
					calls.push("head");
					h = x;
				},
				onBody: (b) => {
					calls.push("body");
					chunks.push(Buffer.from(b));
				},
				onEnd: () => {
					calls.push("end");
					resolve({ ok: true, head: h!, body: Buffer.concat(chunks).toString("latin1") });
				},
				onError: (err, info) => {
					calls.push("error");
					resolve({ ok: false, err, info });
				},
			},
			timeoutMs,
		);
	});
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\n`;
const ok = (text: string, extra = "") =>
	`HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(text, "latin1")}\r\n\r\n${text}`;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Http1Connection", () => {
	it("writes one request: the given head lines, then Host and Content-Length, then the body", async () => {
		const server = await rawServer((conn) => conn.socket.write(ok("done")));
		const c = connection(server.port);
		const reqHead =
			"POST /api/v1/scheduler?x=1 HTTP/1.1\r\nContent-Type: application/json\r\nMesos-Stream-Id: s-1\r\n";
		const reqBody = Buffer.from('{"type":"ACCEPT","note":"héllo ✓"}', "utf8");
		const write = vi.spyOn(net.Socket.prototype, "write");
		const pending = send(c, reqHead, reqBody);
		const writes = write.mock.calls.length;
		write.mockRestore();
		const expected = Buffer.concat([
			Buffer.from(
				`${reqHead}Host: 127.0.0.1:${server.port}\r\nContent-Length: ${reqBody.length}\r\n\r\n`,
				"latin1",
			),
			reqBody,
		]);
		expect(writes).toBe(1);
		expect(await pending).toEqual({
			ok: true,
			head: { status: 200, statusText: "OK", headers: { "content-length": "4" }, keepAlive: true },
			body: "done",
		});
		expect(server.conns).toHaveLength(1);
		expect(server.conns[0]!.received).toEqual(expected);
		expect(server.conns[0]!.requests).toEqual([expected]);
	});

	it("a request without a body says Content-Length: 0", async () => {
		const server = await rawServer((conn) => conn.socket.write(ok("")));
		const c = connection(server.port);
		const out = await send(c, GET("/health"));
		expect(out).toMatchObject({ ok: true, body: "" });
		expect(server.conns[0]!.received.toString("latin1")).toBe(
			`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 0\r\n\r\n`,
		);
		// An empty (non-null) body is the same.
		await send(c, GET("/e"), Buffer.alloc(0));
		expect(server.conns[0]!.requests[1]!.toString("latin1")).toBe(
			`GET /e HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 0\r\n\r\n`,
		);
	});

	it("sequential requests reuse one connection; inFlight counts the unanswered ones", async () => {
		const server = await rawServer((conn, req, i) => {
			const path = /^GET (\S+)/.exec(req.toString("latin1"))![1]!;
			conn.socket.write(ok(`answer ${i} to ${path}`));
		});
		const c = connection(server.port);
		expect(c.inFlight).toBe(0);
		const first = send(c, GET("/a"));
		expect(c.inFlight).toBe(1);
		expect(await first).toMatchObject({ ok: true, body: "answer 0 to /a" });
		expect(c.inFlight).toBe(0);
		expect(await send(c, GET("/b"))).toMatchObject({ ok: true, body: "answer 1 to /b" });
		// A fourth one sent from the third one's onEnd.
		const fourth = await new Promise<Outcome>((resolve, reject) => {
			c.request(
				GET("/c"),
				null,
				{
					onHead: () => {},
					onBody: () => {},
					onEnd: () => void send(c, GET("/d")).then(resolve),
					onError: reject,
				},
				0,
			);
		});
		expect(fourth).toMatchObject({ ok: true, body: "answer 3 to /d" });
		expect(server.conns).toHaveLength(1);
		expect(server.conns[0]!.requests.map((r) => r.toString("latin1").split(" ")[1])).toEqual([
			"/a",
			"/b",
			"/c",
			"/d",
		]);
	});

	it("pipelines: requests are written at once and the answers are handed out in order", async () => {
		const server = await rawServer((conn, _req, i) => {
			// Only once all three arrived, and all answers in one write.
			if (i === 2)
				conn.socket.write(
					`${ok("first")}HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n${ok("third")}`,
				);
		});
		const c = connection(server.port);
		const calls: Calls[] = [[], [], []];
		const answers = Promise.all(["/1", "/2", "/3"].map((path, i) => send(c, GET(path), null, 0, calls[i])));
		expect(c.inFlight).toBe(3);
		const out = await answers;
		expect(out.map((o) => (o.ok ? o.body : o.err.message))).toEqual(["first", "second", "third"]);
		expect(calls).toEqual([
			["head", "body", "end"],
			["head", "body", "end"],
			["head", "body", "end"],
		]);
		expect(c.inFlight).toBe(0);
		expect(server.conns).toHaveLength(1);
		expect(server.conns[0]!.requests).toHaveLength(3);
	});

	it("reads a chunked answer arriving in pieces and then reuses the connection", async () => {
		const server = await rawServer((conn, _req, i) => {
			if (i === 0) {
				conn.socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n");
				setTimeout(() => conn.socket.write("6\r\n world\r\n0\r\nT: 1\r\n\r\n"), 10);
			} else conn.socket.write(ok("second"));
		});
		const c = connection(server.port);
		expect(await send(c, GET("/stream"))).toMatchObject({ ok: true, body: "hello world" });
		expect(await send(c, GET("/next"))).toMatchObject({ ok: true, body: "second" });
		expect(server.conns).toHaveLength(1);
	});

	it("after a Connection: close answer the next request opens a new connection", async () => {
		const server = await rawServer((conn, _req, i) =>
			conn.socket.write(ok(`r${i}`, i === 0 ? "Connection: close\r\n" : "")),
		);
		const c = connection(server.port);
		const first = await send(c, GET("/a"));
		expect(first).toMatchObject({ ok: true, body: "r0", head: { keepAlive: false } });
		// The client closes its side once the answer ended, without waiting for the server.
		await server.conns[0]!.closed;
		expect(await send(c, GET("/b"))).toMatchObject({ ok: true, body: "r1", head: { keepAlive: true } });
		expect(server.conns).toHaveLength(2);
		expect(server.conns.map((k) => k.requests.length)).toEqual([1, 1]);
	});

	it("a Connection: close answer fails the requests pipelined behind it (ECONNCLOSED, reused, before the response)", async () => {
		const server = await rawServer((conn, _req, i) => {
			if (i === 1) conn.socket.write(ok("r0", "Connection: close\r\n"));
		});
		const c = connection(server.port);
		const calls: Calls[] = [[], []];
		const [first, second] = await Promise.all([
			send(c, GET("/a"), null, 0, calls[0]),
			send(c, GET("/b"), null, 0, calls[1]),
		]);
		expect(first).toMatchObject({ ok: true, body: "r0" });
		expect(second.ok).toBe(false);
		if (second.ok) return;
		expect(second.err.code).toBe("ECONNCLOSED");
		expect(second.err.message).toBe("the server closed the connection");
		expect(second.info).toEqual({ beforeResponse: true, reused: true });
		expect(calls).toEqual([["head", "body", "end"], ["error"]]);
		await server.conns[0]!.closed;
	});

	it("an HTTP/1.0 answer read until close ends the request, and the next one uses a new connection", async () => {
		const server = await rawServer((conn, _req, i) => {
			if (i === 0) conn.socket.end("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close");
			else conn.socket.write(ok("fresh"));
		});
		const c = connection(server.port);
		expect(await send(c, GET("/a"))).toMatchObject({
			ok: true,
			body: "until close",
			head: { keepAlive: false },
		});
		expect(await send(c, GET("/b"))).toMatchObject({ ok: true, body: "fresh" });
		expect(server.conns).toHaveLength(2);
	});

	it("a server that closes an idle kept-alive connection: reused+beforeResponse error, or a fresh connection", async () => {
		const server = await rawServer((conn, _req, i) => conn.socket.write(ok(`r${i}`)));
		const c = connection(server.port);
		expect(await send(c, GET("/a"))).toMatchObject({ ok: true, body: "r0" });
		// The server drops the idle connection; the client sends before it can have read the FIN.
		server.conns[0]!.socket.destroy();
		const out = await send(c, GET("/b"));
		if (out.ok) {
			// The client saw the close first: the request went out on a new connection.
			expect(out.body).toBe("r1");
			expect(server.conns).toHaveLength(2);
			expect(server.conns[1]!.requests).toHaveLength(1);
		} else {
			expect(out.info).toEqual({ beforeResponse: true, reused: true });
			expect(["ECONNRESET", "EPIPE", "ECONNCLOSED"]).toContain(out.err.code);
			expect(server.conns[0]!.requests).toHaveLength(1);
			// The connection was dropped: the retry goes out on a new one.
			expect(await send(c, GET("/c"))).toMatchObject({ ok: true, body: "r1" });
			expect(server.conns).toHaveLength(2);
		}
		expect(["error ECONNRESET", "error EPIPE", "error ECONNCLOSED", "fresh connection"]).toContain(
			out.ok ? "fresh connection" : `error ${out.err.code}`,
		);
	});

	it("a server that closes the connection before answering: ECONNCLOSED, not reused", async () => {
		const server = await rawServer((conn) => conn.socket.end());
		const c = connection(server.port);
		const out = await send(c, GET("/a"));
		expect(out.ok).toBe(false);
		if (out.ok) return;
		expect(out.err.code).toBe("ECONNCLOSED");
		expect(out.err.message).toBe("connection closed before the answer");
		expect(out.info).toEqual({ beforeResponse: true, reused: false });
	});

	it("a refused connection reports the socket error", async () => {
		const probe = net.createServer();
		await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
		const port = (probe.address() as AddressInfo).port;
		await new Promise<void>((r) => probe.close(() => r()));
		const out = await send(connection(port), GET("/"));
		expect(out).toMatchObject({ ok: false, info: { beforeResponse: true, reused: false } });
		if (!out.ok) expect(out.err.code).toBe("ECONNREFUSED");
	});

	it("a server that never answers: ETIMEDOUT within the timeout, for every request in flight", async () => {
		const server = await rawServer(() => {});
		const c = connection(server.port);
		const started = performance.now();
		const [a, b] = await Promise.all([send(c, GET("/slow"), null, 150), send(c, GET("/behind"), null, 0)]);
		const elapsed = performance.now() - started;
		expect(a.ok || b.ok).toBe(false);
		if (a.ok || b.ok) return;
		expect(a.err.code).toBe("ETIMEDOUT");
		expect(a.err.message).toBe("no answer within 150 ms");
		expect(a.info).toEqual({ beforeResponse: true, reused: false });
		expect(b.err).toBe(a.err);
		expect(b.info).toEqual({ beforeResponse: true, reused: true });
		expect(elapsed).toBeGreaterThanOrEqual(140);
		// Only "it did time out" (the test's own timeout catches a hang): wall time on a loaded machine has no tight bound.
		expect(elapsed).toBeLessThan(30_000);
		expect(server.conns[0]!.requests).toHaveLength(2);
		// The connection is dropped.
		await server.conns[0]!.closed;
		expect(c.inFlight).toBe(0);
	});

	it("a timeout also covers an answer that stops halfway (beforeResponse false)", async () => {
		const server = await rawServer((conn) =>
			conn.socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"),
		);
		const c = connection(server.port);
		const calls: Calls = [];
		const out = await send(c, GET("/half"), null, 150, calls);
		expect(out).toMatchObject({ ok: false, info: { beforeResponse: false, reused: false } });
		if (!out.ok) expect(out.err.code).toBe("ETIMEDOUT");
		expect(calls).toEqual(["head", "body", "error"]);
	});

	it("the timer of an answered request does not fire later", async () => {
		const server = await rawServer((conn) => conn.socket.write(ok("quick")));
		const c = connection(server.port);
		const calls: Calls = [];
		expect(await send(c, GET("/a"), null, 50, calls)).toMatchObject({ ok: true, body: "quick" });
		await tick(120);
		expect(calls).toEqual(["head", "body", "end"]);
		expect(await send(c, GET("/b"), null, 50)).toMatchObject({ ok: true });
		expect(server.conns).toHaveLength(1);
	});

	it("close() during a request: no further callbacks, not even the timeout", async () => {
		const server = await rawServer((conn) =>
			conn.socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
		);
		const c = connection(server.port);
		const calls: Calls = [];
		c.request(
			GET("/a"),
			null,
			{
				onHead: () => calls.push("head"),
				onBody: () => {
					calls.push("body");
					c.close();
				},
				onEnd: () => calls.push("end"),
				onError: () => calls.push("error"),
			},
			80,
		);
		const behind: Calls = [];
		void send(c, GET("/b"), null, 80, behind);
		await server.requests(2);
		await server.conns[0]!.closed;
		await tick(150);
		expect(calls).toEqual(["head", "body"]);
		expect(behind).toEqual([]);
		expect(c.inFlight).toBe(0);
	});

	it("close() before any answer, then a new request works on a new connection", async () => {
		const server = await rawServer((conn, _req, i) => {
			if (i === 1) conn.socket.write(ok("second"));
		});
		const c = connection(server.port);
		const calls: Calls = [];
		void send(c, GET("/a"), null, 0, calls);
		await server.requests(1);
		c.close();
		await server.conns[0]!.closed;
		await tick(20);
		expect(calls).toEqual([]);
		const out = await send(c, GET("/b"));
		expect(out).toMatchObject({ ok: true, body: "second" });
		expect(server.conns).toHaveLength(2);
	});

	it("closeWhenIdle(): the requests in flight get their answers, then the connection closes", async () => {
		const answer: { send: (() => void) | null } = { send: null };
		const server = await rawServer((conn, _req, i) => {
			if (i === 1) answer.send = () => conn.socket.write(`${ok("a")}${ok("b")}`);
		});
		const c = connection(server.port);
		const both = Promise.all([send(c, GET("/a")), send(c, GET("/b"))]);
		await server.requests(2);
		c.closeWhenIdle();
		expect(c.inFlight).toBe(2);
		let closed = false;
		void server.conns[0]!.closed.then(() => {
			closed = true;
		});
		await tick(20);
		expect(closed).toBe(false);
		answer.send!();
		expect((await both).map((o) => o.ok && o.body)).toEqual(["a", "b"]);
		await server.conns[0]!.closed;
		expect(c.inFlight).toBe(0);
	});

	it("closeWhenIdle() with nothing in flight closes at once", async () => {
		const server = await rawServer((conn) => conn.socket.write(ok("x")));
		const c = connection(server.port);
		expect(await send(c, GET("/a"))).toMatchObject({ ok: true });
		c.closeWhenIdle();
		await server.conns[0]!.closed;
		expect(server.conns).toHaveLength(1);
	});

	it.each([
		["a bad status line", "HTTP/1.1 abc\r\n\r\n", /status line/, [] as string[]],
		["a bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", /Content-Length/, []],
		[
			"a bad chunk size",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
			/chunk size/,
			["head"],
		],
		[
			"a cut-off body",
			"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nabc",
			/before the response body ended/,
			["head", "body"],
		],
	])(
		"a malformed answer (%s) gives onError with an HttpParseError",
		async (_name, answer, message, before) => {
			const server = await rawServer((conn) => {
				if (answer.includes("Connection: close")) conn.socket.end(answer);
				else conn.socket.write(answer);
			});
			const c = connection(server.port);
			const calls: Calls = [];
			const out = await send(c, GET("/a"), null, 0, calls);
			expect(out.ok).toBe(false);
			if (out.ok) return;
			expect(out.err).toBeInstanceOf(HttpParseError);
			expect(out.err.message).toMatch(message);
			expect(out.info).toEqual({ beforeResponse: false, reused: false });
			expect(calls).toEqual([...before, "error"]);
			// The connection is dropped after a parse error.
			await server.conns[0]!.closed;
		},
	);

	it("bytes nobody asked for drop the connection; the next request uses a new one", async () => {
		const server = await rawServer((conn, _req, i) => conn.socket.write(ok(`r${i}`)));
		const c = connection(server.port);
		expect(await send(c, GET("/a"))).toMatchObject({ ok: true, body: "r0" });
		// The answer was read: these bytes arrive on an idle connection.
		server.conns[0]!.socket.write(ok("unasked"));
		await server.conns[0]!.closed;
		expect(await send(c, GET("/b"))).toMatchObject({ ok: true, body: "r1" });
		expect(server.conns).toHaveLength(2);
	});
});

describe("http1 regressions (found in review)", () => {
	it("a request sent from onEnd of a read-until-close answer goes out on a new connection", async () => {
		const server = await rawServer((conn, _req, index) => {
			if (index === 0) conn.socket.end("HTTP/1.1 200 OK\r\n\r\nbody");
			else conn.socket.write(ok("second"));
		});
		const c = connection(server.port);
		const second = await new Promise<Outcome>((resolve) => {
			c.request(
				GET("/a"),
				null,
				{
					onHead: () => {},
					onBody: () => {},
					onEnd: () => resolve(send(c, GET("/b"))),
					onError: (err, info) => resolve({ ok: false, err, info }),
				},
				0,
			);
		});
		expect(second.ok && second.body).toBe("second");
		expect(server.conns.length).toBe(2);
	});

	it("a pipelined request whose answer had begun is not reported as unanswered", async () => {
		const server = await rawServer((conn, _req, index) => {
			if (index === 1)
				conn.socket.end("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\nContent-");
		});
		const c = connection(server.port);
		const a = send(c, GET("/a"));
		const b = send(c, GET("/b"));
		expect((await a).ok).toBe(true);
		const rb = await b;
		expect(rb.ok).toBe(false);
		if (!rb.ok) expect(rb.info.beforeResponse).toBe(false);
	});

	it("the head size limit does not depend on where the bytes are split", () => {
		const filler = "x".repeat(MAX_HEAD_BYTES - "HTTP/1.1 200 OK\r\nA: ".length);
		const text = `HTTP/1.1 200 OK\r\nA: ${filler}\r\n\r\n`;
		const whole = parse([text]);
		expect(whole[0]).toMatchObject({ kind: "head" });
		const split = parse([text.slice(0, -1), text.slice(-1)]);
		expect(split).toEqual(whole);
	});

	it("the chunk-size line limit does not depend on where the bytes are split", () => {
		const text = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;${"x".repeat(5000)}\r\nabc\r\n0\r\n\r\n`;
		const whole = (() => {
			try {
				return parse([text]);
			} catch (e) {
				return (e as Error).message;
			}
		})();
		const split = (() => {
			try {
				return parse([text.slice(0, 100), text.slice(100)]);
			} catch (e) {
				return (e as Error).message;
			}
		})();
		expect(whole).toBe("chunk-size line too long");
		expect(split).toBe(whole);
	});

	it("bytes after an answer in the same read that nobody asked for drop the connection", async () => {
		const server = await rawServer((conn, _req, index) => {
			if (index === 0) conn.socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef");
			else conn.socket.write(ok("fresh"));
		});
		const c = connection(server.port);
		const a = await send(c, GET("/a"));
		expect(a.ok && a.body).toBe("abc");
		const b = await send(c, GET("/b"));
		expect(b.ok && b.body).toBe("fresh");
		expect(server.conns.length).toBe(2);
	});

	it("an obsolete folded header line is rejected", () => {
		expect(parseError(["HTTP/1.1 200 OK\r\nA: 1\r\n Folded: v\r\n\r\n"]).message).toMatch(/^bad header line/);
	});
});
