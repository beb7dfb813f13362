/**
 * The client commands (`mesosim cluster|agent|package …`) against a live
 * master on a real socket: each prints what it did, and a refusal is a
 * message and exit code 2 with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../sim/cli/main.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { validateScenario } from "../../sim/scenario/index.js";
import { captureCliIo } from "../helpers/cli-io.js";

let server: LiveServer;
beforeAll(async () => {
	const scenario = validateScenario({
		seed: 3,
		agents: [{ group: "gen", count: 8, cpus: 8, mem: 32768, disk: 102400, attributes: { rack: "r{i / 4}" } }],
	});
	server = await startLive({ scenario, host: "127.0.0.1", port: 0, speed: 100 });
});
afterAll(async () => {
	await server.close();
});

async function cli(...args: string[]) {
	const { out, io } = captureCliIo();
	const code = await main(["node", "mesosim", ...args, "--master", server.url], io);
	return { code, ...out };
}

describe("client commands", () => {
	it("cluster pause / speed / step / cycle / resume / status", async () => {
		let r = await cli("cluster", "pause");
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/PAUSED/);
		r = await cli("cluster", "speed", "500");
		expect(r.stdout).toMatch(/speed 500x/);
		r = await cli("cluster", "speed", "0.01");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/speed: must be a number from 0.1 to 10000/);
		r = await cli("cluster", "step");
		expect((server.sim.engine.now - server.sim.engine.originMs) % 1000).toBe(999);
		r = await cli("cluster", "cycle");
		expect((server.sim.engine.now - server.sim.engine.originMs) % 1000).toBe(0);
		r = await cli("cluster", "resume");
		expect(r.stdout).not.toMatch(/PAUSED/);
		r = await cli("cluster", "status");
		expect(r.stdout).toMatch(/^sim time /);
		for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
	});

	it("agent crash / restart / partition / heal / list / add, by attribute, hostname and index", async () => {
		let r = await cli("agent", "crash", "rack=r1");
		expect(r.stdout).toBe("crashAgents: 4 agent(s): gen-4, gen-5, gen-6, gen-7\n");
		r = await cli("agent", "start", "rack=r1");
		expect(r.code).toBe(0);
		r = await cli("agent", "restart", "gen-0", "--for", "5s");
		expect(r.stdout).toBe("restartAgentProcesses: 1 agent(s): gen-0\n");
		r = await cli("agent", "partition", "#1");
		expect(r.stdout).toBe("partitionAgents: 1 agent(s): gen-1\n");
		r = await cli("agent", "heal", "#1");
		expect(r.stdout).toBe("healAgents: 1 agent(s): gen-1\n");
		r = await cli("agent", "add", "--group", "gen", "--count", "2");
		expect(r.code).toBe(0);
		expect(server.sim.fleet.size).toBe(10);
		r = await cli("agent", "list", "group:gen", "--limit", "3");
		expect(r.stdout.split("\n")[0]).toMatch(/^hostname/);
		expect(r.stdout).toMatch(/\(7 more; --limit\)/);
		r = await cli("agent", "crash", "gen-99");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/\(404\): unknown agent hostname "gen-99"/);
	});

	it("agent drain / deactivate / reactivate / gone: Mesos operator calls, seen in /master/state", async () => {
		type Slave = { hostname: string; deactivated: boolean; drain_info?: { config: unknown } };
		const slave = async (host: string) => {
			const st = (await (await fetch(`${server.url}/master/state`)).json()) as { slaves: Slave[] };
			return st.slaves.find((s) => s.hostname === host);
		};
		let r = await cli("agent", "drain", "gen-2");
		expect(r.stdout).toBe("drainAgents: 1 agent(s): gen-2\n");
		expect((await slave("gen-2"))?.drain_info?.config).toEqual({ mark_gone: false });
		r = await cli("agent", "reactivate", "gen-2");
		expect(r.stdout).toBe("reactivateAgents: 1 agent(s): gen-2\n");
		expect((await slave("gen-2"))?.drain_info).toBeUndefined();
		r = await cli("agent", "deactivate", "gen-3");
		expect((await slave("gen-3"))?.deactivated).toBe(true);
		r = await cli("agent", "gone", "gen-3");
		expect(r.stdout).toBe("markAgentsGone: 1 agent(s): gen-3\n");
		expect(await slave("gen-3")).toBeUndefined();
		r = await cli("agent", "reactivate", "gen-3");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/\(400\): agents: Agent .* is not registered/);
	});

	it("package install / uninstall; unknown names get close matches", async () => {
		let r = await cli("package", "install", "kafka", "--name", "kafka-2", "--instances", "1");
		expect(r.stdout).toBe("installPackage: kafka-2\n");
		r = await cli("package", "install", "kafak");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/unknown package "kafak" \(did you mean "kafka"\?\)/);
		r = await cli("package", "scale", "kafka-2", "--instances", "2");
		expect(r.stdout).toBe("scalePackage: kafka-2 broker 1 -> 2\n");
		r = await cli("package", "scale", "kafka-2", "--instances", "two");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--instances/);
		r = await cli("package", "uninstall", "kafka-2");
		expect(r.stdout).toBe("uninstallPackage: kafka-2\n");
		expect(server.sim.frameworks.length).toBe(0);
	});

	it("an unreachable master is a clear message, exit 1", async () => {
		const { out, io } = captureCliIo();
		const code = await main(["node", "mesosim", "cluster", "status", "--master", "http://127.0.0.1:1"], io);
		expect(code).toBe(1);
		expect(out.stderr).toMatch(/^mesosim: cannot reach the master at http:\/\/127.0.0.1:1/);
	});
});
