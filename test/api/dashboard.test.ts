/**
 * The dashboard's server side (web/server) on a simulated cluster driven by
 * hand: the page and its bundle, the feed's snapshot on connect, map deltas
 * against full frames, bad messages, and a slow viewer.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { buildApp } from "../../master/http/index.js";
import { buildSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";
import {
	decodeFrame,
	FEED_PATH,
	FRAME,
	type LayoutMeta,
	MAP_CHANNELS,
	type ServerMessage,
	type SnapshotMessage,
} from "../../web/protocol.js";
import { type DashboardFeed, type FeedSocket, registerDashboard } from "../../web/server/index.js";

interface Harness {
	sim: Simulation;
	app: FastifyInstance;
	feed: DashboardFeed;
}

let open: Harness | null = null;
afterEach(async () => {
	await open?.app.close();
	open = null;
});

/** As in live mode: simulated time 0 is a Unix time (the engine's originMs). */
const ORIGIN_MS = 1_796_000_000_000;

async function dashboard(): Promise<Harness> {
	const sim = buildSimulation(
		validateScenario({
			name: "dashboard-api",
			seed: 3,
			master: { allocationInterval: "1s" },
			agents: [{ group: "web", count: 12, cpus: 8, mem: 32768, attributes: { rack: "r{i / 4}" } }],
			frameworks: [
				{
					type: "simple",
					name: "batch",
					tasks: { count: 30, cpus: 2, mem: 2048, command: "sleep 5", relaunch: true },
				},
			],
		}),
		{ originMs: ORIGIN_MS },
	);
	sim.engine.runUntil(ORIGIN_MS + 100);
	const app = buildApp({ master: sim.master, engine: sim.engine });
	// Ticks by hand: the timer's period is far beyond the test.
	const feed = await registerDashboard(app, {
		master: sim.master,
		originMs: sim.engine.originMs,
		clock: { speed: 1 },
		groupOf: (a) => sim.fleet.group(sim.master.cluster.local[a]!),
		updateHz: 0.1,
	});
	await app.ready();
	open = { sim, app, feed };
	return open;
}

/** Messages a viewer got, as decoded frames or parsed JSON. */
class Viewer {
	frames: ReturnType<typeof decodeFrame>[] = [];
	messages: ServerMessage[] = [];
	closed: { code: number; reason: string } | null = null;
	take(data: WebSocket.RawData, isBinary: boolean): void {
		const buf = data as Buffer;
		if (isBinary) this.frames.push(decodeFrame(Uint8Array.from(buf).buffer));
		else this.messages.push(JSON.parse(buf.toString("utf8")) as ServerMessage);
	}
}

async function connect(app: FastifyInstance): Promise<{ ws: WebSocket; viewer: Viewer }> {
	const viewer = new Viewer();
	const ws = await app.injectWS(
		FEED_PATH,
		{},
		{
			onInit: (s) => {
				s.on("message", (d, bin) => viewer.take(d, bin));
				s.on("close", (code, reason) => {
					viewer.closed = { code, reason: reason.toString() };
				});
			},
		},
	);
	await until(() => viewer.messages.length > 0);
	return { ws, viewer };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error("timed out");
		await new Promise((r) => setTimeout(r, 5));
	}
}

describe("dashboard page", () => {
	it("serves the page at / with its hashed script and style from the same server, nothing from outside", async () => {
		const { app } = await dashboard();
		const page = await app.inject({ url: "/" });
		expect(page.statusCode).toBe(200);
		expect(page.headers["content-type"]).toMatch(/^text\/html/);
		const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
		expect(assets.filter((u) => u !== "data:,").every((u) => u.startsWith("/dashboard/app."))).toBe(true);
		expect(assets.length).toBeGreaterThanOrEqual(2);
		for (const url of assets.filter((u) => u.startsWith("/"))) {
			const res = await app.inject({ url });
			expect(res.statusCode, url).toBe(200);
			expect(res.headers["cache-control"]).toMatch(/immutable/);
			expect(res.body.length).toBeGreaterThan(url.endsWith(".js") ? 20_000 : 500);
		}
	});
});

