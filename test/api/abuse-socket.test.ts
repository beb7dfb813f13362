/**
 * The live master under abuse, on a real loopback socket: readers that stop
 * reading (operator and scheduler event streams), a RECONCILE that asks for
 * tens of thousands of tasks, a body cut off mid-way, a storm of
 * reconnections. Each test bounds its loops, stops by itself and asserts that
 * memory stays under a stated bound and that the master keeps answering.
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
async function busyCluster(app: Record<string, unknown> = {}): Promise<{ c: TestCluster; port: number }> {
	const tc = await cluster({
		agents: 20,
		scenario: {
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
	return { c: tc, port: (tc.app.server.address() as AddressInfo).port };
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
		setTimeout(() => reject(new Error(`no answer to POST ${path}`)), 5000).unref();
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
		const again = await rawPost(
			port,
			"/api/v1/scheduler",
			JSON.stringify({
				type: "SUBSCRIBE",
				framework_id: { value: fw.id },
				subscribe: { framework_info: { ...info, id: { value: fw.id } } },
			}),
		);
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
