// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * The live control API (/sim/v1) through HTTP (inject): clock, agents,
 * packages, actions; 400/404 answers; and that a refused call changes nothing.
 * The clock is paused at once and moved by hand, so every run is the same.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { validateScenario } from "../../sim/scenario/index.js";
import { injectJson } from "./helpers.js";

const scenario = () =>
	validateScenario({
		name: "control",
		seed: 7,
		agents: [
			{
				group: "gen",
				count: 12,
				cpus: 8,
				mem: 32768,
				disk: 102400,
				hostname: "gen-{i}",
				attributes: { rack: "r{i / 4}" },
			},
		],
		frameworks: [
			{
				type: "simple",
				name: "ckpt",
				checkpoint: true,
				failoverTimeout: "1m",
				tasks: { count: 12, cpus: 1, mem: 128, command: "sleep infinity" },
			},
			{
				type: "simple",
				name: "plain",
				checkpoint: false,
				tasks: { count: 12, cpus: 1, mem: 128, command: "sleep infinity", relaunch: false },
			},
		],
	});

let server: LiveServer;
beforeEach(async () => {
	server = await startLive({ scenario: scenario(), host: "127.0.0.1", port: 0, speed: 1 });
	server.driver.pause();
});
afterEach(async () => {
	await server.close();
});

function call(method: "GET" | "POST", url: string, body?: unknown) {
	return injectJson(server.app, method, url, body);
}

/** Moves simulated time on by `ms` (the clock stays paused). */
function runFor(ms: number): void {
	server.driver.advanceTo(server.sim.engine.now + ms, true);
}

function tasksOf(name: string): number {
	const h = server.sim.frameworks.find((f) => f.name === name)!;
	return server.sim.master.framework(h.id()!)!.tasks.size;
}

describe("/sim/v1 clock", () => {
	it("pauses, resumes, changes speed within 0.1..10000, steps to just before a cycle and runs one", async () => {
		let r = await call("GET", "/sim/v1/status");
		expect(r.status).toBe(200);
		expect(r.json.paused).toBe(true);
		expect(r.json.agents.total).toBe(12);
		r = await call("POST", "/sim/v1/clock/speed", { speed: 250 });
		expect(r.json.speed).toBe(250);
		r = await call("POST", "/sim/v1/clock/speed", { speed: 20_000 });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/^speed: must be a number from 0.1 to 10000/);
		r = await call("POST", "/sim/v1/clock/speed", {});
		expect(r.status).toBe(400);
		r = await call("POST", "/sim/v1/clock/step");
		expect(r.json.simTimeMs).toBe(r.json.nextCycleMs - 1);
		const cycles = server.sim.master.allocator.cycles;
		r = await call("POST", "/sim/v1/clock/cycle");
		expect(r.json.simTimeMs % server.sim.master.flags.allocationIntervalMs).toBe(0);
		expect(server.sim.master.allocator.cycles).toBe(cycles + 1);
		r = await call("POST", "/sim/v1/clock/resume");
		expect(r.json.paused).toBe(false);
		r = await call("POST", "/sim/v1/clock/pause");
		expect(r.json.paused).toBe(true);
	});
});

