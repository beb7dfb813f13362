// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * The live server on a real socket (127.0.0.1, port 0) with fetch streaming,
 * the wall-clock driver, and `mesosim serve` as a process: it logs its URL and
 * exits within a second of SIGINT, open streams and all.
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../engine/index.js";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { LiveDriver, type LiveServer, startLive } from "../../sim/runner/live.js";
import { cluster, FrameReader, subscribe } from "./helpers.js";

let server: LiveServer | null = null;
afterEach(async () => {
	await server?.close();
	server = null;
});

function reader(res: Response): FrameReader {
	return new FrameReader(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>));
}

describe("real socket", () => {
	it("streams RecordIO over fetch, takes calls, and closes promptly with streams open", async () => {
		server = await startLive({ scenario: agentsScenario(4), host: "127.0.0.1", port: 0, speed: 1 });
		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const res = await fetch(`${server.url}/api/v1/scheduler`, {
			method: "POST",
			headers: { "content-type": "application/json", accept: "application/json" },
			body: JSON.stringify({
				type: "SUBSCRIBE",
				subscribe: { framework_info: { user: "u", name: "sock ✓" } },
			}),
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("application/json");
		const streamId = res.headers.get("mesos-stream-id")!;
		const frames = reader(res);
		const subscribed = await frames.next();
		expect(subscribed.type).toBe("SUBSCRIBED");
		const frameworkId = (subscribed.subscribed as any).framework_id.value;
		const offers = await frames.nextOf("OFFERS", 3000);
		const ids = (offers.offers as any).offers.map((o: any) => o.id);
		expect(ids.length).toBe(4);
		const decline = await fetch(`${server.url}/api/v1/scheduler`, {
			method: "POST",
			headers: { "content-type": "application/json", "mesos-stream-id": streamId },
			body: JSON.stringify({
				type: "DECLINE",
				framework_id: { value: frameworkId },
				decline: { offer_ids: ids },
			}),
		});
		expect(decline.status).toBe(202);
		expect(await decline.text()).toBe("");
		expect(server.sim.master.outstandingOffers).toBe(0);

		const op = await fetch(`${server.url}/api/v1`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ type: "SUBSCRIBE" }),
		});
		const opFrames = reader(op);
		expect((await opFrames.next()).type).toBe("SUBSCRIBED");
		const state = (await (await fetch(`${server.url}/master/state`)).json()) as {
			frameworks: { name: string }[];
		};
		expect(state.frameworks[0]!.name).toBe("sock ✓");
		expect(server.app.mesos.openStreams).toBe(2);

		// Open streams must not hold the close up (fastify waits for idle connections by default).
		const hung = new Promise<string>((r) => setTimeout(() => r("hung"), 20_000).unref());
		expect(await Promise.race([server.close().then(() => "closed"), hung])).toBe("closed");
		await frames.waitEnd();
		await opFrames.waitEnd();
		expect(frames.error).toBeNull();
		server = null;
	});

	it("a dropped connection disconnects the framework (failover timeout starts)", async () => {
		server = await startLive({ scenario: agentsScenario(2), host: "127.0.0.1", port: 0, speed: 1 });
		const abort = new AbortController();
		const res = await fetch(`${server.url}/api/v1/scheduler`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				type: "SUBSCRIBE",
				subscribe: { framework_info: { user: "u", name: "n", failover_timeout: 3600 } },
			}),
			signal: abort.signal,
		});
		const frames = reader(res);
		const id = ((await frames.next()).subscribed as any).framework_id.value;
		expect(server.sim.master.framework(id)!.connected).toBe(true);
		abort.abort();
		const deadline = Date.now() + 2000;
		while (server.sim.master.framework(id)!.connected && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 20));
		}
		expect(server.sim.master.framework(id)!.connected).toBe(false);
		expect(server.sim.master.framework(id)!.removed).toBe(false);
		expect(server.app.mesos.openStreams).toBe(0);
	});
});

describe("LiveDriver", () => {
	it("paces the engine to wall clock × speed and moves the clock when idle", () => {
		const engine = new Engine();
		let wall = 1000;
		const ran: number[] = [];
		for (const t of [5, 50, 500, 5000]) engine.timeout(t, () => ran.push(engine.now));
		const d = new LiveDriver({ engine, speed: 10, wallNow: () => wall, keepAliveMs: 1e9 });
		d.start();
		d.catchUp();
		expect(engine.now).toBe(0);
		wall += 10; // 100 simulated ms
		d.catchUp();
		expect(ran).toEqual([5, 50]);
		expect(engine.now).toBe(100);
		wall += 100;
		d.catchUp();
		expect(ran).toEqual([5, 50, 500]);
		expect(engine.now).toBe(1100);
		expect(d.lagMs).toBe(0);
		d.stop();
		wall += 1000;
		d.catchUp(); // stopped: nothing runs
		expect(engine.now).toBe(1100);
	});

	it("stops a catch-up at its work budget and reports the lag", () => {
		const engine = new Engine();
		let wall = 0;
		const tick = () => {
			wall += 1; // every event costs 1 wall ms
			engine.timeout(1, tick);
		};
		engine.timeout(1, tick);
		const d = new LiveDriver({ engine, speed: 1000, budgetMs: 20, wallNow: () => wall, keepAliveMs: 1e9 });
		d.start();
		wall += 1000; // wants 1 000 000 simulated ms
		d.catchUp();
		expect(engine.now).toBeLessThan(1000);
		expect(d.lagMs).toBeGreaterThan(900_000);
		d.stop();
	});

	it("rejects a speed that is not > 0", () => {
		expect(() => new LiveDriver({ engine: new Engine(), speed: 0 })).toThrow(/speed/);
	});

	it("keepAlive sends HEARTBEAT only to streams silent since the last call", async () => {
		const c = await cluster();
		const sub = await subscribe(c.app, {});
		c.app.mesos.keepAlive(); // SUBSCRIBED was written: no heartbeat
		expect((await sub.reader.drain()).length).toBe(0);
		c.app.mesos.keepAlive();
		expect((await sub.reader.drain()).map((f) => f.type)).toEqual(["HEARTBEAT"]);
		await c.close();
	});
});

describe("mesosim serve (process)", () => {
	it("logs its URL, serves, and exits 0 within a second of SIGINT with a stream open", async () => {
		const child = spawn(process.execPath, ["bin/mesosim.js", "serve", "--agents", "20", "--port", "0"], {
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, MESOSIM_LOG_LEVEL: "info" },
		});
		let stderr = "";
		const url = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no URL logged: ${stderr}`)), 20_000);
			child.stderr.on("data", (d) => {
				stderr += String(d);
				const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
				if (m !== null) {
					clearTimeout(timer);
					resolve(m[1]!);
				}
			});
		});
		const line = stderr.split("\n").find((l) => l.includes('"url"'))!;
		expect(JSON.parse(line).msg).toBe(`mesosim master listening on ${url}`);
		expect(JSON.parse(line).agents).toBe(20);
		const res = await fetch(`${url}/api/v1/scheduler`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } }),
		});
		const frames = reader(res);
		expect((await frames.next()).type).toBe("SUBSCRIBED");
		const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
		child.kill("SIGINT");
		// 0: the server closed by itself; close-with-grace's 1 s deadline would exit with 1.
		expect(await exited).toBe(0);
		await frames.waitEnd();
	}, 30_000);
});
