// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/** The v0 JSON endpoints and /metrics/snapshot: shapes and Mesos's key names. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	call,
	cluster,
	offersOf,
	operator,
	runUntilState,
	type Subscription,
	subscribe,
	type TestCluster,
	taskFor,
} from "./helpers.js";

let c: TestCluster;
let sub: Subscription;

beforeAll(async () => {
	c = await cluster({ agents: 3, scenario: { roles: [{ name: "dev", weight: 2, quota: { cpus: 20 } }] } });
	sub = await subscribe(c.app, { name: "héllo ✓", role: "dev", principal: "p1" });
	await c.advance(1000);
	const offers = offersOf(await sub.reader.nextOf("OFFERS"));
	const offer = offers[0]!;
	const res = await call(c.app, sub, {
		type: "ACCEPT",
		accept: {
			offer_ids: [offer.id],
			operations: [
				{
					type: "LAUNCH",
					launch: { task_infos: [taskFor(offer, "long", "sleep 1000"), taskFor(offer, "short", "sleep 1")] },
				},
			],
		},
	});
	expect(res.statusCode).toBe(202);
	await call(c.app, sub, { type: "DECLINE", decline: { offer_ids: offers.slice(1).map((o) => o.id) } });
	await runUntilState(c, sub, "short", "TASK_FINISHED");
	await c.advance(1000);
});
afterAll(async () => {
	await c.close();
	expect(c.checker.checkAll()).toBe(0);
});

async function get(url: string) {
	const res = await c.app.inject({ method: "GET", url });
	return {
		res,
		json: res.headers["content-type"] === "application/json" ? (JSON.parse(res.body) as any) : null,
	};
}

const STATE_KEYS = [
	"version",
	"git_sha",
	"build_date",
	"build_time",
	"build_user",
	"start_time",
	"elected_time",
	"id",
	"pid",
	"hostname",
	"capabilities",
	"activated_slaves",
	"deactivated_slaves",
	"unreachable_slaves",
	"leader",
	"leader_info",
	"flags",
	"slaves",
	"recovered_slaves",
	"frameworks",
	"completed_frameworks",
	"orphan_tasks",
	"unregistered_frameworks",
];

describe("/master/state", () => {
	it("has the top-level fields of Mesos's readonly_handler", async () => {
		const { res, json } = await get("/master/state");
		expect(res.statusCode).toBe(200);
		for (const k of STATE_KEYS) expect(json, k).toHaveProperty(k);
		expect(json.activated_slaves).toBe(3);
		expect(json.id).toBe(c.sim.master.id);
		expect(json.flags.allocation_interval).toBe("1secs");
		const same = await get("/master/state.json");
		expect(same.json.id).toBe(json.id);
	});

	it("renders slaves, frameworks and tasks with v0 names and flat resources", async () => {
		const { json } = await get("/master/state");
		const slave = json.slaves[0];
		for (const k of [
			"id",
			"hostname",
			"port",
			"attributes",
			"pid",
			"registered_time",
			"resources",
			"used_resources",
			"offered_resources",
			"unreserved_resources",
			"reserved_resources",
			"active",
			"deactivated",
			"version",
		])
			expect(slave, k).toHaveProperty(k);
		expect(slave.resources).toEqual({ cpus: 8, gpus: 0, mem: 32768, disk: 102400, ports: "[31000-32000]" });
		const fw = json.frameworks[0];
		for (const k of [
			"id",
			"name",
			"user",
			"principal",
			"roles",
			"capabilities",
			"active",
			"connected",
			"recovered",
			"failover_timeout",
			"registered_time",
			"unregistered_time",
			"used_resources",
			"offered_resources",
			"tasks",
			"unreachable_tasks",
			"completed_tasks",
			"offers",
			"executors",
		])
			expect(fw, k).toHaveProperty(k);
		expect(fw.name).toBe("héllo ✓");
		expect(fw.role).toBe("dev");
		expect(fw.principal).toBe("p1");
		expect(fw.used_resources).toEqual({ cpus: 1, gpus: 0, mem: 128, disk: 0 });
		const task = fw.tasks[0];
		for (const k of [
			"id",
			"name",
			"framework_id",
			"executor_id",
			"slave_id",
			"state",
			"resources",
			"role",
			"statuses",
		])
			expect(task, k).toHaveProperty(k);
		expect(task.id).toBe("long");
		expect(task.state).toBe("TASK_RUNNING");
		expect(task.role).toBe("dev");
		expect(task.statuses.map((s: any) => s.state)).toContain("TASK_RUNNING");
		expect(typeof task.statuses[0].timestamp).toBe("number");
		expect(fw.completed_tasks.map((t: any) => [t.id, t.state])).toEqual([["short", "TASK_FINISHED"]]);
	});

	it("supports the jsonp callback parameter", async () => {
		const { res } = await get("/master/state?jsonp=myCallback");
		expect(res.headers["content-type"]).toBe("text/javascript");
		expect(res.body.startsWith("myCallback(")).toBe(true);
		expect(res.body.endsWith(");")).toBe(true);
		const inner = JSON.parse(res.body.slice("myCallback(".length, -2));
		expect(inner.id).toBe(c.sim.master.id);
		const bad = await get("/master/state?jsonp=alert(1)//");
		expect(bad.res.statusCode).toBe(400);
		expect((await get("/metrics/snapshot?jsonp=cb")).res.body.startsWith("cb({")).toBe(true);
	});
});