describe("/sim/v1 agents", () => {
	it("lists by attribute, crashes a rack (new ids on reboot), 400 when nothing matches, 404 for a bad group", async () => {
		runFor(10_000);
		let r = await call("GET", "/sim/v1/agents?attribute=rack=r1");
		expect(r.json.total).toBe(4);
		expect(r.json.agents.map((a: any) => a.hostname)).toEqual(["gen-4", "gen-5", "gen-6", "gen-7"]);
		const oldIds = r.json.agents.map((a: any) => a.id);
		r = await call("POST", "/sim/v1/agents/crash", { agents: { attribute: "rack=r1" }, for: "30s" });
		expect(r.status).toBe(200);
		expect(r.json.agents).toEqual(["gen-4", "gen-5", "gen-6", "gen-7"]);
		runFor(1);
		expect((await call("GET", "/sim/v1/status")).json.agents.up).toBe(8);
		runFor(40_000);
		r = await call("GET", "/sim/v1/agents?attribute=rack=r1");
		expect(r.json.agents.every((a: any) => a.registered)).toBe(true);
		for (const a of r.json.agents) expect(oldIds).not.toContain(a.id);
		r = await call("POST", "/sim/v1/agents/crash", { agents: { attribute: "rack=r9" } });
		expect(r.status).toBe(400);
		expect(r.text).toBe("agents.attribute: no agent has rack=r9");
		r = await call("POST", "/sim/v1/agents/crash", { agents: { group: "gne" } });
		expect(r.status).toBe(404);
		expect(r.text).toBe('unknown agent group "gne" (did you mean "gen"?)');
		r = await call("POST", "/sim/v1/agents/crash", { agents: { hostnames: ["gen-1", "gen-99"] } });
		expect(r.status).toBe(404);
		expect(server.sim.fleet.isUp(1)).toBe(true); // nothing applied
		r = await call("POST", "/sim/v1/agents/crash", { agents: { count: 1 }, times: 3 });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/times/);
	});

	it("restart: the agent process restarts, keeps its id; checkpointing tasks survive, others are lost", async () => {
		runFor(10_000);
		expect(tasksOf("ckpt")).toBe(12);
		expect(tasksOf("plain")).toBe(12);
		const id = server.sim.fleet.agentId(0);
		const ckptOn0 = [...server.sim.master.tasksOnAgent(server.sim.master.cluster.indexOf(id!))].filter(
			(t) => t.fw.checkpoint,
		).length;
		const plainOn0 = server.sim.fleet.liveTaskCount(0) - ckptOn0;
		expect(plainOn0).toBeGreaterThan(0);
		const r = await call("POST", "/sim/v1/agents/restart", { agents: { hostnames: ["gen-0"] }, for: "5s" });
		expect(r.status).toBe(200);
		runFor(10_000);
		expect(server.sim.fleet.agentId(0)).toBe(id);
		expect(server.sim.fleet.isRegistered(0)).toBe(true);
		expect(tasksOf("ckpt")).toBe(12);
		expect(tasksOf("plain")).toBe(12 - plainOn0);
		expect(server.sim.fleet.liveTaskCount(0)).toBe(ckptOn0);
	});

	it("partition and heal: the agent reregisters with its tasks before it is unreachable", async () => {
		runFor(10_000);
		await call("POST", "/sim/v1/agents/partition", { agents: { indices: [2] } });
		runFor(20_000);
		expect(server.sim.fleet.isPartitioned(2)).toBe(true);
		const r = await call("POST", "/sim/v1/agents/heal", { agents: { indices: [2] } });
		expect(r.json.agents).toEqual(["gen-2"]);
		runFor(1_000);
		expect(server.sim.fleet.isPartitioned(2)).toBe(false);
		expect(server.sim.master.metrics.agentsUnreachable).toBe(0);
	});

	it("adds agents of a group and flaps one", async () => {
		let r = await call("POST", "/sim/v1/agents/add", { group: "gen", count: 3 });
		expect(r.status).toBe(200);
		runFor(1_000);
		r = await call("GET", "/sim/v1/agents?hostname=gen-14");
		expect(r.json.agents[0].registered).toBe(true);
		r = await call("POST", "/sim/v1/agents/add", { group: "big", count: 3 });
		expect(r.status).toBe(404);
		r = await call("POST", "/sim/v1/agents/flap", { agents: { indices: [0] }, for: "5s", times: 2 });
		expect(r.status).toBe(200);
		runFor(100);
		expect(server.sim.fleet.isPartitioned(0)).toBe(true);
	});
});

describe("/sim/v1 packages", () => {
	it("installs a catalog package under a name with an instance count, then uninstalls it", async () => {
		let r = await call("POST", "/sim/v1/packages/install", {
			package: "kafka",
			name: "kafka-2",
			instances: 2,
		});
		expect(r.status).toBe(200);
		expect(r.json.framework).toBe("kafka-2");
		runFor(120_000);
		expect(tasksOf("kafka-2")).toBe(2);
		r = await call("GET", "/sim/v1/packages");
		expect(r.json.catalog.some((p: any) => p.name === "kafka")).toBe(true);
		expect(r.json.installed.find((f: any) => f.name === "kafka-2").package).toBe("kafka");
		r = await call("POST", "/sim/v1/packages/install", { package: "kafka", name: "kafka-2" });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/^name: a framework named "kafka-2" is installed already/);
		r = await call("POST", "/sim/v1/packages/uninstall", { framework: "kafka-2" });
		expect(r.status).toBe(200);
		runFor(1_000);
		expect(server.sim.frameworks.some((f) => f.name === "kafka-2")).toBe(false);
		expect(server.sim.master.frameworks.filter((f) => !f.removed).map((f) => f.info.name)).not.toContain(
			"kafka-2",
		);
	});

	it("scales a running package up and down (surplus tasks killed); 400 for a framework that is no package", async () => {
		let r = await call("POST", "/sim/v1/packages/install", { package: "marathon" });
		runFor(60_000);
		expect(tasksOf("marathon")).toBe(3);
		r = await call("POST", "/sim/v1/packages/scale", { name: "marathon", instances: 7 });
		expect(r.json).toEqual({ action: "scalePackage", framework: "marathon", group: "app", from: 3, to: 7 });
		runFor(60_000);
		expect(tasksOf("marathon")).toBe(7);
		r = await call("POST", "/sim/v1/packages/scale", { framework: "marathon", instances: 1 });
		expect(r.json.to).toBe(1);
		runFor(5_000);
		expect(tasksOf("marathon")).toBe(1);
		r = await call("POST", "/sim/v1/packages/scale", { framework: "plain", instances: 1 });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/"plain" is not a chameleon package/);
		r = await call("POST", "/sim/v1/packages/scale", { framework: "marathn", instances: 1 });
		expect(r.status).toBe(404);
		expect(r.text).toMatch(/did you mean "marathon"/);
		r = await call("POST", "/sim/v1/packages/scale", { framework: "marathon" });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/instances/);
	});

	it("404 with close matches for an unknown package or framework; nothing changes", async () => {
		const before = server.sim.frameworks.length;
		let r = await call("POST", "/sim/v1/packages/install", { package: "kafak" });
		expect(r.status).toBe(404);
		expect(r.text).toMatch(/unknown package "kafak".*did you mean "kafka"/);
		r = await call("POST", "/sim/v1/packages/uninstall", { framework: "ckp" });
		expect(r.status).toBe(404);
		expect(r.text).toBe('unknown framework "ckp" (did you mean "ckpt"?)');
		r = await call("POST", "/sim/v1/packages/install", { package: "kafka", instances: -1 });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/instances/);
		expect(server.sim.frameworks.length).toBe(before);
	});
});

