// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * What the stock Mesos web UI (src/webui) reads from a master, against
 * mesosim: real dates in live mode, the maintenance endpoints, drain_info and
 * offers' allocation_info in /master/state, /master/roles as Mesos lists it,
 * agent pages on the master's port, and a web UI directory at `/`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentsScenario, parseServeFlags, parseStartTime } from "../../sim/cli/commands/serve.js";
import { buildSimulation } from "../../sim/runner/index.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { validateScenario } from "../../sim/scenario/index.js";
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

async function getJson(c: { app: TestCluster["app"] }, url: string) {
	const res = await c.app.inject({ method: "GET", url });
	return { status: res.statusCode, type: res.headers["content-type"], json: JSON.parse(res.body) as any };
}

describe("dates: the simulated clock is Unix time", () => {
	let server: LiveServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	const scenario = () =>
		validateScenario({
			name: "live-dates",
			seed: 3,
			agents: [{ group: "a", count: 2, cpus: 4, mem: 8192, disk: 10240 }],
			frameworks: [
				{ type: "simple", name: "sleeper", tasks: { count: 2, cpus: 1, mem: 128, command: "sleep 5" } },
			],
		});

	it("live mode: /master/state's times and status timestamps are within seconds of the wall clock", async () => {
		const before = Date.now() / 1000;
		server = await startLive({ scenario: scenario(), host: "127.0.0.1", port: 0, speed: 1 });
		// Let the framework subscribe and its tasks start (about a second of simulated time).
		await new Promise((r) => setTimeout(r, 1500));
		const state = (await (await fetch(`${server.url}/master/state`)).json()) as any;
		const now = Date.now() / 1000;
		const near = (t: number) => {
			expect(t).toBeGreaterThanOrEqual(before - 1);
			expect(t).toBeLessThanOrEqual(now + 1);
		};
		near(state.start_time);
		near(state.elected_time);
		for (const s of state.slaves) near(s.registered_time);
		expect(state.frameworks).toHaveLength(1);
		near(state.frameworks[0].registered_time);
		const statuses = state.frameworks[0].tasks.flatMap((t: any) => t.statuses);
		expect(statuses.length).toBeGreaterThan(0);
		for (const s of statuses) near(s.timestamp);
		const tasks = (await (await fetch(`${server.url}/master/tasks`)).json()) as any;
		for (const t of tasks.tasks) for (const s of t.statuses) near(s.timestamp);
		// The v1 operator API: TimeInfo nanoseconds of the same dates.
		const v1 = (await (
			await fetch(`${server.url}/api/v1`, {
				method: "POST",
				headers: { "content-type": "application/json", accept: "application/json" },
				body: JSON.stringify({ type: "GET_FRAMEWORKS" }),
			})
		).json()) as any;
		near(v1.get_frameworks.frameworks[0].registered_time.nanoseconds / 1e9);
	});

	it("--start-time fixes where the clock starts", async () => {
		const start = Date.parse("2024-05-01T09:00:00Z");
		server = await startLive({
			scenario: agentsScenario(2),
			host: "127.0.0.1",
			port: 0,
			speed: 1,
			startTimeMs: start,
		});
		const state = (await (await fetch(`${server.url}/master/state`)).json()) as any;
		expect(state.start_time).toBe(start / 1000);
		expect(server.sim.engine.originMs).toBe(start);
	});

	it("headless runs keep the clock at the Unix epoch", () => {
		const sim = buildSimulation(agentsScenario(1));
		expect(sim.engine.originMs).toBe(0);
		expect(sim.master.startedAt).toBe(0);
	});

	it("parses --start-time as an ISO date or Unix seconds, and refuses anything else", () => {
		expect(parseStartTime("2024-05-01T09:00:00Z")).toBe(Date.parse("2024-05-01T09:00:00Z"));
		expect(parseStartTime("2024-05-01T09:00:00")).toBe(Date.parse("2024-05-01T09:00:00Z"));
		expect(parseStartTime("2024-05-01")).toBe(Date.parse("2024-05-01T00:00:00Z"));
		expect(parseStartTime("2024-05-01T11:00:00+02:00")).toBe(Date.parse("2024-05-01T09:00:00Z"));
		expect(parseStartTime("1714554000")).toBe(1714554000_000);
		expect(parseStartTime("1714554000.5")).toBe(1714554000_500);
		for (const bad of ["", "yesterday", "-5", "2024-13-45", "1e3"]) {
			expect(() => parseStartTime(bad)).toThrow(/--start-time/);
		}
		expect(parseServeFlags({ startTime: "0" }).startTimeMs).toBe(0);
		expect(parseServeFlags({}).startTimeMs).toBeUndefined();
	});
});

