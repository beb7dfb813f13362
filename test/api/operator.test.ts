// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * POST /api/v1, the operator API: status codes, every supported call and its
 * effect on the master, and the event stream.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AGENT_STATE } from "../../master/index.js";
import {
	call,
	cluster,
	dropConnection,
	FrameReader,
	JSON_HEADERS,
	offersOf,
	operator,
	runUntilState,
	subscribe,
	type TestCluster,
	taskFor,
} from "./helpers.js";

let c: TestCluster;
afterEach(async () => {
	await c.close();
	expect(c.checker.checkAll()).toBe(0);
	expect(c.checker.violations).toEqual([]);
});

async function subscribeOperator(cl: TestCluster) {
	const res = await cl.app.inject({
		method: "POST",
		url: "/api/v1",
		headers: { ...JSON_HEADERS, accept: "application/json" },
		payload: JSON.stringify({ type: "SUBSCRIBE" }),
		payloadAsStream: true,
	});
	return { res, reader: res.statusCode === 200 ? new FrameReader(res.stream()) : null };
}

/** A framework with one running task on the first offer's agent. */
async function withTask(cl: TestCluster, name = "fw", cmd = "sleep 1000") {
	const sub = await subscribe(cl.app, { name });
	await cl.advance(1000);
	const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
	const r = await call(cl.app, sub, {
		type: "ACCEPT",
		accept: {
			offer_ids: [offer.id],
			operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "t1", cmd)] } }],
		},
	});
	expect(r.statusCode).toBe(202);
	await runUntilState(cl, sub, "t1", "TASK_RUNNING");
	return { sub, offer };
}

describe("operator API status codes", () => {
	it("405, 400, 415, 400, 406, 501 in Mesos's order", async () => {
		c = await cluster();
		const get = await c.app.inject({ method: "GET", url: "/api/v1" });
		expect(get.statusCode).toBe(405);
		expect(get.headers.allow).toBe("POST");
		const noCt = await c.app.inject({ method: "POST", url: "/api/v1", payload: '{"type":"GET_HEALTH"}' });
		expect(noCt.statusCode).toBe(400);
		const proto = await c.app.inject({
			method: "POST",
			url: "/api/v1",
			headers: { "content-type": "application/x-protobuf" },
			payload: "x",
		});
		expect(proto.statusCode).toBe(415);
		const bad = await c.app.inject({ method: "POST", url: "/api/v1", headers: JSON_HEADERS, payload: "{" });
		expect(bad.statusCode).toBe(400);
		expect((await operator(c.app, { type: "GET_EVERYTHING" })).status).toBe(400);
		const missing = await operator(c.app, { type: "TEARDOWN" });
		expect(missing.status).toBe(400);
		expect(missing.text).toBe("Failed to validate master::Call: Expecting 'teardown' to be present");
		const notAcceptable = await c.app.inject({
			method: "POST",
			url: "/api/v1",
			headers: { ...JSON_HEADERS, accept: "application/x-protobuf" },
			payload: '{"type":"GET_HEALTH"}',
		});
		expect(notAcceptable.statusCode).toBe(406);
		for (const type of ["UNKNOWN", "RESERVE_RESOURCES", "SET_QUOTA", "READ_FILE"]) {
			expect((await operator(c.app, { type })).status, type).toBe(501);
		}
	});
});

