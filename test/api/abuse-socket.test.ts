/**
 * The live master under abuse, on a real loopback socket: readers that stop
 * reading (operator and scheduler event streams), a RECONCILE that asks for
 * tens of thousands of tasks (explicit or implicit), bodies cut off mid-way,
 * storms of SUBSCRIBEs that hang up at once (new frameworks, failovers of one,
 * operator streams), and attempts to take another principal's framework over,
 * with and without authentication. Each test bounds its loops, stops by
 * itself and asserts that memory stays under a stated bound and that the
 * master keeps answering.
 */

import type { AddressInfo } from "node:net";
import net from "node:net";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { RECONCILE_SLICE } from "../../master/http/scheduler.js";
import { cluster, flush, type TestCluster } from "./helpers.js";

/** Per-stream and total limits the tests run with (small, so that a few streams reach them). */
const PER_STREAM = 256 * 1024;
const TOTAL = 2 * 1024 * 1024;

let c: TestCluster | null = null;
const sockets: net.Socket[] = [];

afterEach(async () => {
	for (const s of sockets.splice(0)) s.destroy();
	await c?.close();
	c = null;
});

/** 20 agents and a framework whose 100 quarter-second tasks are replaced as they end: a steady flow of events. */
async function busyCluster(
	app: Record<string, unknown> = {},
	master: Record<string, unknown> = {},
): Promise<{ c: TestCluster; port: number }> {
	const tc = await cluster({
		agents: 20,
		scenario: {
			master,
			frameworks: [
				{
					type: "simple",
					name: "churn",
					tasks: { count: 100, cpus: 1, mem: 64, command: "sleep 0.25", relaunch: true },
				},
			],
		},
		app: { maxBufferedBytes: PER_STREAM, maxBufferedBytesTotal: TOTAL, ...app },
	});
	c = tc;
	await tc.app.listen({ host: "127.0.0.1", port: 0 });
	const port = (tc.app.server.address() as AddressInfo).port;
	// It answers before the abuse (and the client's first connection is not what a later answer times).
	await health(port);
	return { c: tc, port };
}

interface Head {
	status: number;
	headers: Record<string, string>;
}

/**
 * POSTs `body` on a raw socket and resolves with the response head; after it
 * the socket stops reading (a stalled reader) unless `keepReading`.
 */
function rawPost(
	port: number,
	path: string,
	body: string,
	extra: Record<string, string> = {},
): Promise<{ socket: net.Socket; head: Head; closed: Promise<void> }> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, "127.0.0.1");
		sockets.push(socket);
		const closed = new Promise<void>((r) =>
			socket.on("close", () => {
				reject(new Error(`POST ${path}: connection closed before an answer`));
				r();
			}),
		);
		let buf = "";
		const onData = (b: Buffer) => {
			buf += b.toString("latin1");
			const end = buf.indexOf("\r\n\r\n");
			if (end < 0) return;
			socket.off("data", onData);
			socket.pause();
			// The timer would keep this socket (and what it buffered) alive for its 5 s.
			clearTimeout(timer);
			const [statusLine, ...lines] = buf.slice(0, end).split("\r\n");
			const headers: Record<string, string> = {};
			for (const l of lines) {
				const i = l.indexOf(":");
				headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
			}
			resolve({ socket, head: { status: Number(statusLine!.split(" ")[1]), headers }, closed });
		};
		socket.on("data", onData);
		socket.on("error", () => {});
		socket.on("connect", () => {
			const h = {
				"Content-Type": "application/json",
				Accept: "application/json",
				"Content-Length": String(Buffer.byteLength(body)),
				...extra,
			};
			socket.write(
				`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(h)
					.map(([k, v]) => `${k}: ${v}\r\n`)
					.join("")}\r\n${body}`,
			);
		});
		const timer = setTimeout(() => reject(new Error(`no answer to POST ${path}`)), 5000).unref();
	});
}

