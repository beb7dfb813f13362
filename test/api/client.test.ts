/**
 * The HTTP scheduler client (frameworks/sdk/http): RecordIO decoding split at
 * every byte, endpoint and redirect resolution, and the SchedulerDriver with
 * the simple framework and the chameleon over HttpTransport against the live
 * master on a real socket (startLive: buildApp + the wall-clock driver) —
 * subscribe, offers, launches, updates and ACKs, declines, a dropped stream
 * and the resubscription with the same framework id, 307 redirects, refused
 * calls, and missed heartbeats.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../../engine/index.js";
import { createSimpleFramework, SIMPLE_FRAMEWORK_DEFAULTS } from "../../frameworks/builtin/simple.js";
import {
	createChameleon,
	frameworkFromFlag,
	resolveChameleonSpec,
} from "../../frameworks/chameleon/index.js";
import { encodeRecord, RecordIoDecoder, RecordIoError } from "../../frameworks/sdk/http/recordio.js";
import { HttpTransport, redirectTarget, schedulerEndpoint } from "../../frameworks/sdk/http/transport.js";
import type { Call, Event } from "../../master/protocol/index.js";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { WallClockEngine } from "../../sim/remote/clock.js";
import { RemoteFramework, waitFor } from "../../sim/remote/framework.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const f of cleanups.splice(0).reverse()) await f();
});

async function live(agents = 4): Promise<LiveServer> {
	const server = await startLive({ scenario: agentsScenario(agents), host: "127.0.0.1", port: 0, speed: 1 });
	cleanups.push(() => server.close());
	return server;
}

/** A tiny node:http server; resolves with its base URL. */
async function tinyServer(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
	const server = http.createServer(handler);
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	cleanups.push(
		() =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A master stand-in's answer to SUBSCRIBE: the 200 head with stream id "sid-1", then SUBSCRIBED. */
function openStream(res: http.ServerResponse, frameworkId: string): void {
	res.writeHead(200, { "Content-Type": "application/json", "Mesos-Stream-Id": "sid-1" });
	res.write(
		encodeRecord(
			JSON.stringify({
				type: "SUBSCRIBED",
				subscribed: { framework_id: { value: frameworkId }, heartbeat_interval_seconds: 15 },
			}),
		),
	);
}

function remoteSimple(master: string, count = 2, command = "sleep 1", failoverTimeoutSec = 60) {
	const scheduler = createSimpleFramework({
		...SIMPLE_FRAMEWORK_DEFAULTS,
		name: "http-simple héllo ✓",
		failoverTimeoutSec,
		tasks: { ...SIMPLE_FRAMEWORK_DEFAULTS.tasks, count, command },
	});
	const remote = new RemoteFramework({
		master,
		scheduler,
		frameworkInfo: scheduler.frameworkInfo(),
		rng: new Rng("client-test"),
		backoffMinMs: 200,
	});
	cleanups.push(() => remote.stop());
	return { scheduler, remote };
}

describe("RecordIoDecoder", () => {
	const events = [
		{ type: "SUBSCRIBED", subscribed: { framework_id: { value: "x" }, heartbeat_interval_seconds: 15 } },
		{ type: "ERROR", error: { message: "héllo ✓ — 日本語 🎉" } },
		{ type: "HEARTBEAT" },
	];
	const bytes = Buffer.concat(events.map((e) => encodeRecord(JSON.stringify(e))));

	it("counts UTF-8 bytes, not characters", () => {
		const rec = encodeRecord('{"name":"héllo ✓"}');
		expect(rec.toString("utf8").split("\n")[0]).toBe("21"); // é is 2 bytes, ✓ is 3
		expect('{"name":"héllo ✓"}'.length).toBe(18);
	});

	it("decodes the same records whichever byte the stream is split at", () => {
		for (let cut = 0; cut <= bytes.length; cut++) {
			for (const second of [cut, Math.min(bytes.length, cut + 7)]) {
				const d = new RecordIoDecoder();
				const out = [
					...d.push(bytes.subarray(0, cut)),
					...d.push(bytes.subarray(cut, second)),
					...d.push(bytes.subarray(second)),
				].map((b) => JSON.parse(b.toString("utf8")));
				expect(out, `split at ${cut}/${second}`).toEqual(events);
				expect(d.buffered).toBe(0);
			}
		}
	});

	it("decodes a stream fed one byte at a time (multi-byte characters split too)", () => {
		const d = new RecordIoDecoder();
		const out: unknown[] = [];
		for (let i = 0; i < bytes.length; i++) {
			for (const r of d.push(bytes.subarray(i, i + 1))) out.push(JSON.parse(r.toString("utf8")));
		}
		expect(out).toEqual(events);
	});

	it("rejects a bad length line and a record over the limit", () => {
		expect(() => new RecordIoDecoder().push(Buffer.from("12a\n{}"))).toThrow(RecordIoError);
		expect(() => new RecordIoDecoder().push(Buffer.from("-1\n"))).toThrow(/bad RecordIO length/);
		expect(() => new RecordIoDecoder().push(Buffer.from("1".repeat(25)))).toThrow(/longer than/);
		expect(() => new RecordIoDecoder(10).push(Buffer.from("11\n"))).toThrow(/exceeds the limit/);
	});
});

describe("WallClockEngine", () => {
	it("is an Engine on the wall clock: now advances, timers fire in time order, cancel works", async () => {
		let wall = 1000;
		const engine = new WallClockEngine({ wallNow: () => wall, speed: 2 });
		expect(engine.now).toBe(0);
		wall += 50;
		expect(engine.now).toBe(100);
		const ran: string[] = [];
		engine.timeout(30, () => ran.push("b"));
		engine.timeout(10, () => ran.push("a"));
		const h = engine.timeout(20, () => ran.push("cancelled"));
		expect(engine.isPending(h)).toBe(true);
		expect(engine.cancel(h)).toBe(true);
		expect(engine.cancel(h)).toBe(false);
		expect(engine.pending).toBe(2);
		expect(engine.nextTime()).toBe(110);
		await waitFor(() => ran.length === 2, 1000, "timers");
		expect(ran).toEqual(["a", "b"]);
		expect(engine.eventsRun).toBe(2);
		expect(() => new WallClockEngine({ speed: 0 })).toThrow(/speed/);
	});
});

describe("endpoints and redirects", () => {
	it("normalises master URLs to the scheduler endpoint", () => {
		expect(schedulerEndpoint("http://m:5050").href).toBe("http://m:5050/api/v1/scheduler");
		expect(schedulerEndpoint("m:5050/").href).toBe("http://m:5050/api/v1/scheduler");
		expect(schedulerEndpoint("https://m/mesos").href).toBe("https://m/mesos/api/v1/scheduler");
		expect(schedulerEndpoint("http://m:5050/api/v1/scheduler").href).toBe("http://m:5050/api/v1/scheduler");
		expect(() => schedulerEndpoint("ftp://m")).toThrow(/unsupported scheme/);
		expect(() => schedulerEndpoint("http://")).toThrow(/not a URL|no host/);
	});

	it("resolves Location as Mesos sends it (scheme-relative)", () => {
		const cur = new URL("http://a:5050/api/v1/scheduler");
		expect(redirectTarget("//b:5051/api/v1/scheduler", cur)?.href).toBe("http://b:5051/api/v1/scheduler");
		expect(redirectTarget("//b:5051", cur)?.href).toBe("http://b:5051/api/v1/scheduler");
		expect(redirectTarget("http://c:1/api/v1/scheduler", cur)?.href).toBe("http://c:1/api/v1/scheduler");
		expect(redirectTarget(undefined, cur)).toBeNull();
		expect(redirectTarget("", cur)).toBeNull();
	});
});

describe("SchedulerDriver over HttpTransport against the live master", () => {
	it("subscribes, launches, sees updates, acknowledges and declines (simple framework)", async () => {
		const server = await live(4);
		const { scheduler, remote } = remoteSimple(server.url, 2, "sleep 1");
		const seen: Event["type"][] = [];
		expect(remote.transport.onCallError).not.toBeNull(); // the driver installed its handler
		const wrapped = scheduler.onEvent.bind(scheduler);
		scheduler.onEvent = (e, ctx) => {
			seen.push(e.type);
			wrapped(e, ctx);
		};
		remote.start();
		await waitFor(() => scheduler.stats().ended.TASK_FINISHED === 2, 15_000, "2 tasks finished");
		const st = remote.driver.stats();
		const id = remote.driver.frameworkId!;
		expect(id).toMatch(/-0000$/);
		expect(st.subscriptions).toBe(1);
		expect(st.offersReceived).toBeGreaterThanOrEqual(4);
		expect(st.offersDeclined).toBeGreaterThanOrEqual(1);
		expect(st.tasksLaunched).toBe(2);
		expect(st.updates.TASK_RUNNING).toBe(2);
		expect(st.updates.TASK_FINISHED).toBe(2);
		expect(st.acknowledgements).toBeGreaterThanOrEqual(4);
		expect(st.callErrors).toBe(0);
		expect(seen[0]).toBe("SUBSCRIBED");
		const fw = server.sim.master.framework(id)!;
		expect(fw.connected).toBe(true);
		expect(fw.info.name).toBe("http-simple héllo ✓");
		// Every update was acknowledged: nothing left for the agents to resend.
		await waitFor(() => remote.transport.pendingCalls === 0, 2000, "calls answered");
		const state = (await (await fetch(`${server.url}/master/state`)).json()) as {
			frameworks: { id: string; completed_tasks: { state: string }[] }[];
		};
		const v0 = state.frameworks.find((f) => f.id === id)!;
		expect(v0.completed_tasks.map((t) => t.state)).toEqual(["TASK_FINISHED", "TASK_FINISHED"]);
	}, 30_000);

	it("resubscribes with the same framework id after the server drops every connection", async () => {
		const server = await live(2);
		const { remote } = remoteSimple(server.url, 1, "sleep 100");
		remote.start();
		await waitFor(() => remote.driver.stats().updates.TASK_RUNNING === 1, 10_000, "task running");
		const id = remote.driver.frameworkId!;
		const streamBefore = remote.transport.streamId;
		server.app.server.closeAllConnections();
		await waitFor(() => remote.driver.stats().disconnections === 1, 5000, "the driver to see the loss");
		expect(server.sim.master.framework(id)!.connected).toBe(false);
		await waitFor(() => remote.driver.stats().subscriptions === 2, 10_000, "resubscription");
		expect(remote.driver.frameworkId).toBe(id);
		expect(remote.transport.streamId).not.toBe(streamBefore);
		const fw = server.sim.master.framework(id)!;
		expect(fw.connected).toBe(true);
		expect(fw.removed).toBe(false);
		// The task survived the failover; the framework still owns it.
		expect(server.sim.master.frameworks.filter((f) => !f.removed)).toHaveLength(1);
	}, 30_000);

	it("resubscribes when the master ends the stream (endStreams) and when it restarts on the same port", async () => {
		const server = await live(2);
		const { remote } = remoteSimple(server.url, 1, "sleep 100");
		remote.start();
		await waitFor(() => remote.driver.state === "subscribed", 5000, "subscribed");
		const id = remote.driver.frameworkId!;
		server.app.mesos.endStreams();
		await waitFor(() => remote.driver.stats().subscriptions === 2, 10_000, "resubscription");
		expect(remote.driver.frameworkId).toBe(id);
		expect(server.sim.master.framework(id)!.connected).toBe(true);

		// The master goes away entirely and a new one comes up on the same port.
		const port = server.port;
		await server.close();
		await waitFor(() => remote.driver.state === "backoff", 5000, "backoff");
		const again = await startLive({ scenario: agentsScenario(2), host: "127.0.0.1", port, speed: 1 });
		cleanups.push(() => again.close());
		await waitFor(() => remote.driver.stats().subscriptions === 3, 15_000, "subscription to the new master");
		expect(again.sim.master.framework(remote.driver.frameworkId!)).toBeDefined();
	}, 40_000);

	it("runs the chameleon over HTTP: offers in, tasks launched and running", async () => {
		const server = await live(4);
		const entry = frameworkFromFlag("pattern:steadyService:svc");
		const { type: _t, ...raw } = entry;
		const config = resolveChameleonSpec(
			{ ...raw, groups: [{ name: "svc", pattern: "steadyService", instances: 3 }] },
			"svc",
		);
		const chameleon = createChameleon(config, new Rng("chameleon-http"));
		const remote = new RemoteFramework({
			master: server.url,
			scheduler: chameleon,
			frameworkInfo: chameleon.frameworkInfo(),
			rng: new Rng("chameleon-http"),
		});
		cleanups.push(() => remote.stop());
		remote.start();
		await waitFor(() => chameleon.stats().running === 3, 15_000, "3 chameleon tasks running");
		const st = chameleon.stats();
		expect(st.offersReceived).toBeGreaterThan(0);
		expect(st.tasksLaunched).toBe(3);
		expect(remote.driver.stats().acknowledgements).toBeGreaterThanOrEqual(3);
		expect(server.sim.master.framework(remote.driver.frameworkId!)!.info.name).toBe("svc");
	}, 30_000);

	it("tears down on request: the master forgets the framework", async () => {
		const server = await live(2);
		const { remote } = remoteSimple(server.url, 1, "sleep 100");
		remote.start();
		await waitFor(() => remote.driver.stats().updates.TASK_RUNNING === 1, 10_000, "task running");
		const id = remote.driver.frameworkId!;
		await remote.stop({ teardown: true });
		const fw = server.sim.master.framework(id);
		expect(fw === undefined || fw.removed).toBe(true);
	}, 20_000);
});

describe("HttpTransport on the wire", () => {
	it("follows a 307 with a scheme-relative Location and keeps using the leader", async () => {
		const server = await live(2);
		const leader = new URL(server.url);
		let redirected = 0;
		const follower = await tinyServer((req, res) => {
			redirected++;
			req.resume();
			res.writeHead(307, { Location: `//${leader.host}/api/v1/scheduler` });
			res.end();
		});
		const { remote } = remoteSimple(follower.url, 1, "sleep 1");
		remote.start();
		await waitFor(
			() => remote.driver.stats().updates.TASK_FINISHED === 1,
			15_000,
			"task finished via the leader",
		);
		expect(redirected).toBe(1);
		expect(remote.transport.url).toBe(`${server.url}/api/v1/scheduler`);
		expect(remote.driver.stats().callErrors).toBe(0);
	}, 30_000);

	it("reports a refused call with its status and body, and a refused SUBSCRIBE then onClose", async () => {
		const server = await live(1);
		const t = new HttpTransport({ master: server.url });
		cleanups.push(() => t.dispose());
		const errors: { call: string; status: number; message: string }[] = [];
		t.onCallError = (call, r) => errors.push({ call: call.type, status: r.status, message: r.message });
		const events: Event[] = [];
		let closed = 0;
		const sub: Call = { type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "raw" } } };
		t.subscribe(
			sub,
			(e) => events.push(e),
			() => closed++,
		);
		expect(events).toHaveLength(0); // never delivered synchronously
		await waitFor(() => t.connected, 5000, "subscribed");
		expect(events[0]!.type).toBe("SUBSCRIBED");
		t.send({ type: "DECLINE", framework_id: { value: "no-such-framework" }, decline: { offer_ids: [] } });
		await waitFor(() => errors.length === 1, 5000, "a call error");
		expect(errors[0]).toMatchObject({ call: "DECLINE", status: 400 });
		expect(errors[0]!.message).toMatch(/Framework cannot be found/);

		// A SUBSCRIBE the master refuses (400: user is not a string): onCallError, then onClose.
		const t2 = new HttpTransport({ master: server.url });
		cleanups.push(() => t2.dispose());
		const errors2: number[] = [];
		let closed2 = 0;
		t2.onCallError = (_c, r) => errors2.push(r.status);
		t2.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: 7, name: "x" } as never } },
			() => {},
			() => closed2++,
		);
		await waitFor(() => closed2 === 1, 5000, "onClose after a refused SUBSCRIBE");
		expect(errors2).toEqual([400]);
		expect(closed).toBe(0);
	}, 20_000);

	it("sends the extra headers (credentials) on the stream and on calls", async () => {
		const seen: { auth: string | undefined; streamId: string | undefined; accept: string | undefined }[] = [];
		const srv = await tinyServer((req, res) => {
			req.resume();
			seen.push({
				auth: req.headers.authorization,
				streamId: req.headers["mesos-stream-id"] as string | undefined,
				accept: req.headers.accept,
			});
			if (seen.length === 1) {
				openStream(res, "fw-9");
			} else {
				res.writeHead(202);
				res.end();
			}
		});
		const t = new HttpTransport({ master: srv.url, headers: { Authorization: "Basic eDp5" } });
		cleanups.push(() => t.dispose());
		t.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } },
			() => {},
			() => {},
		);
		// Sent before SUBSCRIBED: waits for it, then goes out with the framework id filled in.
		t.send({ type: "REVIVE" });
		await waitFor(() => seen.length === 2 && t.pendingCalls === 0, 3000, "the call");
		expect(seen).toEqual([
			{ auth: "Basic eDp5", streamId: undefined, accept: "application/json" },
			{ auth: "Basic eDp5", streamId: "sid-1", accept: "application/json" },
		]);
	});

	/** A master stand-in: SUBSCRIBE gets a stream with SUBSCRIBED; calls go to `onCall`. */
	async function fakeMaster(
		onCall: (req: http.IncomingMessage, res: http.ServerResponse, body: Call) => void,
	) {
		return tinyServer((req, res) => {
			const parts: Buffer[] = [];
			req.on("data", (b: Buffer) => parts.push(b));
			req.on("end", () => {
				const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Call;
				if (body.type !== "SUBSCRIBE") {
					onCall(req, res, body);
					return;
				}
				openStream(res, "fw-1");
			});
		});
	}

	async function subscribed(
		url: string,
	): Promise<{ t: HttpTransport; done: { call: Call; status: number }[] }> {
		const done: { call: Call; status: number }[] = [];
		const t = new HttpTransport({ master: url, onCallDone: (call, status) => done.push({ call, status }) });
		cleanups.push(() => t.dispose());
		t.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } },
			() => {},
			() => {},
		);
		await waitFor(() => t.connected, 3000, "subscribed");
		return { t, done };
	}

	it("pipelines calls on one connection: the next goes out before the previous is answered; answers settle in order", async () => {
		const arrived: { type: string; port: number | undefined }[] = [];
		const held: http.ServerResponse[] = [];
		const srv = await fakeMaster((req, res, body) => {
			arrived.push({ type: body.type, port: req.socket.remotePort });
			held.push(res);
			// Nothing is answered until all three calls are in: only pipelining gets them here.
			if (held.length === 3)
				for (const r of held) {
					r.writeHead(202);
					r.end();
				}
		});
		const { t, done } = await subscribed(srv.url);
		t.send({ type: "REVIVE" });
		t.send({ type: "SUPPRESS" });
		t.send({ type: "RECONCILE", reconcile: { tasks: [] } });
		expect(t.pendingCalls).toBe(3);
		await waitFor(() => done.length === 3, 3000, "three answers");
		expect(arrived.map((a) => a.type)).toEqual(["REVIVE", "SUPPRESS", "RECONCILE"]);
		expect(new Set(arrived.map((a) => a.port)).size).toBe(1);
		expect(done.map((d) => [d.call.type, d.status])).toEqual([
			["REVIVE", 202],
			["SUPPRESS", 202],
			["RECONCILE", 202],
		]);
		expect(t.pendingCalls).toBe(0);
	});

	it("a call on a connection the master closed while idle arrives once and succeeds", async () => {
		const arrived: string[] = [];
		const srv = await fakeMaster((_req, res, body) => {
			arrived.push(body.type);
			res.writeHead(202);
			res.end();
		});
		const { t, done } = await subscribed(srv.url);
		const errors: number[] = [];
		t.onCallError = (_c, r) => errors.push(r.status);
		t.send({ type: "REVIVE" });
		await waitFor(() => done.length === 1, 3000, "the first call");
		// The master drops idle keep-alive connections (the stream's too: only calls matter here).
		srv.server.closeIdleConnections();
		t.send({ type: "SUPPRESS" });
		await waitFor(() => done.length === 2, 3000, "the second call");
		expect(arrived).toEqual(["REVIVE", "SUPPRESS"]);
		expect(done.map((d) => d.status)).toEqual([202, 202]);
		expect(errors).toEqual([]);
	});

	it("a call with no subscription is refused with 403, asynchronously", async () => {
		const t = new HttpTransport({ master: "http://127.0.0.1:1" });
		cleanups.push(() => t.dispose());
		const errors: number[] = [];
		t.onCallError = (_c, r) => errors.push(r.status);
		t.send({ type: "REVIVE", framework_id: { value: "x" } });
		expect(errors).toEqual([]);
		await waitFor(() => errors.length === 1, 1000, "403");
		expect(errors).toEqual([403]);
	});

	it("an unreachable master closes the subscription; the driver keeps retrying", async () => {
		const dead = await tinyServer(() => {});
		const port = new URL(dead.url).port;
		await new Promise<void>((r) => dead.server.close(() => r()));
		const { remote } = remoteSimple(`http://127.0.0.1:${port}`);
		remote.start();
		await waitFor(() => remote.driver.stats().disconnections >= 2, 5000, "two failed attempts");
		expect(remote.driver.state === "backoff" || remote.driver.state === "subscribing").toBe(true);
		expect(remote.driver.frameworkId).toBeNull();
	}, 10_000);

	it("drops the stream after 5 missed heartbeats and reports onClose", async () => {
		let subscribes = 0;
		const silent = await tinyServer((req, res) => {
			req.resume();
			subscribes++;
			res.writeHead(200, { "Content-Type": "application/json", "Mesos-Stream-Id": `s-${subscribes}` });
			res.write(
				encodeRecord(
					JSON.stringify({
						type: "SUBSCRIBED",
						subscribed: { framework_id: { value: "fw-1" }, heartbeat_interval_seconds: 0.04 },
					}),
				),
			);
			// ... and then nothing, ever.
		});
		const t = new HttpTransport({ master: silent.url });
		cleanups.push(() => t.dispose());
		const events: string[] = [];
		let closedAt = 0;
		const t0 = Date.now();
		t.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } },
			(e) => events.push(e.type),
			() => {
				closedAt = Date.now();
			},
		);
		await waitFor(() => closedAt > 0, 3000, "onClose after silence");
		expect(events).toEqual(["SUBSCRIBED"]);
		expect(closedAt - t0).toBeGreaterThanOrEqual(190); // 5 × 40 ms
		expect(t.connected).toBe(false);
	});

	it("delivers events in order even when the server writes frames byte by byte", async () => {
		const frames = [
			{
				type: "SUBSCRIBED",
				subscribed: { framework_id: { value: "fw-héllo ✓" }, heartbeat_interval_seconds: 15 },
			},
			...Array.from({ length: 20 }, (_, k) => ({ type: "ERROR", error: { message: `n${k} ✓` } })),
		];
		const bytes = Buffer.concat(frames.map((f) => encodeRecord(JSON.stringify(f))));
		const trickle = await tinyServer((req, res) => {
			req.resume();
			res.writeHead(200, { "Content-Type": "application/json", "Mesos-Stream-Id": "s" });
			let i = 0;
			const step = () => {
				if (i >= bytes.length) return res.end();
				res.write(bytes.subarray(i, i + 13));
				i += 13;
				setImmediate(step);
			};
			step();
		});
		const t = new HttpTransport({ master: trickle.url });
		cleanups.push(() => t.dispose());
		const got: Event[] = [];
		let closed = false;
		t.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } },
			(e) => got.push(e),
			() => {
				closed = true;
			},
		);
		await waitFor(() => closed, 5000, "stream end");
		expect(got).toEqual(frames);
	});
});