describe("operator calls", () => {
	it("GET_HEALTH, GET_FLAGS, GET_VERSION, GET_MASTER, GET_METRICS", async () => {
		c = await cluster();
		expect((await operator(c.app, { type: "GET_HEALTH" })).body).toEqual({
			type: "GET_HEALTH",
			get_health: { healthy: true },
		});
		const flags = (await operator(c.app, { type: "GET_FLAGS" })).body.get_flags.flags as {
			name: string;
			value: string;
		}[];
		expect(flags).toContainEqual({ name: "allocation_interval", value: "1secs" });
		expect(flags).toContainEqual({ name: "agent_ping_timeout", value: "15secs" });
		expect(flags).toContainEqual({ name: "min_allocatable_resources", value: "cpus:0.01|mem:32" });
		const version = (await operator(c.app, { type: "GET_VERSION" })).body.get_version.version_info;
		expect(version.version).toBe("1.11.0");
		const master = (await operator(c.app, { type: "GET_MASTER" })).body.get_master;
		expect(master.master_info.id).toBe(c.sim.master.id);
		expect(master.master_info.port).toBe(5050);
		const metrics = (await operator(c.app, { type: "GET_METRICS", get_metrics: {} })).body.get_metrics
			.metrics as {
			name: string;
			value: number;
		}[];
		expect(metrics).toContainEqual({ name: "master/cpus_total", value: 24 });
		expect(metrics).toContainEqual({ name: "master/slaves_active", value: 3 });
	});

	it("GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS, GET_ROLES", async () => {
		c = await cluster();
		const { sub, offer } = await withTask(c);
		const state = (await operator(c.app, { type: "GET_STATE" })).body;
		expect(state.type).toBe("GET_STATE");
		expect(Object.keys(state.get_state).sort()).toEqual([
			"get_agents",
			"get_executors",
			"get_frameworks",
			"get_tasks",
		]);
		const agents = (await operator(c.app, { type: "GET_AGENTS" })).body.get_agents.agents as any[];
		expect(agents.length).toBe(3);
		const a = agents.find((x) => x.agent_info.id.value === offer.agent_id.value)!;
		expect(a.agent_info.hostname).toBe(offer.hostname);
		expect(a.active).toBe(true);
		expect(a.total_resources).toContainEqual({
			name: "cpus",
			type: "SCALAR",
			scalar: { value: 8 },
			role: "*",
		});
		expect(a.allocated_resources).toContainEqual({
			name: "cpus",
			type: "SCALAR",
			scalar: { value: 1 },
			role: "*",
		});
		const fws = (await operator(c.app, { type: "GET_FRAMEWORKS" })).body.get_frameworks;
		expect(fws.frameworks.length).toBe(1);
		expect(fws.frameworks[0].framework_info.id.value).toBe(sub.frameworkId);
		expect(fws.frameworks[0].active).toBe(true);
		expect(fws.frameworks[0].connected).toBe(true);
		expect(fws.frameworks[0].allocated_resources).toContainEqual({
			name: "cpus",
			type: "SCALAR",
			scalar: { value: 1 },
			role: "*",
			allocation_info: { role: "*" },
		});
		const tasks = (await operator(c.app, { type: "GET_TASKS" })).body.get_tasks;
		expect(tasks.tasks.length).toBe(1);
		expect(tasks.tasks[0].task_id.value).toBe("t1");
		expect(tasks.tasks[0].state).toBe("TASK_RUNNING");
		expect(tasks.tasks[0].framework_id.value).toBe(sub.frameworkId);
		expect((await operator(c.app, { type: "GET_EXECUTORS" })).body.get_executors.executors).toEqual([]);
		const roles = (await operator(c.app, { type: "GET_ROLES" })).body.get_roles.roles as any[];
		const star = roles.find((r) => r.name === "*")!;
		expect(star.weight).toBe(1);
		expect(star.frameworks).toEqual([{ value: sub.frameworkId }]);
		expect((await operator(c.app, { type: "GET_OPERATIONS" })).body.get_operations.operations).toEqual([]);
	});

	it("UPDATE_WEIGHTS / GET_WEIGHTS; an invalid update changes nothing", async () => {
		c = await cluster();
		const ok = await operator(c.app, {
			type: "UPDATE_WEIGHTS",
			update_weights: { weight_infos: [{ role: "web", weight: 2.5 }] },
		});
		expect(ok.status).toBe(200);
		expect(ok.text).toBe("");
		expect((await operator(c.app, { type: "GET_WEIGHTS" })).body.get_weights.weight_infos).toEqual([
			{ weight: 2.5, role: "web" },
		]);
		const bad = await operator(c.app, {
			type: "UPDATE_WEIGHTS",
			update_weights: {
				weight_infos: [
					{ role: "web", weight: 3 },
					{ role: "x", weight: -1 },
				],
			},
		});
		expect(bad.status).toBe(400);
		expect(bad.text).toMatch(/must be a positive number/);
		const badRole = await operator(c.app, {
			type: "UPDATE_WEIGHTS",
			update_weights: { weight_infos: [{ role: "../etc", weight: 1 }] },
		});
		expect(badRole.status).toBe(400);
		expect(c.sim.master.allocator.findRole("web")!.weight).toBe(2.5);
	});

	it("UPDATE_QUOTA / GET_QUOTA limit what a role is offered; bad configs are 400 and change nothing", async () => {
		c = await cluster();
		const ok = await operator(c.app, {
			type: "UPDATE_QUOTA",
			update_quota: {
				quota_configs: [{ role: "dev", limits: { cpus: { value: 4 }, mem: { value: 8192 } } }],
			},
		});
		expect(ok.status).toBe(200);
		const q = (await operator(c.app, { type: "GET_QUOTA" })).body.get_quota.status.configs;
		expect(q).toEqual([
			{ role: "dev", guarantees: {}, limits: { cpus: { value: 4 }, mem: { value: 8192 } } },
		]);
		for (const bad of [
			{ role: "dev", limits: { ports: { value: 4 } } },
			{ role: "dev", limits: { cpus: { value: -1 } } },
			{ role: "dev", guarantees: { cpus: { value: 1 } } },
			// Mesos 1.11 refuses quota on nested roles (quota_handler.cpp, MESOS-7402).
			{ role: "dev/web", limits: { cpus: { value: 1 } } },
		]) {
			const res = await operator(c.app, {
				type: "UPDATE_QUOTA",
				update_quota: { quota_configs: [{ role: "other", limits: { cpus: { value: 1 } } }, bad] },
			});
			expect(res.status, JSON.stringify(bad)).toBe(400);
		}
		expect(c.sim.master.allocator.findRole("other")).toBeUndefined();
		const nested = await operator(c.app, {
			type: "UPDATE_QUOTA",
			update_quota: { quota_configs: [{ role: "dev/web", limits: { cpus: { value: 1 } } }] },
		});
		expect(nested.status).toBe(400);
		expect(nested.text).toContain("Updating quota on nested role 'dev/web' is not supported yet");
		// Quota on the default role "*" is accepted since Mesos 1.10.
		const star = await operator(c.app, {
			type: "UPDATE_QUOTA",
			update_quota: { quota_configs: [{ role: "*", limits: { cpus: { value: 2 } } }] },
		});
		expect(star.status).toBe(200);
		expect(c.sim.master.allocator.findRole("*")?.limit[0]).toBe(2);
		// The limit holds: a framework in role dev is offered at most 4 cpus.
		const sub = await subscribe(c.app, { role: "dev" });
		await c.advance(1000);
		const offers = offersOf(await sub.reader.nextOf("OFFERS"));
		const cpus = offers.flatMap((o) => o.resources).filter((r) => r.name === "cpus");
		expect(cpus.reduce((s, r) => s + r.scalar!.value, 0)).toBeLessThanOrEqual(4);
		expect((await operator(c.app, { type: "REMOVE_QUOTA", remove_quota: { role: "dev" } })).status).toBe(200);
		expect((await operator(c.app, { type: "REMOVE_QUOTA", remove_quota: { role: "*" } })).status).toBe(200);
		expect((await operator(c.app, { type: "GET_QUOTA" })).body.get_quota.status.configs).toEqual([]);
	});

	it("TEARDOWN removes a framework and ends its stream; unknown id is 400", async () => {
		c = await cluster();
		const { sub } = await withTask(c);
		const unknown = await operator(c.app, {
			type: "TEARDOWN",
			teardown: { framework_id: { value: "nope" } },
		});
		expect(unknown.status).toBe(400);
		const ok = await operator(c.app, {
			type: "TEARDOWN",
			teardown: { framework_id: { value: sub.frameworkId } },
		});
		expect(ok.status).toBe(200);
		await c.advance(0);
		await sub.reader.waitEnd();
		expect(c.sim.master.framework(sub.frameworkId)).toBeUndefined();
		const state = (await operator(c.app, { type: "GET_FRAMEWORKS" })).body.get_frameworks;
		expect(state.frameworks).toEqual([]);
		expect(state.completed_frameworks[0].framework_info.id.value).toBe(sub.frameworkId);
	});

	it("MARK_AGENT_GONE: 404 for an unknown agent; the agent's tasks are lost", async () => {
		c = await cluster();
		const { sub, offer } = await withTask(c);
		expect(
			(await operator(c.app, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: "x" } } }))
				.status,
		).toBe(404);
		const ok = await operator(c.app, {
			type: "MARK_AGENT_GONE",
			mark_agent_gone: { agent_id: offer.agent_id },
		});
		expect(ok.status).toBe(200);
		const seen = await runUntilState(c, sub, "t1", "TASK_LOST", 0, 3);
		// A non-REGION_AWARE client gets the 1.4 reason, not REASON_AGENT_REMOVED_BY_OPERATOR.
		expect(seen[seen.length - 1]!.reason).toBe("REASON_AGENT_REMOVED");
		const a = c.sim.master.cluster.indexOf(offer.agent_id.value);
		expect(c.sim.master.cluster.state[a]).toBe(AGENT_STATE.GONE);
		const agents = (await operator(c.app, { type: "GET_AGENTS" })).body.get_agents.agents;
		expect(agents.length).toBe(2);
		expect(
			(await operator(c.app, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: offer.agent_id } }))
				.status,
		).toBe(200);
	});

	it("a REGION_AWARE framework (newer protos) gets REASON_AGENT_REMOVED_BY_OPERATOR as is", async () => {
		c = await cluster({ agents: 1 });
		const sub = await subscribe(c.app, { capabilities: [{ type: "REGION_AWARE" }] });
		await c.advance(1000);
		const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
		await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "t1")] } }],
			},
		});
		await runUntilState(c, sub, "t1", "TASK_RUNNING");
		await operator(c.app, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: offer.agent_id } });
		const seen = await runUntilState(c, sub, "t1", "TASK_LOST", 0, 3);
		expect(seen[seen.length - 1]!.reason).toBe("REASON_AGENT_REMOVED_BY_OPERATOR");
	});

	it("DEACTIVATE_AGENT rescinds its offers and stops new ones; REACTIVATE_AGENT brings them back", async () => {
		c = await cluster({ agents: 1 });
		const sub = await subscribe(c.app);
		await c.advance(1000);
		const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
		const off = await operator(c.app, {
			type: "DEACTIVATE_AGENT",
			deactivate_agent: { agent_id: offer.agent_id },
		});
		expect(off.status).toBe(200);
		await c.advance(0);
		const rescind = await sub.reader.nextOf("RESCIND");
		expect((rescind.rescind as any).offer_id).toEqual(offer.id);
		await c.advance(5000);
		expect((await sub.reader.drain()).filter((f) => f.type === "OFFERS")).toEqual([]);
		const agent = (await operator(c.app, { type: "GET_AGENTS" })).body.get_agents.agents[0];
		expect(agent.deactivated).toBe(true);
		const on = await operator(c.app, {
			type: "REACTIVATE_AGENT",
			reactivate_agent: { agent_id: offer.agent_id },
		});
		expect(on.status).toBe(200);
		await c.advance(1000);
		expect(offersOf(await sub.reader.nextOf("OFFERS")).length).toBe(1);
		const unknown = await operator(c.app, {
			type: "DEACTIVATE_AGENT",
			deactivate_agent: { agent_id: { value: "no" } },
		});
		expect(unknown.status).toBe(400);
	});

	it("DRAIN_AGENT kills the agent's tasks, reports DRAINED, and marks it gone if asked", async () => {
		c = await cluster({ agents: 2 });
		const { sub, offer } = await withTask(c);
		const res = await operator(c.app, {
			type: "DRAIN_AGENT",
			drain_agent: { agent_id: offer.agent_id, mark_gone: true },
		});
		expect(res.status).toBe(200);
		let agent = (await operator(c.app, { type: "GET_AGENTS" })).body.get_agents.agents.find(
			(x: any) => x.agent_info.id.value === offer.agent_id.value,
		);
		expect(agent.drain_info).toEqual({ state: "DRAINING", config: { mark_gone: true } });
		expect(agent.deactivated).toBe(true);
		let killed = false;
		for (let i = 0; i < 10 && !killed; i++) {
			await c.advance(500);
			for (const f of await sub.reader.drain()) {
				if (f.type !== "UPDATE") continue;
				const s = (f.update as any).status;
				if (s.state === "TASK_KILLED") killed = true;
				if (s.uuid !== undefined)
					await call(c.app, sub, {
						type: "ACKNOWLEDGE",
						acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid },
					});
			}
		}
		expect(killed).toBe(true);
		await c.advance(100);
		const a = c.sim.master.cluster.indexOf(offer.agent_id.value);
		expect(c.sim.master.cluster.state[a]).toBe(AGENT_STATE.GONE);
		agent = (await operator(c.app, { type: "GET_AGENTS" })).body.get_agents.agents.find(
			(x: any) => x.agent_info.id.value === offer.agent_id.value,
		);
		expect(agent).toBeUndefined();
	});
});