/** A SUBSCRIBE that fails framework `id` over (its id in the call and in FrameworkInfo). */
function failoverBody(id: string, info: Record<string, unknown>): string {
	return JSON.stringify({
		type: "SUBSCRIBE",
		framework_id: { value: id },
		subscribe: { framework_info: { ...info, id: { value: id } } },
	});
}

/** Reads what is left on a paused socket until it closes. */
function readRest(socket: net.Socket): Promise<string> {
	return new Promise((resolve) => {
		let tail = "";
		socket.on("data", (b: Buffer) => {
			tail = (tail + b.toString("latin1")).slice(-16);
		});
		socket.on("close", () => resolve(tail));
		socket.resume();
	});
}

async function health(port: number): Promise<number> {
	const t = performance.now();
	const r = await fetch(`http://127.0.0.1:${port}/master/health`);
	await r.arrayBuffer();
	expect(r.status).toBe(200);
	return performance.now() - t;
}

v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap plus Buffers (external) after a full GC. */
function memoryNow(): number {
	gc();
	const m = process.memoryUsage();
	return m.heapUsed + m.external;
}

/** Runs the cluster `seconds` of simulated time, one second per turn, watching the buffered total. */
async function churn(tc: TestCluster, seconds: number): Promise<number> {
	let peak = 0;
	for (let i = 0; i < seconds; i++) {
		await tc.advance(1000);
		peak = Math.max(peak, tc.app.mesos.bufferedBytes);
	}
	return peak;
}

describe("readers that stop reading", () => {
	it("stalled operator streams cost at most the total budget; they are closed and their memory given back", async () => {
		const { c: tc, port } = await busyCluster();
		await tc.advance(2000);
		const before = memoryNow();
		const subs = [];
		for (let i = 0; i < 40; i++)
			subs.push(await rawPost(port, "/api/v1", JSON.stringify({ type: "SUBSCRIBE" })));
		for (const s of subs) expect(s.head.status).toBe(200);
		// Small events cost more than their bytes: 40,000 HEARTBEATs (23 bytes each) and 10 s of task events.
		let peak = 0;
		for (let i = 0; i < 40; i++) {
			for (let j = 0; j < 1000; j++) tc.app.mesos.operator.heartbeat();
			peak = Math.max(peak, tc.app.mesos.bufferedBytes);
			await flush();
		}
		peak = Math.max(peak, await churn(tc, 10));
		// Every stalled reader fell behind and was closed, and what it held is given back at once,
		// although the readers still read nothing.
		expect(memoryNow() - before).toBeLessThan(16 * 1024 * 1024);
		expect(tc.app.mesos.openStreams).toBe(0);
		expect(peak).toBeLessThanOrEqual(TOTAL);
		expect(tc.app.mesos.bufferedBytes).toBe(0);
		// Destroyed, not ended: a reader that wakes up finds its stream cut, without the last chunk.
		const tails = await Promise.all(subs.map((s) => readRest(s.socket)));
		for (const t of tails) expect(t.endsWith("0\r\n\r\n")).toBe(false);
		expect(await health(port)).toBeLessThan(1000);
	});

	it("a stalled scheduler stream is closed at its own limit, the framework disconnected, and it can resubscribe", async () => {
		const { c: tc, port } = await busyCluster({ maxBufferedBytesTotal: 64 * 1024 * 1024 });
		const info = { user: "u", name: "stalled", failover_timeout: 3600 };
		const sub = await rawPost(
			port,
			"/api/v1/scheduler",
			JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: info } }),
		);
		expect(sub.head.status).toBe(200);
		const streamId = sub.head.headers["mesos-stream-id"]!;
		const fw = tc.sim.master.frameworks.find((f) => f.info.name === "stalled")!;
		// 30 RECONCILEs of 2,000 unknown tasks: 60,000 UPDATE events for a reader that reads none.
		const tasks = Array.from({ length: 2000 }, (_, i) => ({ task_id: { value: `t-${i}` } }));
		const reconcile = JSON.stringify({
			type: "RECONCILE",
			framework_id: { value: fw.id },
			reconcile: { tasks },
		});
		for (let i = 0; i < 30 && fw.connected; i++) {
			const r = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
				method: "POST",
				headers: { "Content-Type": "application/json", "Mesos-Stream-Id": streamId },
				body: reconcile,
			});
			await r.arrayBuffer();
			await tc.advance(10);
			expect(tc.app.mesos.bufferedBytes).toBeLessThanOrEqual(PER_STREAM);
		}
		expect(tc.app.mesos.openStreams).toBe(0);
		await readRest(sub.socket);
		await tc.advance(10);
		expect(fw.connected).toBe(false);
		expect(tc.app.mesos.bufferedBytes).toBe(0);
		// It resubscribes with its id (a new connection) and gets SUBSCRIBED.
		const again = await rawPost(port, "/api/v1/scheduler", failoverBody(fw.id, info));
		expect(again.head.status).toBe(200);
		expect(fw.connected).toBe(true);
	}, 60_000);
});