describe("the stock UI's master endpoints", () => {
	let c: TestCluster;
	let sub: Subscription;

	beforeAll(async () => {
		c = await cluster({ agents: 3, scenario: { roles: [{ name: "eng/web" }, { name: "ops", weight: 3 }] } });
		// Not MULTI_ROLE: Mesos strips allocation_info only from what it sends this scheduler.
		sub = await subscribe(c.app, { name: "web", role: "eng/web" });
		await c.advance(1000);
	});
	afterAll(async () => {
		await c.close();
		expect(c.checker.checkAll()).toBe(0);
	});

	it("GET /master/maintenance/schedule and /status answer 200 with Mesos's empty shapes", async () => {
		for (const url of ["/master/maintenance/schedule", "/master/maintenance/status"]) {
			const r = await getJson(c, url);
			expect(r.status).toBe(200);
			expect(r.type).toBe("application/json");
			expect(r.json).toEqual({});
		}
		const jsonp = await c.app.inject({ method: "GET", url: "/master/maintenance/schedule?jsonp=cb" });
		expect(jsonp.body).toBe("cb({});");
		const post = await c.app.inject({ method: "POST", url: "/master/maintenance/schedule", payload: "{}" });
		expect(post.statusCode).toBe(501);
	});

	it("frameworks[].offers[] carry allocation_info for a framework without MULTI_ROLE", async () => {
		const state = (await getJson(c, "/master/state")).json;
		const fw = state.frameworks.find((f: any) => f.name === "web");
		expect(fw.offers.length).toBeGreaterThan(0);
		for (const o of fw.offers) expect(o.allocation_info).toEqual({ role: "eng/web" });
		const v1 = await operator(c.app, { type: "GET_FRAMEWORKS" });
		const fw1 = v1.body.get_frameworks.frameworks.find((f: any) => f.framework_info.name === "web");
		for (const o of fw1.offers) expect(o.allocation_info).toEqual({ role: "eng/web" });
	});

	it("/master/roles: a parent role sums its subtree; roles with nothing drop out", async () => {
		const offers = offersOf(await sub.reader.nextOf("OFFERS"));
		const offer = offers[0]!;
		const accepted = await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [
					{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "w1", "sleep 1000", 2, 256)] } },
				],
			},
		});
		expect(accepted.statusCode).toBe(202);
		await runUntilState(c, sub, "w1", "TASK_RUNNING");
		const roles = (await getJson(c, "/master/roles")).json.roles as any[];
		// eng/web has the framework, ops a weight, eng is their ancestor; nothing else.
		expect(roles.map((r) => r.name)).toEqual(["eng", "eng/web", "ops"]);
		const eng = roles.find((r) => r.name === "eng")!;
		const web = roles.find((r) => r.name === "eng/web")!;
		expect(web.allocated.cpus).toBe(2);
		expect(eng.allocated).toEqual(web.allocated);
		expect(eng.offered).toEqual(web.offered);
		expect(eng.offered.cpus).toBeGreaterThan(0);
		// resources (deprecated) = allocated + offered.
		expect(eng.resources.cpus).toBe(eng.allocated.cpus + eng.offered.cpus);
		const v1 = (await operator(c.app, { type: "GET_ROLES" })).body.get_roles.roles as any[];
		expect(v1.map((r) => r.name)).toEqual(["eng", "eng/web", "ops"]);
	});

	it("/master/roles: a role whose framework left drops out", async () => {
		const other = await subscribe(c.app, { name: "tmp", role: "scratch" });
		await c.advance(100);
		let names = ((await getJson(c, "/master/roles")).json.roles as any[]).map((r) => r.name);
		expect(names).toContain("scratch");
		expect((await call(c.app, other, { type: "TEARDOWN" })).statusCode).toBe(202);
		await c.advance(100);
		names = ((await getJson(c, "/master/roles")).json.roles as any[]).map((r) => r.name);
		expect(names).not.toContain("scratch");
	});

	it("slaves[].drain_info while draining and once drained", async () => {
		const state = (await getJson(c, "/master/state")).json;
		const busy = state.slaves.find((s: any) => s.used_resources.cpus > 0);
		const idle = state.slaves.find((s: any) => s.used_resources.cpus === 0);
		expect(
			(await operator(c.app, { type: "DRAIN_AGENT", drain_agent: { agent_id: { value: busy.id } } })).status,
		).toBe(200);
		expect(
			(await operator(c.app, { type: "DRAIN_AGENT", drain_agent: { agent_id: { value: idle.id } } })).status,
		).toBe(200);
		// The busy agent's task is being killed: draining until it has ended.
		const during = (await getJson(c, "/master/state")).json;
		const b = during.slaves.find((s: any) => s.id === busy.id);
		expect(b.deactivated).toBe(true);
		expect(b.drain_info).toEqual({ state: "DRAINING", config: { mark_gone: false } });
		const slaves = (await getJson(c, "/master/slaves")).json.slaves as any[];
		expect(slaves.find((s) => s.id === busy.id).drain_info.state).toBe("DRAINING");
		const i = during.slaves.find((s: any) => s.id === idle.id);
		expect(i.drain_info).toEqual({ state: "DRAINED", config: { mark_gone: false } });
		const other = during.slaves.find((s: any) => s.id !== busy.id && s.id !== idle.id);
		expect(other.drain_info).toBeUndefined();
		await c.advance(5000);
		const after = (await getJson(c, "/master/state")).json;
		expect(after.slaves.find((s: any) => s.id === busy.id).drain_info.state).toBe("DRAINED");
	});
});