describe("/sim/v1/actions", () => {
	it("drain / deactivate / reactivate / gone go through the operator API: /master/state shows the drain", async () => {
		runFor(5_000);
		const agentOf = async (host: string) => {
			const st = await call("GET", "/master/state");
			return st.json.slaves.find((s: any) => s.hostname === host);
		};
		let r = await call("POST", "/sim/v1/agents/drain", { agents: { hostnames: ["gen-1"] } });
		expect(r.json).toEqual({ action: "drainAgents", agents: ["gen-1"] });
		runFor(5_000);
		let a = await agentOf("gen-1");
		// DRAIN_AGENT's record, kept by the operator API: the stock UI shows "Drained".
		expect(a.drain_info).toEqual({ state: "DRAINED", config: { mark_gone: false } });
		expect(a.deactivated).toBe(true);
		r = await call("POST", "/sim/v1/agents/reactivate", { agents: { hostnames: ["gen-1"] } });
		expect(r.status).toBe(200);
		a = await agentOf("gen-1");
		expect(a.drain_info).toBeUndefined();
		expect(a.deactivated).toBe(false);
		r = await call("POST", "/sim/v1/agents/deactivate", { agents: { attribute: "rack=r2" } });
		expect(r.json.agents).toEqual(["gen-8", "gen-9", "gen-10", "gen-11"]);
		expect((await agentOf("gen-9")).deactivated).toBe(true);
		r = await call("POST", "/sim/v1/agents/gone", { agents: { hostnames: ["gen-0"] } });
		expect(r.json.agents).toEqual(["gen-0"]);
		expect(await agentOf("gen-0")).toBeUndefined();
		// An agent the master no longer has: nothing to call the operator API for.
		r = await call("POST", "/sim/v1/agents/drain", { agents: { hostnames: ["gen-0"] } });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/registered/);
	});

	it("takes any timeline action, now or later; refuses bad JSON and unknown actions", async () => {
		runFor(10_000);
		let r = await call("POST", "/sim/v1/actions", { action: "updateWeights", role: "web", weight: 3 });
		expect(r.status).toBe(200);
		r = await call("POST", "/sim/v1/actions", { action: "crashAgents", agents: { indices: [5] }, at: "10s" });
		expect(r.json.scheduled).toBe(true);
		runFor(9_000);
		expect(server.sim.fleet.isUp(5)).toBe(true);
		runFor(2_000);
		expect(server.sim.fleet.isUp(5)).toBe(false);
		r = await call("POST", "/sim/v1/actions", { action: "explode" });
		expect(r.status).toBe(400);
		expect(r.text).toMatch(/action/);
		const res = await server.app.inject({ method: "POST", url: "/sim/v1/actions", payload: "{nope" });
		expect(res.statusCode).toBe(400);
		expect(res.body).toMatch(/^the body is not JSON/);
		r = await call("POST", "/sim/v1/actions", {
			action: "disconnectFramework",
			framework: "ckpt",
			for: "5s",
		});
		expect(r.status).toBe(200);
		runFor(1);
		const h = server.sim.frameworks.find((f) => f.name === "ckpt")!;
		expect(server.sim.master.framework(h.id()!)!.connected).toBe(false);
		runFor(10_000);
		expect(server.sim.master.framework(h.id()!)!.connected).toBe(true);
	});
});