describe("operator event stream", () => {
	it("SUBSCRIBED with the state, then task, agent and framework events and HEARTBEAT", async () => {
		c = await cluster({
			agents: 2,
			scenario: { timeline: [{ at: "10s", action: "addAgents", group: "agent", count: 1 }] },
		});
		const op = await subscribeOperator(c);
		expect(op.res.statusCode).toBe(200);
		expect(op.res.headers["content-type"]).toBe("application/json");
		const reader = op.reader!;
		const first = await reader.next();
		expect(first.type).toBe("SUBSCRIBED");
		const subscribed = first.subscribed as any;
		expect(subscribed.heartbeat_interval_seconds).toBe(15);
		expect(subscribed.get_state.get_agents.agents.length).toBe(2);

		const sub = await subscribe(c.app, { name: "héllo ✓", failover_timeout: 100 });
		const added = await reader.nextOf("FRAMEWORK_ADDED");
		const fw = (added.framework_added as any).framework;
		expect(fw.framework_info.name).toBe("héllo ✓");
		expect(fw.connected).toBe(true);
		const raw = reader.raw.find((r) => r.bytes.toString("utf8").includes("héllo"))!;
		expect(raw.length).toBe(Buffer.byteLength(raw.bytes.toString("utf8")));
		expect(raw.length).toBeGreaterThan(raw.bytes.toString("utf8").length);

		await c.advance(1000);
		const offer = offersOf(await sub.reader.nextOf("OFFERS"))[0]!;
		await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "op-t")] } }],
			},
		});
		const taskAdded = await reader.nextOf("TASK_ADDED");
		expect((taskAdded.task_added as any).task.task_id.value).toBe("op-t");
		expect((taskAdded.task_added as any).task.state).toBe("TASK_STAGING");
		await c.advance(2000);
		const updated = await reader.nextOf("TASK_UPDATED");
		expect((updated.task_updated as any).framework_id.value).toBe(sub.frameworkId);
		expect((updated.task_updated as any).state).toMatch(/TASK_(STARTING|RUNNING)/);
		expect((updated.task_updated as any).status.task_id.value).toBe("op-t");

		await c.advance(8000); // the timeline adds an agent at 10 s
		const agentAdded = await reader.nextOf("AGENT_ADDED");
		expect((agentAdded.agent_added as any).agent.agent_info.hostname).toMatch(/^agent-/);
		const id = (agentAdded.agent_added as any).agent.agent_info.id;
		await operator(c.app, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: id } });
		const removed = await reader.nextOf("AGENT_REMOVED");
		expect((removed.agent_removed as any).agent_id).toEqual(id);

		sub.drop();
		await c.advance(0);
		const fwUpdated = await reader.nextOf("FRAMEWORK_UPDATED");
		expect((fwUpdated.framework_updated as any).framework.connected).toBe(false);
		await operator(c.app, { type: "TEARDOWN", teardown: { framework_id: { value: sub.frameworkId } } });
		const fwRemoved = await reader.nextOf("FRAMEWORK_REMOVED");
		expect((fwRemoved.framework_removed as any).framework_info.id.value).toBe(sub.frameworkId);

		await c.advance(15_000);
		const rest = await reader.drain();
		expect(rest.some((f) => f.type === "HEARTBEAT")).toBe(true);
		expect(reader.error).toBeNull();
		const metrics = (await operator(c.app, { type: "GET_METRICS" })).body.get_metrics.metrics;
		expect(metrics).toContainEqual({ name: "master/operator_event_stream_subscribers", value: 1 });
		dropConnection(op.res);
		await c.advance(0);
		expect(c.app.mesos.operator.subscribers.size).toBe(0);
	});

	it("1000 event stream subscribers by default, as Mesos (--max_operator_event_stream_subscribers)", async () => {
		c = await cluster();
		const open = [];
		for (let i = 0; i < 1000; i++) open.push(await subscribeOperator(c));
		expect(open.filter((s) => s.res.statusCode === 200)).toHaveLength(1000);
		const over = await subscribeOperator(c);
		expect(over.res.statusCode).toBe(503);
		let text = "";
		for await (const chunk of over.res.stream()) text += String(chunk);
		expect(text).toMatch(/Maximum number of operator event stream subscribers \(1000\)/);
		for (const s of open) dropConnection(s.res);
		await c.advance(0);
		expect(c.app.mesos.operator.subscribers.size).toBe(0);
	});

	it("at most maxOperatorSubscribers streams at once (503 beyond)", async () => {
		c = await cluster({ app: { maxOperatorSubscribers: 2 } });
		const a = await subscribeOperator(c);
		const b = await subscribeOperator(c);
		const third = await subscribeOperator(c);
		expect(a.res.statusCode).toBe(200);
		expect(b.res.statusCode).toBe(200);
		expect(third.res.statusCode).toBe(503);
		let text = "";
		for await (const chunk of third.res.stream()) text += String(chunk);
		expect(text).toMatch(/Maximum number of operator event stream subscribers \(2\)/);
		dropConnection(a.res);
		await c.advance(0);
		const again = await subscribeOperator(c);
		expect(again.res.statusCode).toBe(200);
	});
});