describe("agent pages on the master's port", () => {
	let c: TestCluster;
	let sub: Subscription;

	beforeAll(async () => {
		c = await cluster({ agents: 2, app: { agentsOnMasterHost: true } });
		sub = await subscribe(c.app, { name: "pages" });
		await c.advance(1000);
		const offers = offersOf(await sub.reader.nextOf("OFFERS"));
		const offer = offers[0]!;
		await call(c.app, sub, {
			type: "ACCEPT",
			accept: {
				offer_ids: [offer.id],
				operations: [
					{
						type: "LAUNCH",
						launch: {
							task_infos: [taskFor(offer, "long", "sleep 1000"), taskFor(offer, "short", "sleep 1")],
						},
					},
				],
			},
		});
		await runUntilState(c, sub, "short", "TASK_FINISHED");
		await c.advance(1000);
	});
	afterAll(async () => {
		await c.close();
	});

	it("agents are slave(N) at the master's address and carry its hostname", async () => {
		const state = (await getJson(c, "/master/state")).json;
		const mi = c.sim.master.masterInfo();
		const pids = state.slaves.map((s: any) => s.pid).sort();
		expect(pids).toEqual([`slave(1)@127.0.0.1:${mi.port}`, `slave(2)@127.0.0.1:${mi.port}`]);
		for (const s of state.slaves) expect(s.hostname).toBe(mi.hostname);
	});

	it("/slave(N)/state has what the UI's agent, framework and executor pages read", async () => {
		const state = (await getJson(c, "/master/state")).json;
		const task = state.frameworks[0].tasks.find((t: any) => t.id === "long");
		const agent = state.slaves.find((s: any) => s.id === task.slave_id);
		const processId = agent.pid.slice(0, agent.pid.indexOf("@"));
		const r = await getJson(c, `/${processId}/state`);
		expect(r.status).toBe(200);
		const s = r.json;
		for (const k of [
			"id",
			"pid",
			"hostname",
			"resources",
			"flags",
			"version",
			"start_time",
			"master_hostname",
		])
			expect(s).toHaveProperty(k);
		expect(s.id).toBe(agent.id);
		expect(s.pid).toBe(agent.pid);
		expect(s.resources).toEqual(agent.resources);
		expect(s.frameworks).toHaveLength(1);
		const fw = s.frameworks[0];
		expect(fw.id).toBe(sub.frameworkId);
		const long = fw.executors.find((e: any) => e.id === "long");
		expect(long.tasks.map((t: any) => t.id)).toEqual(["long"]);
		expect(long.resources.cpus).toBe(1);
		expect(long.directory).toContain(`/frameworks/${sub.frameworkId}/executors/long/runs/`);
		expect(long.queued_tasks).toEqual([]);
		const short = fw.completed_executors.find((e: any) => e.id === "short");
		expect(short.completed_tasks.map((t: any) => [t.id, t.state])).toEqual([["short", "TASK_FINISHED"]]);
		expect(s.completed_frameworks).toEqual([]);

		const statsJson = (await getJson(c, `/${processId}/monitor/statistics`)).json;
		expect(statsJson).toEqual([
			expect.objectContaining({ executor_id: "long", framework_id: sub.frameworkId }),
		]);
		expect(statsJson[0].statistics.cpus_limit).toBe(1);
	});

	it("an unknown process or agent is a 404; /files/* is an empty sandbox", async () => {
		expect((await c.app.inject({ method: "GET", url: "/slave(9)/state" })).statusCode).toBe(404);
		expect((await c.app.inject({ method: "GET", url: "/slave(0)/state" })).statusCode).toBe(404);
		expect((await c.app.inject({ method: "GET", url: "/nobody/state" })).statusCode).toBe(404);
		expect((await getJson(c, "/files/browse?path=/var/lib/mesos")).json).toEqual([]);
		expect((await getJson(c, "/files/read?path=/x/stdout&offset=0")).json).toEqual({ data: "", offset: 0 });
		const jsonp = await c.app.inject({
			method: "GET",
			url: "/files/browse?path=%2F&jsonp=angular.callbacks._3",
		});
		expect(jsonp.body).toBe("angular.callbacks._3([]);");
	});

	it("without agentsOnMasterHost agents keep their own hostnames", async () => {
		const plain = await cluster({ agents: 2 });
		try {
			const state = (await getJson(plain, "/master/state")).json;
			const names = state.slaves.map((s: any) => s.hostname);
			expect(names).toEqual(state.slaves.map((_: any, i: number) => plain.sim.master.cluster.hostnames[i]));
			expect(names).not.toContain(plain.sim.master.masterInfo().hostname);
		} finally {
			await plain.close();
		}
	});
});