describe("one call cannot stall everyone", () => {
	it("a 1 MiB RECONCILE of unknown tasks goes to the master in slices, across engine turns", async () => {
		const { c: tc, port } = await busyCluster({
			maxBufferedBytes: 64 * 1024 * 1024,
			maxBufferedBytesTotal: 64 * 1024 * 1024,
		});
		const info = { user: "u", name: "big-reconcile" };
		const sub = await rawPost(
			port,
			"/api/v1/scheduler",
			JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: info } }),
		);
		let updates = 0;
		let carry = "";
		sub.socket.on("data", (b: Buffer) => {
			const text = carry + b.toString("latin1");
			updates += text.split('"REASON_RECONCILIATION"').length - 1;
			carry = text.slice(-30).replace(/.*"REASON_RECONCILIATION"/, "");
		});
		sub.socket.resume();
		const fw = tc.sim.master.frameworks.find((f) => f.info.name === "big-reconcile")!;
		const tasks = [];
		while (tasks.length < 34_000) tasks.push({ task_id: { value: `t${tasks.length}` } });
		const body = JSON.stringify({ type: "RECONCILE", framework_id: { value: fw.id }, reconcile: { tasks } });
		expect(body.length).toBeLessThan(1024 * 1024);
		const r = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				"Mesos-Stream-Id": sub.head.headers["mesos-stream-id"]!,
			},
			body,
		});
		expect(r.status).toBe(202);
		for (let i = 0; i < 5; i++) await flush();
		// The answer came after one slice; the rest waits for the engine's next turns.
		expect(updates).toBeLessThanOrEqual(RECONCILE_SLICE);
		expect(tc.sim.engine.pending).toBeGreaterThan(0);
		await tc.advance(1000);
		for (let i = 0; i < 50 && updates < 34_000; i++) await new Promise((res) => setTimeout(res, 20));
		expect(updates).toBe(34_000);
	});
});

