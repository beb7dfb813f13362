// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * POST /api/v1/scheduler through inject(): every status code in Mesos's order,
 * RecordIO framing with UTF-8 byte lengths, the full call flow, failover,
 * disconnection and the Mesos-Stream-Id rules.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
	call,
	cluster,
	FrameReader,
	JSON_HEADERS,
	offersOf,
	subscribe,
	type TestCluster,
	taskFor,
} from "./helpers.js";

let c: TestCluster;
beforeEach(async () => {
	c = await cluster({ agents: 3 });
});
afterEach(async () => {
	await c.close();
	expect(c.checker.checkAll()).toBe(0);
	expect(c.checker.violations).toEqual([]);
});

const SUB = JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } });

function post(payload: string, headers: Record<string, string> = JSON_HEADERS, method = "POST") {
	return c.app.inject({
		method: method as "POST",
		url: "/api/v1/scheduler",
		headers,
		payload,
	});
}

describe("status codes, first match wins", () => {
	it("405 for anything but POST, with Allow: POST, before any other check", async () => {
		for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
			const res = await c.app.inject({ method: method as "GET", url: "/api/v1/scheduler" });
			expect(res.statusCode, method).toBe(405);
			expect(res.headers.allow).toBe("POST");
			expect(res.body).toBe(`Expecting one of { 'POST' }, but received '${method}'`);
			expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
		}
		const put = await post("not json", { "content-type": "text/plain" }, "PUT");
		expect(put.statusCode).toBe(405);
	});

	it("400 without Content-Type (even for a bad body), 415 for other types before the body is read", async () => {
		const none = await post(SUB, {});
		expect(none.statusCode).toBe(400);
		expect(none.body).toBe("Expecting 'Content-Type' to be present");
		const text = await post("{{{ not json", { "content-type": "text/plain" });
		expect(text.statusCode).toBe(415);
		expect(text.body).toBe("Expecting 'Content-Type' of application/json or application/x-protobuf");
	});

	it("415 for application/x-protobuf: mesosim speaks JSON only", async () => {
		const res = await post("\x08\x01", { "content-type": "application/x-protobuf" });
		expect(res.statusCode).toBe(415);
		expect(res.body).toMatch(/JSON only/);
	});

	it("400 for a body that is not JSON, not a Call, or fails validation — naming the field", async () => {
		const bad = await post("{ nope");
		expect(bad.statusCode).toBe(400);
		expect(bad.body).toMatch(/^Failed to parse body into JSON: /);
		const array = await post("[1,2]");
		expect(array.body).toMatch(/must be a JSON object/);
		const noType = await post("{}");
		expect(noType.body).toBe("Failed to validate scheduler::Call: Expecting 'type' to be present");
		const unknown = await post(JSON.stringify({ type: "FLY" }));
		expect(unknown.statusCode).toBe(400);
		expect(unknown.body).toMatch(/unknown call type "FLY"/);
		const wrong = await post(
			JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: 7 } } }),
		);
		expect(wrong.statusCode).toBe(400);
		expect(wrong.body).toBe(
			"Failed to convert JSON into scheduler::Call protobuf: 'subscribe.framework_info.name' must be a string, not number 7",
		);
		const missing = await post(
			JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u" } } }),
		);
		expect(missing.body).toMatch(/missing required field 'subscribe.framework_info.name'/);
		const noSub = await post(JSON.stringify({ type: "SUBSCRIBE" }));
		expect(noSub.body).toBe("Failed to validate scheduler::Call: Expecting 'subscribe' to be present");
		const noFw = await post(JSON.stringify({ type: "DECLINE", decline: { offer_ids: [] } }));
		expect(noFw.body).toBe("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
		const enumBad = await post(
			JSON.stringify({
				type: "SUBSCRIBE",
				subscribe: { framework_info: { user: "u", name: "n", capabilities: [{ type: "TELEPATHY" }] } },
			}),
		);
		expect(enumBad.body).toMatch(/'subscribe.framework_info.capabilities\[0\].type' has an unknown value/);
		const idMismatch = await post(
			JSON.stringify({
				type: "SUBSCRIBE",
				framework_id: { value: "a" },
				subscribe: { framework_info: { user: "u", name: "n", id: { value: "b" } } },
			}),
		);
		expect(idMismatch.body).toMatch(/'framework_id' differs from 'subscribe.framework_info.id'/);
	});

	it("406 when Accept allows no JSON (SUBSCRIBE), but a bad body is 400 first", async () => {
		const res = await post(SUB, { ...JSON_HEADERS, accept: "application/x-protobuf" });
		expect(res.statusCode).toBe(406);
		expect(res.body).toMatch(/^Expecting 'Accept' to allow/);
		const q0 = await post(SUB, { ...JSON_HEADERS, accept: "application/json;q=0, text/html" });
		expect(q0.statusCode).toBe(406);
		const bad = await post("{", { ...JSON_HEADERS, accept: "application/x-protobuf" });
		expect(bad.statusCode).toBe(400);
		for (const accept of ["*/*", "application/*", "text/html, application/json;q=0.5"]) {
			const ok = await c.app.inject({
				method: "POST",
				url: "/api/v1/scheduler",
				headers: { ...JSON_HEADERS, accept },
				payload: SUB,
				payloadAsStream: true,
			});
			expect(ok.statusCode, accept).toBe(200);
			ok.stream().destroy();
		}
	});

	it("400 for SUBSCRIBE with a Mesos-Stream-Id header (after 406)", async () => {
		const res = await post(SUB, { ...JSON_HEADERS, "mesos-stream-id": "x" });
		expect(res.statusCode).toBe(400);
		expect(res.body).toBe("Subscribe calls should not include the 'Mesos-Stream-Id' header");
		const both = await post(SUB, { ...JSON_HEADERS, "mesos-stream-id": "x", accept: "text/html" });
		expect(both.statusCode).toBe(406);
	});

	it("400 unknown framework, 400 stream id missing or wrong, 403 not subscribed, 202 accepted", async () => {
		const ghost = await call(c.app, { frameworkId: "nope", streamId: "x" }, { type: "REVIVE" });
		expect(ghost.statusCode).toBe(400);
		expect(ghost.body).toBe("Framework cannot be found");

		const sub = await subscribe(c.app, { failover_timeout: 600 });
		const noHeader = await c.app.inject({
			method: "POST",
			url: "/api/v1/scheduler",
			headers: JSON_HEADERS,
			payload: JSON.stringify({ type: "REVIVE", framework_id: { value: sub.frameworkId } }),
		});
		expect(noHeader.statusCode).toBe(400);
		expect(noHeader.body).toBe("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
		const wrong = await call(c.app, { ...sub, streamId: "not-it" }, { type: "REVIVE" });
		expect(wrong.statusCode).toBe(400);
		expect(wrong.body).toBe(
			`The stream ID 'not-it' included in this request didn't match the stream ID currently associated with framework ID ${sub.frameworkId}`,
		);
		const ok = await call(c.app, sub, { type: "REVIVE" });
		expect(ok.statusCode).toBe(202);
		expect(ok.body).toBe("");

		// The client hangs up: the framework is disconnected (failover timeout 600 s runs) => 403.
		sub.drop();
		await c.advance(0);
		const fw = c.sim.master.framework(sub.frameworkId)!;
		expect(fw.connected).toBe(false);
		expect(fw.removed).toBe(false);
		const forbidden = await call(c.app, sub, { type: "REVIVE" });
		expect(forbidden.statusCode).toBe(403);
		expect(forbidden.body).toBe("Framework is not subscribed");
		// The reference's order: a wrong stream id is 400 before "not subscribed".
		const wrongAfter = await call(c.app, { ...sub, streamId: "not-it" }, { type: "REVIVE" });
		expect(wrongAfter.statusCode).toBe(400);
	});

	it("403 for a framework subscribed in-process (not over HTTP)", async () => {
		const r = c.sim.master.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "inproc" } } },
			{ send: () => {}, close: () => {} },
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const res = await call(c.app, { frameworkId: r.frameworkId, streamId: r.streamId }, { type: "REVIVE" });
		expect(res.statusCode).toBe(403);
		expect(res.body).toBe("Framework is not connected via HTTP");
	});

	it("501 for UNKNOWN and RECONCILE_OPERATIONS, 200 for UPDATE_FRAMEWORK", async () => {
		const sub = await subscribe(c.app);
		const unknown = await call(c.app, sub, { type: "UNKNOWN" });
		expect(unknown.statusCode).toBe(501);
		const recOps = await call(c.app, sub, { type: "RECONCILE_OPERATIONS", reconcile_operations: {} });
		expect(recOps.statusCode).toBe(501);
		const upd = await call(c.app, sub, {
			type: "UPDATE_FRAMEWORK",
			update_framework: {
				framework_info: { user: "tester", name: "renamed", id: { value: sub.frameworkId } },
			},
		});
		expect(upd.statusCode).toBe(200);
		expect(c.sim.master.framework(sub.frameworkId)!.info.name).toBe("renamed");
		const bad = await call(c.app, sub, {
			type: "UPDATE_FRAMEWORK",
			update_framework: { framework_info: { user: "other", name: "x", id: { value: sub.frameworkId } } },
		});
		expect(bad.statusCode).toBe(400);
		expect(bad.body).toMatch(/user' cannot be changed/);
	});

	it("413 for a body over the limit (1 MiB)", async () => {
		const big = JSON.stringify({ type: "SUBSCRIBE", pad: "x".repeat(1024 * 1024) });
		const res = await post(big);
		expect(res.statusCode).toBe(413);
		expect(res.body).toMatch(/larger than the limit of 1048576 bytes/);
	});

	it("404 with a plain message for unknown routes", async () => {
		const res = await c.app.inject({ method: "GET", url: "/api/v2/nothing" });
		expect(res.statusCode).toBe(404);
		expect(res.body).toBe("No route for GET /api/v2/nothing");
	});
});

