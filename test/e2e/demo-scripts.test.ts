// biome-ignore-all lint/suspicious/noExplicitAny: the test reads loosely typed JSON answers
/**
 * The demo scripts (examples/demos/*.sh) run with bash against a live master
 * on loopback (fast clock, short pauses) and leave the cluster in the state
 * they announce: packages installed and scaled; a rack crashed and back.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { validateScenario } from "../../sim/scenario/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

let server: LiveServer;
beforeAll(async () => {
	const scenario = validateScenario({
		seed: 11,
		agents: [
			{ group: "gen", count: 16, cpus: 16, mem: 65536, disk: 409600, attributes: { rack: "r{i / 4}" } },
		],
	});
	server = await startLive({ scenario, host: "127.0.0.1", port: 0, speed: 50 });
});
afterAll(async () => {
	await server.close();
});

async function script(name: string, env: Record<string, string> = {}) {
	return run("bash", [resolve(ROOT, "examples/demos", name)], {
		cwd: ROOT,
		timeout: 120_000,
		env: {
			...process.env,
			MESOSIM_MASTER: server.url,
			MESOSIM: `${process.execPath} ${resolve(ROOT, "bin/mesosim.js")}`,
			PAUSE: "0.5",
			...env,
		},
	});
}

async function status(): Promise<any> {
	return (await fetch(`${server.url}/sim/v1/status`)).json();
}

/** Polls the status until `ok` holds (the clock runs at 50x; a few wall seconds at most). */
async function eventually(ok: (st: any) => boolean, timeoutMs = 20_000): Promise<any> {
	const deadline = Date.now() + timeoutMs;
	let st = await status();
	while (!ok(st) && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 200));
		st = await status();
	}
	return st;
}

describe("examples/demos", () => {
	it("packages.sh installs marathon, kafka and spark one by one and scales the web app to 20", async () => {
		const { stdout } = await script("packages.sh");
		expect(stdout).toMatch(/== First a Marathon app/);
		expect(stdout).toMatch(/scalePackage: web app 3 -> 20/);
		const tasks = (st: any, name: string) => st.frameworks.find((f: any) => f.name === name)?.tasks;
		const st = await eventually((s) => tasks(s, "web") === 20 && tasks(s, "events") === 3);
		expect(st.frameworks.map((f: any) => [f.name, f.package])).toEqual([
			["web", "marathon"],
			["events", "kafka"],
			["analytics", "spark"],
		]);
		expect(tasks(st, "web")).toBe(20);
		expect(tasks(st, "events")).toBe(3);
		expect(tasks(st, "analytics")).toBeGreaterThan(1);
	}, 150_000);

	it("rack-failure.sh crashes a rack and powers it on again: every agent registered at the end", async () => {
		const { stdout } = await script("rack-failure.sh", { RACK: "rack=r1" });
		expect(stdout).toMatch(/crashAgents: 4 agent\(s\)/);
		expect(stdout).toMatch(/restartAgents: 4 agent\(s\)/);
		// The hosts came back as new agents: 16 registered, the 4 old ones removed.
		const st = await eventually((s) => s.agents.registered === 16);
		expect(st.agents.up).toBe(16);
		expect(st.agents.registered).toBe(16);
		const state: any = await (await fetch(`${server.url}/master/state`)).json();
		expect(state.slaves.filter((s: any) => s.attributes.rack === "r1" && s.active).length).toBe(4);
	}, 150_000);
});