/** Sends the head and half of a POST body, then closes the connection; resolves once it is closed. */
function halfPost(port: number, path: string, body: string): Promise<void> {
	return new Promise((resolve) => {
		const socket = net.connect(port, "127.0.0.1");
		socket.on("error", () => {});
		socket.on("close", () => resolve());
		socket.on("connect", () => {
			socket.write(
				`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
					`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, body.length >> 1)}`,
			);
			setImmediate(() => socket.destroy());
		});
	});
}

/** Subscribes on a raw socket and closes it at once, `n` times, `batch` at a time. */
async function storm(port: number, path: string, body: (i: number) => string, n: number, batch = 25) {
	const statuses = new Map<number, number>();
	for (let i = 0; i < n; i += batch) {
		const round = [];
		for (let k = i; k < Math.min(n, i + batch); k++) round.push(rawPost(port, path, body(k)));
		for (const r of await Promise.all(round)) {
			statuses.set(r.head.status, (statuses.get(r.head.status) ?? 0) + 1);
			r.socket.destroy();
		}
		sockets.splice(0);
		await flush();
	}
	return statuses;
}

/** Resolves once the server has seen every stream's connection close (bounded wait). */
async function streamsClosed(tc: TestCluster): Promise<void> {
	for (let i = 0; i < 200 && tc.app.mesos.openStreams > 0; i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Before a memory baseline: the cluster's histories full (completed tasks are
 * kept up to a bound) and a first small storm on `path` (code compiled, pools
 * made), so what grows after is what the storm leaves behind.
 */
async function settled(tc: TestCluster, port: number, path: string, body: (i: number) => string) {
	await tc.advance(2000);
	await storm(port, path, body, 25);
	await streamsClosed(tc);
	await tc.advance(1000);
}

/** What the tests allow the process's heap plus Buffers to grow by across hundreds of connections. */
const CONNECTIONS_BOUND = 24 * 1024 * 1024;

describe("an implicit RECONCILE", () => {
	it("of a framework with 3,000 tasks goes to the master in slices too, each task with its latest state", async () => {
		const tc = await cluster({
			agents: 20,
			scenario: {
				frameworks: [
					{
						type: "simple",
						name: "many",
						failoverTimeout: "1h",
						tasks: { count: 3000, cpus: 0.05, mem: 16, command: "sleep 3600" },
					},
				],
			},
			app: { maxBufferedBytes: 64 * 1024 * 1024, maxBufferedBytesTotal: 64 * 1024 * 1024 },
		});
		c = tc;
		await tc.app.listen({ host: "127.0.0.1", port: 0 });
		const port = (tc.app.server.address() as AddressInfo).port;
		const fw = tc.sim.master.frameworks.find((f) => f.info.name === "many")!;
		for (let i = 0; i < 30 && fw.tasks.size < 3000; i++) await tc.advance(1000);
		expect(fw.tasks.size).toBe(3000);
		// A scheduler process takes the framework over (its id, no principal) and reconciles everything.
		const sub = await rawPost(
			port,
			"/api/v1/scheduler",
			failoverBody(fw.id, { user: "u", name: "many", failover_timeout: 3600 }),
		);
		expect(sub.head.status).toBe(200);
		let latest = 0;
		let carry = "";
		sub.socket.on("data", (b: Buffer) => {
			const text = carry + b.toString("latin1");
			latest += text.split("Reconciliation: Latest task state").length - 1;
			carry = text.slice(-40).replace(/.*Reconciliation: Latest task state/, "");
		});
		sub.socket.resume();
		const r = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				"Mesos-Stream-Id": sub.head.headers["mesos-stream-id"]!,
			},
			body: JSON.stringify({ type: "RECONCILE", framework_id: { value: fw.id }, reconcile: { tasks: [] } }),
		});
		expect(r.status).toBe(202);
		for (let i = 0; i < 5; i++) await flush();
		expect(latest).toBeLessThanOrEqual(RECONCILE_SLICE);
		expect(await health(port)).toBeLessThan(1000);
		await tc.advance(1000);
		for (let i = 0; i < 50 && latest < 3000; i++) await new Promise((res) => setTimeout(res, 20));
		expect(latest).toBe(3000);
	}, 60_000);
});

/**
 * After the abuse: `streams` streams still open, nothing queued, heap plus
 * Buffers grown by less than CONNECTIONS_BOUND since `before`, and
 * /master/health answered within a second.
 */
async function expectHeldUp(tc: TestCluster, port: number, before: number, streams = 0): Promise<void> {
	expect(tc.app.mesos.openStreams).toBe(streams);
	if (streams === 0) expect(tc.app.mesos.bufferedBytes).toBe(0);
	expect(memoryNow() - before).toBeLessThan(CONNECTIONS_BOUND);
	expect(await health(port)).toBeLessThan(1000);
}

describe("connections that go away", () => {
	it("bodies cut off mid-way (200 on each API) leave no framework, no stream, no memory behind", async () => {
		const { c: tc, port } = await busyCluster();
		await tc.advance(1000);
		const master = tc.sim.master;
		const frameworks = master.frameworks.length;
		const before = memoryNow();
		const schedulerBody = JSON.stringify({
			type: "SUBSCRIBE",
			subscribe: { framework_info: { user: "u", name: "cut".repeat(2000) } },
		});
		const operatorBody = JSON.stringify({ type: "GET_STATE", padding: "x".repeat(8000) });
		for (let i = 0; i < 200; i += 20) {
			const round = [];
			for (let k = 0; k < 20; k++) {
				round.push(halfPost(port, "/api/v1/scheduler", schedulerBody));
				round.push(halfPost(port, "/api/v1", operatorBody));
			}
			await Promise.all(round);
			await tc.advance(100);
		}
		expect(master.frameworks.length).toBe(frameworks);
		await expectHeldUp(tc, port, before);
	}, 60_000);

	it("a storm of 300 scheduler SUBSCRIBEs that hang up at once: every framework removed, completed list bounded", async () => {
		const { c: tc, port } = await busyCluster();
		const master = tc.sim.master;
		const before = memoryNow();
		const statuses = await storm(
			port,
			"/api/v1/scheduler",
			(i) =>
				JSON.stringify({
					type: "SUBSCRIBE",
					subscribe: { framework_info: { user: "u", name: `storm-${i}`, failover_timeout: 0 } },
				}),
			300,
		);
		expect([...statuses]).toEqual([[200, 300]]);
		await streamsClosed(tc);
		await tc.advance(1000);
		// Failover timeout 0: each is removed once its connection is gone; only the churn framework is left.
		expect(master.frameworks.filter((f) => !f.removed).map((f) => f.info.name)).toEqual(["churn"]);
		expect(master.completedFrameworks.size).toBeLessThanOrEqual(master.flags.maxCompletedFrameworks);
		await expectHeldUp(tc, port, before);
	}, 60_000);

	it("a storm of 300 failovers of one framework: one record, the latest stream wins, nothing piles up", async () => {
		const { c: tc, port } = await busyCluster();
		const master = tc.sim.master;
		const info = { user: "u", name: "flapper", failover_timeout: 3600 };
		const first = await rawPost(
			port,
			"/api/v1/scheduler",
			JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: info } }),
		);
		first.socket.destroy();
		await tc.advance(10);
		const fw = master.frameworks.find((f) => f.info.name === "flapper")!;
		const before = memoryNow();
		const statuses = await storm(port, "/api/v1/scheduler", () => failoverBody(fw.id, info), 300, 10);
		expect([...statuses]).toEqual([[200, 300]]);
		await streamsClosed(tc);
		await tc.advance(1000);
		expect(master.frameworks.filter((f) => f.info.name === "flapper")).toEqual([fw]);
		expect(fw.removed).toBe(false);
		expect(fw.connected).toBe(false);
		await expectHeldUp(tc, port, before);
	}, 60_000);

	it("a storm of 300 operator SUBSCRIBEs that hang up at once: no subscriber left", async () => {
		// A short task history: every SUBSCRIBED carries the whole state.
		const { c: tc, port } = await busyCluster({}, { maxCompletedTasksPerFramework: 50 });
		await settled(tc, port, "/api/v1", () => JSON.stringify({ type: "SUBSCRIBE" }));
		const before = memoryNow();
		const statuses = await storm(port, "/api/v1", () => JSON.stringify({ type: "SUBSCRIBE" }), 300);
		expect([...statuses]).toEqual([[200, 300]]);
		await streamsClosed(tc);
		await tc.advance(1000);
		await expectHeldUp(tc, port, before);
	}, 60_000);
});

describe("hijack attempts on the socket", () => {
	const CREDENTIALS = new Map([
		["alice", "a-secret"],
		["mallory", "m-secret"],
	]);
	const basic = (p: string, s: string) => `Basic ${Buffer.from(`${p}:${s}`).toString("base64")}`;

	/**
	 * Alice's framework holds its stream (read all along); 100 attempts to fail
	 * it over (another principal, or none) and 100 calls with its id and a
	 * guessed stream id must all be refused, and Alice's stream must see no ERROR.
	 */
	async function hijackRound(auth: boolean) {
		const { c: tc, port } = await busyCluster(
			auth ? { auth: { credentials: CREDENTIALS, frameworks: true, readwrite: true, readonly: false } } : {},
		);
		const alice = auth ? { Authorization: basic("alice", "a-secret") } : {};
		const owner = await rawPost(
			port,
			"/api/v1/scheduler",
			JSON.stringify({
				type: "SUBSCRIBE",
				subscribe: {
					framework_info: { user: "u", name: "victim", principal: "alice", failover_timeout: 3600 },
				},
			}),
			alice,
		);
		expect(owner.head.status).toBe(200);
		let received = "";
		owner.socket.on("data", (b: Buffer) => {
			received = (received + b.toString("latin1")).slice(-65536);
			if (received.includes('"ERROR"')) received = `${received}<<ERROR SEEN>>`;
		});
		owner.socket.resume();
		const fw = tc.sim.master.frameworks.find((f) => f.info.name === "victim")!;
		const before = memoryNow();
		const attempts: { status: number; who: string }[] = [];
		const post = async (body: unknown, headers: Record<string, string>, who: string) => {
			const r = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
				body: JSON.stringify(body),
			});
			await r.body?.cancel();
			attempts.push({ status: r.status, who });
		};
		const mallory: Record<string, string> = auth ? { Authorization: basic("mallory", "m-secret") } : {};
		for (let i = 0; i < 50; i++) {
			for (const principal of ["alice", "mallory", undefined]) {
				const info = { user: "u", name: "victim", id: { value: fw.id }, ...(principal ? { principal } : {}) };
				if (principal !== "alice" || auth)
					await post(
						{ type: "SUBSCRIBE", framework_id: { value: fw.id }, subscribe: { framework_info: info } },
						mallory,
						`subscribe as ${principal}`,
					);
			}
			await post(
				{ type: "TEARDOWN", framework_id: { value: fw.id } },
				{ ...mallory, "Mesos-Stream-Id": `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
				"teardown with a guessed stream id",
			);
		}
		await tc.advance(100);
		expect(fw.connected).toBe(true);
		expect(fw.removed).toBe(false);
		expect(received).not.toContain("<<ERROR SEEN>>");
		await expectHeldUp(tc, port, before, 1);
		return attempts;
	}

	it("without authentication: failing another principal's framework over is 403, a guessed stream id 400", async () => {
		const attempts = await hijackRound(false);
		const by = (who: string) => [...new Set(attempts.filter((a) => a.who === who).map((a) => a.status))];
		expect(by("subscribe as mallory")).toEqual([403]);
		expect(by("subscribe as undefined")).toEqual([403]);
		expect(by("teardown with a guessed stream id")).toEqual([400]);
	}, 60_000);

	it("with authentication: another principal's credentials get 403 whatever FrameworkInfo says", async () => {
		const attempts = await hijackRound(true);
		const by = (who: string) => [...new Set(attempts.filter((a) => a.who === who).map((a) => a.status))];
		expect(by("subscribe as alice")).toEqual([403]);
		expect(by("subscribe as mallory")).toEqual([403]);
		expect(by("subscribe as undefined")).toEqual([403]);
		expect(by("teardown with a guessed stream id")).toEqual([400]);
	}, 60_000);
});