describe("other v0 endpoints", () => {
	it("/master/state-summary counts tasks per state and links agents and frameworks", async () => {
		const { json } = await get("/master/state-summary");
		expect(json.hostname).toBe("mesosim-master");
		const fw = json.frameworks[0];
		expect(fw.TASK_RUNNING).toBe(1);
		expect(fw.TASK_FINISHED).toBe(1);
		expect(fw.slave_ids.length).toBe(1);
		const slave = json.slaves.find((s: any) => s.id === fw.slave_ids[0]);
		expect(slave.TASK_RUNNING).toBe(1);
		expect(slave.framework_ids).toEqual([fw.id]);
		for (const k of [
			"TASK_STAGING",
			"TASK_STARTING",
			"TASK_KILLING",
			"TASK_LOST",
			"TASK_ERROR",
			"TASK_UNREACHABLE",
		])
			expect(slave, k).toHaveProperty(k);
	});

	it("/master/frameworks, /master/slaves, /master/roles, /master/flags, /master/health, /version", async () => {
		expect((await get("/master/frameworks")).json.frameworks.length).toBe(1);
		expect(Object.keys((await get("/master/frameworks")).json).sort()).toEqual([
			"completed_frameworks",
			"frameworks",
			"unregistered_frameworks",
		]);
		expect((await get("/master/slaves")).json.slaves.length).toBe(3);
		const roles = (await get("/master/roles")).json.roles as any[];
		const dev = roles.find((r) => r.name === "dev");
		expect(dev.weight).toBe(2);
		expect(dev.frameworks).toEqual([sub.frameworkId]);
		expect(dev.allocated).toEqual({ cpus: 1, gpus: 0, mem: 128, disk: 0 });
		expect(dev.quota.limit).toEqual({ cpus: 20 });
		expect((await get("/master/flags")).json.flags.max_completed_frameworks).toBe("50");
		const health = await get("/master/health");
		expect(health.res.statusCode).toBe(200);
		expect(health.res.body).toBe("");
		const version = (await get("/version")).json;
		expect(version.version).toBe("1.11.0");
		expect(version).toHaveProperty("build_date");
		const redirect = await get("/master/redirect");
		expect(redirect.res.statusCode).toBe(307);
		expect(redirect.res.headers.location).toBe("//mesosim-master:5050");
	});

	it("/master/tasks takes limit, offset, order, framework_id and task_id", async () => {
		const all = (await get("/master/tasks")).json.tasks as any[];
		expect(all.map((t) => t.id).sort()).toEqual(["long", "short"]);
		expect((await get("/master/tasks?limit=1")).json.tasks.length).toBe(1);
		expect((await get("/master/tasks?offset=2")).json.tasks.length).toBe(0);
		expect((await get("/master/tasks?task_id=short")).json.tasks.map((t: any) => t.state)).toEqual([
			"TASK_FINISHED",
		]);
		expect((await get("/master/tasks?framework_id=nope")).json.tasks).toEqual([]);
		expect((await get("/master/tasks?order=sideways")).res.statusCode).toBe(400);
		expect((await get("/master/tasks?limit=-3")).res.statusCode).toBe(400);
	});
});

