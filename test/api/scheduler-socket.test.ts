/**
 * POST /api/v1/scheduler on a real socket goes through app.ts's fast path
 * (node:http straight to the scheduler handler); inject() goes through the
 * fastify route. Both must answer every request the same way: status, body,
 * Content-Type, Allow. And a refused call changes nothing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../../sim/remote/framework.js";
import { cluster, JSON_HEADERS, type TestCluster } from "./helpers.js";

const BODY_LIMIT = 4096;

interface Req {
	name: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
}

interface Answer {
	status: number;
	type: string | undefined;
	allow: string | undefined;
	body: string;
}

let c: TestCluster;
let base: string;
/** Sockets the server holds open. */
let openConnections = 0;

beforeEach(async () => {
	c = await cluster({ app: { bodyLimit: BODY_LIMIT } });
	await c.app.listen({ host: "127.0.0.1", port: 0 });
	base = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
	openConnections = 0;
	c.app.server.on("connection", (s) => {
		openConnections++;
		s.on("close", () => openConnections--);
	});
});

afterEach(async () => {
	await c.close();
});

/** One request over a real socket (chunked when `chunked`, else with Content-Length). */
function viaSocket(r: Req, chunked = false): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { ...r.headers };
		if (r.body !== undefined && !chunked) headers["content-length"] = String(Buffer.byteLength(r.body));
		const req = http.request(`${base}/api/v1/scheduler`, { method: r.method ?? "POST", headers }, (res) => {
			const parts: Buffer[] = [];
			res.on("data", (b: Buffer) => parts.push(b));
			res.on("end", () =>
				resolve({
					status: res.statusCode ?? 0,
					type: res.headers["content-type"],
					allow: res.headers.allow,
					body: Buffer.concat(parts).toString("utf8"),
				}),
			);
		});
		req.on("error", reject);
		if (r.body !== undefined) {
			// Chunked: the body in pieces, so the limit is found while reading.
			if (chunked) for (let i = 0; i < r.body.length; i += 1000) req.write(r.body.slice(i, i + 1000));
			else req.write(r.body);
		}
		req.end();
	});
}

async function viaInject(r: Req): Promise<Answer> {
	const res = await c.app.inject({
		method: (r.method ?? "POST") as "POST",
		url: "/api/v1/scheduler",
		headers: r.headers ?? {},
		...(r.body === undefined ? {} : { payload: r.body }),
	});
	const h = (k: string) => {
		const v = res.headers[k];
		return v === undefined ? undefined : String(v);
	};
	return { status: res.statusCode, type: h("content-type"), allow: h("allow"), body: res.body };
}

const SUBSCRIBE = JSON.stringify({
	type: "SUBSCRIBE",
	subscribe: {
		framework_info: { user: "u", name: "n", roles: ["*"], capabilities: [{ type: "MULTI_ROLE" }] },
	},
});

const REFUSED: (Req & { status: number })[] = [
	{ name: "GET", method: "GET", status: 405 },
	{ name: "PUT with a JSON body", method: "PUT", headers: JSON_HEADERS, body: "{}", status: 405 },
	{ name: "no Content-Type", body: "not json", status: 400 },
	{ name: "text/plain", headers: { "content-type": "text/plain" }, body: "{}", status: 415 },
	{ name: "protobuf", headers: { "content-type": "application/x-protobuf" }, body: "\x08\x01", status: 415 },
	{ name: "empty JSON body", headers: JSON_HEADERS, body: "", status: 400 },
	{ name: "malformed JSON", headers: JSON_HEADERS, body: '{"type": "REVIVE",', status: 400 },
	{ name: "unknown call type", headers: JSON_HEADERS, body: '{"type":"NOPE"}', status: 400 },
	{
		name: "wrong field type",
		headers: JSON_HEADERS,
		body: '{"type":"REVIVE","framework_id":{"value":7}}',
		status: 400,
	},
	{
		name: "SUBSCRIBE that accepts no JSON",
		headers: { ...JSON_HEADERS, accept: "application/x-protobuf" },
		body: SUBSCRIBE,
		status: 406,
	},
	{
		name: "SUBSCRIBE with a Mesos-Stream-Id",
		headers: { ...JSON_HEADERS, "mesos-stream-id": "x" },
		body: SUBSCRIBE,
		status: 400,
	},
	{
		name: "a call for an unknown framework",
		headers: { ...JSON_HEADERS, "mesos-stream-id": "x" },
		body: '{"type":"REVIVE","framework_id":{"value":"nope"}}',
		status: 400,
	},
	{
		name: "a body over the limit",
		headers: JSON_HEADERS,
		body: `{"pad":"${"x".repeat(BODY_LIMIT)}"}`,
		status: 413,
	},
];