describe("live feed", () => {
	it("sends the layout, the full map and a snapshot on connect", async () => {
		const { app, sim } = await dashboard();
		const { viewer } = await connect(app);
		const n = sim.master.cluster.size;
		expect(viewer.frames.map((f) => f.kind)).toEqual([FRAME.LAYOUT, FRAME.MAP_FULL]);
		const layout = viewer.frames[0]!.meta as unknown as LayoutMeta;
		expect(layout.keys).toEqual(["group", "rack"]);
		expect(layout.values[1]!.sort()).toEqual(["r0", "r1", "r2"]);
		expect(viewer.frames[1]!.arrays).toHaveLength(MAP_CHANNELS.length);
		expect(viewer.frames[1]!.arrays[0]!.length).toBe(n);
		const snap = viewer.messages[0] as SnapshotMessage;
		expect(snap.type).toBe("snapshot");
		expect(snap.totals.agents).toBe(n);
		expect(snap.frameworks.map((f) => f.name)).toEqual(["batch"]);
		// The page is told simulated time since the start, not the Unix time it stands for.
		expect(snap.clock.t).toBe(100);
	});

	it("map deltas applied to the snapshot give the same bytes as a fresh full map", async () => {
		const { app, sim, feed } = await dashboard();
		const { viewer } = await connect(app);
		const mine = viewer.frames[1]!.arrays.map((a) => Uint8Array.from(a));
		let deltas = 0;
		for (let step = 0; step < 40; step++) {
			sim.engine.runUntil(sim.engine.now + 250);
			const before = viewer.frames.length;
			feed.tick();
			await until(() => viewer.messages.length >= step + 2);
			for (const f of viewer.frames.slice(before)) {
				expect(f.kind).toBe(FRAME.MAP_DELTA);
				deltas++;
				const idx = f.arrays[0]!;
				for (let c = 0; c < MAP_CHANNELS.length; c++)
					for (let k = 0; k < idx.length; k++) mine[c]![idx[k]!] = f.arrays[c + 1]![k]!;
			}
		}
		expect(deltas).toBeGreaterThanOrEqual(2);
		// A second viewer's full map is what the first one built from deltas.
		const second = await connect(app);
		const full = second.viewer.frames[1]!.arrays;
		for (let c = 0; c < MAP_CHANNELS.length; c++)
			expect(Array.from(mine[c]!), MAP_CHANNELS[c]).toEqual(Array.from(full[c]!));
		// Tasks are running: some cpu is allocated and a framework holds it.
		expect(full[1]!.some((v) => v > 0)).toBe(true);
		expect(full[3]!.some((v) => v > 0)).toBe(true);
	});

	it("answers an agent request with its panel: resources, attributes and tasks", async () => {
		const { app, sim } = await dashboard();
		sim.engine.runUntil(ORIGIN_MS + 3000);
		const { ws, viewer } = await connect(app);
		ws.send(JSON.stringify({ type: "agent", index: 0 }));
		await until(() => viewer.messages.some((m) => m.type === "agent"));
		const answer = viewer.messages.find((m) => m.type === "agent");
		if (answer?.type !== "agent" || answer.agent === null) throw new Error("no agent detail");
		const a = answer.agent;
		expect(a.hostname).toBe(sim.master.cluster.hostnames[0]);
		expect(a.attributes).toMatchObject({ group: "web", rack: "r0" });
		expect(a.total[0]).toBe(8);
		expect(a.tasks.length).toBe(a.tasksTotal);
		expect(a.tasks.every((t) => t.framework === "batch")).toBe(true);
	});

	it("closes a socket that sends a malformed or unknown message, with the reason, and nothing else changes", async () => {
		const { app, sim, feed } = await dashboard();
		const good = await connect(app);
		const bad = await connect(app);
		const offersBefore = sim.master.metrics.offersSent;
		bad.ws.send("{not json");
		await until(() => bad.viewer.closed !== null);
		expect(bad.viewer.closed).toEqual({ code: 1008, reason: "message is not JSON" });
		const third = await connect(app);
		third.ws.send(JSON.stringify({ type: "crash", index: 0 }));
		await until(() => third.viewer.closed !== null);
		expect(third.viewer.closed?.reason).toBe('unknown message type "crash"');
		expect(sim.master.metrics.offersSent).toBe(offersBefore);
		expect(feed.viewers).toBe(1);
		feed.tick();
		await until(() => good.viewer.messages.length >= 2);
		expect(good.viewer.closed).toBeNull();
	});
});

describe("a slow viewer", () => {
	it("skips updates while its socket buffers more than the bound, then gets a full map; the fast one gets every update", async () => {
		const { sim, feed } = await dashboard();
		const sent = (s: { log: (string | Uint8Array)[] }) => s.log;
		const socket = (buffered: () => number) => {
			const s = {
				log: [] as (string | Uint8Array)[],
				readyState: 1,
				get bufferedAmount() {
					return buffered();
				},
				send(d: string | Uint8Array) {
					s.log.push(d);
				},
				close() {},
			};
			return s satisfies FeedSocket;
		};
		let stalled = true;
		const slow = socket(() => (stalled ? 64 * 1024 * 1024 : 0));
		const fast = socket(() => 0);
		feed.attach(slow);
		feed.attach(fast);
		const afterSnapshot = sent(slow).length;
		for (let i = 0; i < 20; i++) {
			sim.engine.runUntil(sim.engine.now + 250);
			feed.tick();
		}
		// Nothing was queued for the stalled viewer: it never grows the server's memory.
		expect(sent(slow).length).toBe(afterSnapshot);
		expect(sent(fast).filter((d) => typeof d === "string").length).toBe(1 + 20);
		expect(feed.stats.skipped).toBe(20);
		stalled = false;
		sim.engine.runUntil(sim.engine.now + 250);
		feed.tick();
		const resumed = sent(slow).slice(afterSnapshot);
		const binary = resumed.filter((d): d is Uint8Array => typeof d !== "string");
		expect(binary.map((b) => decodeFrame(b.slice().buffer).kind)).toEqual([FRAME.MAP_FULL]);
		const update = JSON.parse(resumed.find((d) => typeof d === "string") as string);
		expect(update.type).toBe("update");
		expect(update.dropped).toBeGreaterThan(0);
	});
});