describe("/metrics/snapshot", () => {
	it("uses Mesos's key names", async () => {
		const { json } = await get("/metrics/snapshot");
		const keys = [
			...["cpus", "gpus", "mem", "disk"].flatMap((r) => [
				`master/${r}_total`,
				`master/${r}_used`,
				`master/${r}_percent`,
			]),
			"master/elected",
			"master/uptime_secs",
			"master/slaves_active",
			"master/slaves_connected",
			"master/slaves_disconnected",
			"master/slaves_inactive",
			"master/slaves_unreachable",
			"master/frameworks_active",
			"master/frameworks_connected",
			"master/frameworks_disconnected",
			"master/frameworks_inactive",
			"master/outstanding_offers",
			"master/tasks_staging",
			"master/tasks_starting",
			"master/tasks_running",
			"master/tasks_killing",
			"master/tasks_finished",
			"master/tasks_failed",
			"master/tasks_killed",
			"master/tasks_lost",
			"master/tasks_error",
			"master/tasks_dropped",
			"master/tasks_unreachable",
			"master/tasks_gone",
			"master/tasks_gone_by_operator",
			"master/messages_decline_offers",
			"master/messages_launch_tasks",
			"master/messages_revive_offers",
			"master/messages_suppress_offers",
			"master/slave_registrations",
			"master/slave_reregistrations",
			"master/slave_removals",
			"master/event_queue_messages",
			"master/event_queue_dispatches",
			"allocator/mesos/allocation_runs",
			"allocator/mesos/resources/cpus/total",
			"allocator/mesos/resources/cpus/offered_or_allocated",
			"allocator/mesos/roles/dev/shares/dominant",
			"allocator/mesos/offer_filters/roles/dev/active",
			"allocator/mesos/quota/roles/dev/resources/cpus/limit",
			"allocator/mesos/quota/roles/dev/resources/cpus/offered_or_allocated",
		];
		for (const k of keys) expect(typeof json[k], k).toBe("number");
		expect(json["master/cpus_total"]).toBe(24);
		expect(json["master/cpus_used"]).toBe(1);
		expect(json["master/cpus_percent"]).toBeCloseTo(1 / 24);
		expect(json["master/tasks_running"]).toBe(1);
		expect(json["master/tasks_finished"]).toBe(1);
		expect(json["master/messages_launch_tasks"]).toBe(1);
		expect(json["master/slaves_active"]).toBe(3);
		// Two declines and the unused part of the ACCEPT.
		expect(json["allocator/mesos/offer_filters/roles/dev/active"]).toBe(3);
		const prefix = `master/frameworks/h%C3%A9llo%20%E2%9C%93/${sub.frameworkId}/`;
		expect(json[`${prefix}subscribed`]).toBe(1);
		const fw = c.sim.master.framework(sub.frameworkId)!;
		expect(json[`${prefix}offers/accepted`]).toBe(1);
		expect(json[`${prefix}offers/declined`]).toBeGreaterThanOrEqual(2);
		expect(json[`${prefix}offers/sent`]).toBe(
			json[`${prefix}offers/accepted`] +
				json[`${prefix}offers/declined`] +
				json[`${prefix}offers/rescinded`] +
				fw.offers.size,
		);
		expect(json[`${prefix}calls/accept`]).toBe(1);
		expect(json[`${prefix}tasks/active/task_running`]).toBe(1);
		expect(json[`${prefix}roles/dev/suppressed`]).toBe(0);
		expect(Object.keys(json)).toEqual(Object.keys(json).sort());
		const v1 = (await operator(c.app, { type: "GET_METRICS" })).body.get_metrics.metrics as {
			name: string;
		}[];
		expect(v1.map((m) => m.name)).toEqual(Object.keys(json));
	});
});