describe("the scheduler endpoint on a real socket", () => {
	it.each(REFUSED)("answers $name as fastify does ($status), and changes nothing", async (r) => {
		const before = JSON.stringify(c.sim.master.metrics);
		const socket = await viaSocket(r);
		expect(c.app.mesos.fastPathRequests).toBe(1);
		const injected = await viaInject(r);
		expect(c.app.mesos.fastPathRequests).toBe(1);
		expect(socket.status).toBe(r.status);
		expect(socket).toEqual(injected);
		expect(socket.type).toBe("text/plain; charset=utf-8");
		expect(socket.body.length).toBeGreaterThan(0);
		if (r.status === 405) expect(socket.allow).toBe("POST");
		expect(JSON.stringify(c.sim.master.metrics)).toBe(before);
		expect(c.sim.master.frameworks.length).toBe(0);
	});

	it("finds a chunked body over the limit while reading it (413)", async () => {
		const r = { name: "chunked", headers: JSON_HEADERS, body: `{"pad":"${"x".repeat(3 * BODY_LIMIT)}"}` };
		const socket = await viaSocket(r, true);
		expect(socket.status).toBe(413);
		expect(socket.body).toBe(`Request body is larger than the limit of ${BODY_LIMIT} bytes`);
	});

	it("survives a client that goes away in the middle of a body, and answers the next request", async () => {
		const port = (c.app.server.address() as AddressInfo).port;
		const net = await import("node:net");
		await new Promise<void>((resolve, reject) => {
			const s = net.connect(port, "127.0.0.1", () => {
				s.write("POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
				s.write('Content-Length: 100\r\n\r\n{"type":"REV');
				setTimeout(() => {
					s.destroy();
					resolve();
				}, 20);
			});
			s.on("error", reject);
		});
		// The server has seen the connection go (not a fixed sleep: a loaded machine may take longer).
		await waitFor(() => openConnections === 0, 10_000, "the cut connection to close");
		const next = await viaSocket({ name: "after", headers: JSON_HEADERS, body: '{"type":"NOPE"}' });
		expect(next.status).toBe(400);
		expect(c.sim.master.metrics.invalidCalls).toBe(0);
	});

	it("subscribes and takes calls: 400 without the stream id, 202 with it, 403 once the stream is gone", async () => {
		const head = await new Promise<{ res: http.IncomingMessage; req: http.ClientRequest }>(
			(resolve, reject) => {
				const req = http.request(`${base}/api/v1/scheduler`, {
					method: "POST",
					headers: { ...JSON_HEADERS, accept: "application/json" },
				});
				req.on("response", (res) => resolve({ res, req }));
				req.on("error", reject);
				// A failover timeout, so the framework outlives its stream (403, not "cannot be found").
				req.end(SUBSCRIBE.replace('"name":"n"', '"name":"n","failover_timeout":600'));
			},
		);
		expect(head.res.statusCode).toBe(200);
		expect(head.res.headers["content-type"]).toBe("application/json");
		const streamId = head.res.headers["mesos-stream-id"] as string;
		expect(streamId).toMatch(/\S/);
		const fw = c.sim.master.frameworks[0]!;
		expect(fw.connected).toBe(true);
		const revive = JSON.stringify({ type: "REVIVE", framework_id: { value: fw.id } });

		const missing = await viaSocket({ name: "no id", headers: JSON_HEADERS, body: revive });
		expect(missing).toEqual({
			status: 400,
			type: "text/plain; charset=utf-8",
			allow: undefined,
			body: "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
		});
		const revivesBefore = c.sim.master.metrics.callsByType.REVIVE ?? 0;
		const ok = await viaSocket({
			name: "ok",
			headers: { ...JSON_HEADERS, "mesos-stream-id": streamId },
			body: revive,
		});
		expect(ok.status).toBe(202);
		expect(ok.body).toBe("");
		expect(c.sim.master.metrics.callsByType.REVIVE ?? 0).toBe(revivesBefore + 1);

		head.res.destroy();
		head.req.destroy();
		await waitFor(() => !fw.connected, 10_000, "the framework to be disconnected");
		await c.advance(0);
		expect(fw.connected).toBe(false);
		expect(fw.removed).toBe(false);
		const forbidden = await viaSocket({
			name: "gone",
			headers: { ...JSON_HEADERS, "mesos-stream-id": streamId },
			body: revive,
		});
		expect(forbidden.status).toBe(403);
		expect(forbidden.body).toBe("Framework is not subscribed");
	});
});