describe("SUBSCRIBE stream", () => {
	it("is 200 chunked RecordIO, application/json, with a Mesos-Stream-Id; lengths count UTF-8 bytes", async () => {
		const sub = await subscribe(c.app, { name: "héllo ✓" });
		expect(sub.res.headers["content-type"]).toBe("application/json");
		expect(sub.res.headers["transfer-encoding"]).toBe("chunked");
		expect(sub.streamId).toMatch(/^[0-9a-f-]{36}$/);
		const first = sub.reader.raw[0]!;
		expect(first.bytes.toString("utf8")).toContain('"type":"SUBSCRIBED"');
		expect((sub.reader.frames[0]!.subscribed as Record<string, unknown>).heartbeat_interval_seconds).toBe(15);
		await c.advance(1000);
		const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
		// A task id with multi-byte characters travels back in every UPDATE.
		const id = "tâche-héllo ✓";
		const res = await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, id)] } }],
			},
		});
		expect(res.statusCode).toBe(202);
		await c.advance(2000);
		const update = await sub.reader.nextOf("UPDATE");
		expect((update.update as { status: { task_id: { value: string } } }).status.task_id.value).toBe(id);
		const frame = sub.reader.raw.find((r) => r.bytes.toString("utf8").includes("tâche"))!;
		const text = frame.bytes.toString("utf8");
		expect(frame.length).toBe(Buffer.byteLength(text, "utf8"));
		expect(frame.length).toBeGreaterThan(text.length);
		expect(sub.reader.error).toBeNull();
	});

	it("accepts JSON null where lists are allowed (as mesos-go sends them)", async () => {
		const sub = await subscribe(c.app, { roles: null, capabilities: null }, { suppressed_roles: null });
		await c.advance(1000);
		const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
		const res = await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "t-null")] } }],
				filters: null,
			},
		});
		expect(res.statusCode).toBe(202);
		expect((await call(c.app, sub, { type: "RECONCILE", reconcile: { tasks: null } })).statusCode).toBe(202);
		expect((await call(c.app, sub, { type: "DECLINE", decline: { offer_ids: null } })).statusCode).toBe(202);
		expect((await call(c.app, sub, { type: "REVIVE", revive: { roles: null } })).statusCode).toBe(202);
		await c.advance(10);
		expect(c.sim.master.framework(sub.frameworkId)!.tasks.has("t-null")).toBe(true);
	});

	it("full flow: offers -> accept -> updates -> acknowledge -> decline -> teardown", async () => {
		const sub = await subscribe(c.app, { name: "flow" });
		await c.advance(1000);
		const offers = offersOf(await sub.reader.nextOf("OFFERS"));
		expect(offers.length).toBe(3);
		const offer = offers[0]!;
		expect(offer.resources.find((r) => r.name === "cpus")!.scalar!.value).toBe(8);
		expect(offer.resources.find((r) => r.name === "ports")!.ranges!.range).toEqual([
			{ begin: 31000, end: 32000 },
		]);

		const accept = await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "t1", "sleep 5")] } }],
				filters: { refuse_seconds: 5 },
			},
		});
		expect(accept.statusCode).toBe(202);
		// Decline the other two for a long time.
		const decline = await call(c.app, sub, {
			type: "DECLINE",
			decline: { offer_ids: [offers[1]!.id, offers[2]!.id], filters: { refuse_seconds: 3600 } },
		});
		expect(decline.statusCode).toBe(202);
		expect(c.sim.master.outstandingOffers).toBe(0);

		// Status updates come with a uuid and are acknowledged until the task finishes.
		const seen: string[] = [];
		for (let i = 0; i < 40 && !seen.includes("TASK_FINISHED"); i++) {
			await c.advance(500);
			for (const f of await sub.reader.drain()) {
				if (f.type !== "UPDATE") continue;
				const status = (f.update as { status: Record<string, any> }).status;
				expect(status.task_id.value).toBe("t1");
				seen.push(status.state);
				if (status.uuid !== undefined) {
					const ack = await call(c.app, sub, {
						type: "ACKNOWLEDGE",
						acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
					});
					expect(ack.statusCode).toBe(202);
				}
			}
		}
		expect(seen).toContain("TASK_RUNNING");
		expect(seen[seen.length - 1]).toBe("TASK_FINISHED");
		const fw = c.sim.master.framework(sub.frameworkId)!;
		expect(fw.tasks.size).toBe(0); // acknowledged terminal update: task gone from the live list
		expect(fw.counters.offersAccepted).toBe(1);
		expect(fw.counters.offersDeclined).toBe(2);

		// Bad acknowledgement: a plain 400.
		const badAck = await call(c.app, sub, {
			type: "ACKNOWLEDGE",
			acknowledge: { agent_id: offer.agent_id, task_id: { value: "t1" }, uuid: "not-a-uuid" },
		});
		expect(badAck.statusCode).toBe(400);

		const teardown = await call(c.app, sub, { type: "TEARDOWN" });
		expect(teardown.statusCode).toBe(202);
		await c.advance(0);
		await sub.reader.waitEnd();
		expect(sub.reader.error).toBeNull();
		expect(c.sim.master.completedFrameworks.items().map((f) => f.id)).toContain(sub.frameworkId);
		const after = await call(c.app, sub, { type: "REVIVE" });
		expect(after.statusCode).toBe(400);
		expect(after.body).toBe("Framework cannot be found");
		expect(c.app.mesos.openStreams).toBe(0);
	});

	it("in-band outcomes: another framework's offer is invalid (TASK_LOST), a bad task is TASK_ERROR", async () => {
		const a = await subscribe(c.app, { name: "a" });
		const b = await subscribe(c.app, { name: "b" });
		await c.advance(1000);
		const offerA = offersOf(await a.reader.nextOf("OFFERS"))[0]!;
		const steal = await call(c.app, b, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offerA.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offerA, "stolen")] } }],
			},
		});
		expect(steal.statusCode).toBe(202);
		await c.advance(0);
		const lost = (await b.reader.nextOf("UPDATE")).update as { status: Record<string, any> };
		expect(lost.status.state).toBe("TASK_LOST");
		expect(lost.status.reason).toBe("REASON_INVALID_OFFERS");
		expect(c.sim.master.offer(offerA.id.value)).toBeDefined(); // A's offer untouched
		const tooBig = await call(c.app, a, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offerA.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offerA, "huge", "sleep 1", 64)] } }],
			},
		});
		expect(tooBig.statusCode).toBe(202);
		await c.advance(0);
		const err = (await a.reader.nextOf("UPDATE")).update as { status: Record<string, any> };
		expect(err.status.state).toBe("TASK_ERROR");
		expect(err.status.reason).toBe("REASON_TASK_INVALID");
	});

	it("a second SUBSCRIBE with the same id fails the old stream over", async () => {
		const first = await subscribe(c.app, { failover_timeout: 60 });
		const second = await subscribe(c.app, { failover_timeout: 60, id: { value: first.frameworkId } });
		expect(second.frameworkId).toBe(first.frameworkId);
		expect(second.streamId).not.toBe(first.streamId);
		await c.advance(0);
		const err = await first.reader.nextOf("ERROR");
		expect(err.error).toEqual({ message: "Framework failed over" });
		await first.reader.waitEnd();
		const stale = await call(c.app, first, { type: "REVIVE" });
		expect(stale.statusCode).toBe(400);
		const fresh = await call(c.app, second, { type: "REVIVE" });
		expect(fresh.statusCode).toBe(202);
		await c.advance(1000);
		expect(offersOf(await second.reader.nextOf("OFFERS")).length).toBe(3);
	});

	it("disconnection starts the failover timeout; resubscribing within it keeps the framework", async () => {
		const sub = await subscribe(c.app, { failover_timeout: 10 });
		sub.drop();
		await c.advance(5000);
		const fw = c.sim.master.framework(sub.frameworkId)!;
		expect(fw.connected).toBe(false);
		const back = await subscribe(c.app, { failover_timeout: 10, id: { value: sub.frameworkId } });
		await c.advance(20_000);
		expect(c.sim.master.framework(back.frameworkId)!.removed).toBe(false);
		back.drop();
		await c.advance(0);
		expect(c.sim.master.framework(back.frameworkId)!.connected).toBe(false);
		await c.advance(11_000);
		expect(c.sim.master.framework(back.frameworkId)).toBeUndefined();
		expect(c.sim.master.completedFrameworks.items().some((f) => f.id === back.frameworkId)).toBe(true);
	});

	it("an invalid FrameworkInfo gets 200, one ERROR event and the end of the stream", async () => {
		const pending = c.app.inject({
			method: "POST",
			url: "/api/v1/scheduler",
			headers: JSON_HEADERS,
			payload: JSON.stringify({
				type: "SUBSCRIBE",
				subscribe: { framework_info: { user: "u", name: "n", roles: ["a"] } },
			}),
			payloadAsStream: true,
		});
		// The 200 head goes out at once; the ERROR is written at the next engine step.
		const res = await pending;
		expect(res.statusCode).toBe(200);
		const reader = new FrameReader(res.stream());
		await c.advance(0);
		const err = await reader.nextOf("ERROR");
		expect((err.error as { message: string }).message).toMatch(/MULTI_ROLE/);
		await reader.waitEnd();
	});

	it("HEARTBEAT every 15 s of simulated time", async () => {
		const sub = await subscribe(c.app, {});
		await c.advance(45_000);
		const beats = (await sub.reader.drain()).filter((f) => f.type === "HEARTBEAT");
		expect(beats.length).toBe(3);
	});

	it("app.close() ends open streams instead of hanging", async () => {
		const sub = await subscribe(c.app, {});
		expect(c.app.mesos.openStreams).toBe(1);
		await c.app.close();
		await sub.reader.waitEnd();
		expect(c.app.mesos.openStreams).toBe(0);
	});
});
