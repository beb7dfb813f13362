// biome-ignore-all lint/suspicious/noExplicitAny: the test reads loosely typed JSON answers
/**
 * A client that does not read its RecordIO stream (docs/api.md "Bad input"):
 * with the default limit, once more than 16 MiB wait in the server's buffer
 * (each queued event charged its frame plus FRAME_OVERHEAD_BYTES for the
 * objects that hold it, master/http/stream.ts) the stream is ended and the
 * framework disconnected, as if the connection had dropped; below the limit
 * nothing happens. A real socket, so that the
 * buffer fills as it would for a stalled client (inject() never backs up).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { DEFAULT_MAX_BUFFERED_BYTES } from "../../master/http/app.js";
import { eventFrame } from "../../master/http/event-frame.js";
import { FRAME_OVERHEAD_BYTES } from "../../master/http/stream.js";
import { cluster, JSON_HEADERS, type TestCluster } from "./helpers.js";

const MiB = 1024 * 1024;
/** What the kernel's socket buffers may hold on top of the server's own (loopback, both ends). */
const KERNEL_SLACK = 48 * MiB;

let c: TestCluster;
let req: http.ClientRequest | null = null;

afterEach(async () => {
	req?.destroy();
	await c.close();
});

it("a stream that is never read is ended past 16 MiB buffered, and its framework disconnected", async () => {
	expect(DEFAULT_MAX_BUFFERED_BYTES).toBe(16 * MiB);
	// A HEARTBEAT every millisecond of simulated time: a steady flow of small frames.
	c = await cluster({ scenario: { master: { heartbeatInterval: "1ms" } } });
	await c.app.listen({ host: "127.0.0.1", port: 0 });
	const port = (c.app.server.address() as AddressInfo).port;
	// A failover timeout, so that the disconnected framework stays to be seen.
	const body = JSON.stringify({
		type: "SUBSCRIBE",
		subscribe: { framework_info: { user: "u", name: "stalled", failover_timeout: 3600 } },
	});
	const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
		req = http.request(
			{ host: "127.0.0.1", port, path: "/api/v1/scheduler", method: "POST", headers: JSON_HEADERS },
			resolve,
		);
		req.on("error", reject);
		req.end(body);
	});
	expect(res.statusCode).toBe(200);
	res.pause(); // never read again
	expect(c.app.mesos.openStreams).toBe(1);

	// What each HEARTBEAT costs while it waits: its frame and the objects holding it.
	const charged = eventFrame({ type: "HEARTBEAT" }).length + FRAME_OVERHEAD_BYTES;
	const start = c.sim.engine.now;
	let sent = 0;
	while (c.app.mesos.openStreams > 0 && sent <= DEFAULT_MAX_BUFFERED_BYTES + KERNEL_SLACK) {
		await c.advance(20_000);
		sent = (c.sim.engine.now - start) * charged;
	}
	// Cut off, and not before the limit was passed.
	expect(c.app.mesos.openStreams).toBe(0);
	expect(sent).toBeGreaterThan(DEFAULT_MAX_BUFFERED_BYTES);
	expect(c.app.mesos.bufferedBytes).toBe(0);
	const state = (await c.app.inject({ method: "GET", url: "/master/state" })).json() as any;
	const fws = state.frameworks as any[];
	expect(fws.map((f) => [f.name, f.connected])).toEqual([["stalled", false]]);
});