describe("--webui-dir", () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), "mesosim-webui-"));
		writeFileSync(join(dir, "index.html"), "<html>ui</html>");
		mkdirSync(join(dir, "app"));
		writeFileSync(join(dir, "app", "app.js"), "var x = 1;");
		writeFileSync(join(dir, ".secret"), "no");
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("serves DIR/index.html at / and DIR's files under /, the APIs still first", async () => {
		const c = await cluster({ agents: 1, app: { webuiDir: dir } });
		try {
			const root = await c.app.inject({ method: "GET", url: "/" });
			expect(root.statusCode).toBe(200);
			expect(root.headers["content-type"]).toBe("text/html; charset=utf-8");
			expect(root.body).toBe("<html>ui</html>");
			const js = await c.app.inject({ method: "GET", url: "/app/app.js?v=1" });
			expect(js.statusCode).toBe(200);
			expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
			expect(js.body).toBe("var x = 1;");
			for (const url of ["/.secret", "/app/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/missing.js"]) {
				const r = await c.app.inject({ method: "GET", url });
				expect(r.statusCode, url).toBe(404);
			}
			expect((await getJson(c, "/master/state")).status).toBe(200);
			expect((await c.app.inject({ method: "GET", url: "/master/nothing" })).body).toBe(
				"No route for GET /master/nothing",
			);
		} finally {
			await c.close();
		}
	});

	it("without the option / keeps the app's own behaviour; the flag needs a directory", async () => {
		const c = await cluster({ agents: 1 });
		try {
			expect((await c.app.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
		} finally {
			await c.close();
		}
		expect(parseServeFlags({ webuiDir: dir }).webuiDir).toBe(dir);
		expect(() => parseServeFlags({ webuiDir: join(dir, "nope") })).toThrow(/--webui-dir/);
		expect(() => parseServeFlags({ webuiDir: join(dir, "index.html") })).toThrow(/--webui-dir/);
	});
});
