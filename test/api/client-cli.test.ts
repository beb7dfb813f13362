/**
 * `mesosim chameleon` as a process against the live master: it logs its
 * subscription and stats lines, survives an unreachable master (logs and
 * retries), and on SIGTERM/SIGINT exits 0 — disconnecting by default (the
 * master keeps the framework for its failover timeout) or tearing down with
 * --teardown-on-exit. Bad flags exit 2 with a plain message. Killed and
 * started again with its --state-file, it fails over to its framework.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseChameleonFlags } from "../../sim/cli/commands/chameleon.js";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { main } from "../../sim/cli/main.js";
import { waitFor } from "../../sim/remote/framework.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/mesosim.js");

const children: ChildProcessWithoutNullStreams[] = [];
let server: LiveServer | null = null;
afterEach(async () => {
	for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
	await server?.close();
	server = null;
});

function env(): NodeJS.ProcessEnv {
	const e: NodeJS.ProcessEnv = { ...process.env, MESOSIM_LOG_LEVEL: "info" };
	delete e.MESOSIM_DEBUG;
	return e;
}

/** The CLI in this process (main with captured output): for flag errors, which exit before any I/O. */
async function mesosim(...args: string[]) {
	let stderr = "";
	const code = await main(["node", "mesosim", ...args], {
		stdout: { write: () => true },
		stderr: {
			write: (t: string) => {
				stderr += t;
				return true;
			},
		},
		env: {},
	});
	return { code, stderr };
}

/** Spawns `mesosim chameleon …`; collects its JSON log lines. */
function chameleon(...args: string[]) {
	const child = spawn(process.execPath, [BIN, "chameleon", ...args], { cwd: ROOT, env: env() });
	children.push(child);
	const lines: Record<string, unknown>[] = [];
	let buf = "";
	child.stderr.on("data", (d) => {
		buf += String(d);
		let nl = buf.indexOf("\n");
		while (nl >= 0) {
			const line = buf.slice(0, nl);
			buf = buf.slice(nl + 1);
			try {
				lines.push(JSON.parse(line) as Record<string, unknown>);
			} catch {
				lines.push({ msg: line });
			}
			nl = buf.indexOf("\n");
		}
	});
	const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
	const find = (msg: string | RegExp) =>
		lines.find((l) => (typeof msg === "string" ? l.msg === msg : msg.test(String(l.msg))));
	return { child, lines, exited, find };
}

describe("mesosim chameleon: flags", () => {
	it("exits 2 with a plain message on bad flags", async () => {
		let r = await mesosim("chameleon", "--package", "marathon");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/^mesosim: --master URL is required/);
		r = await mesosim("chameleon", "--master", "ftp://x", "--package", "marathon");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/invalid --master "ftp:\/\/x": unsupported scheme/);
		r = await mesosim("chameleon", "--master", "http://127.0.0.1:5050", "--package", "marathonn");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/close matches: marathon/);
		r = await mesosim("chameleon", "--master", "http://127.0.0.1:5050");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/exactly one of --package NAME and --spec FILE/);
		r = await mesosim(
			"chameleon",
			"--master",
			"http://127.0.0.1:5050",
			"--package",
			"kafka",
			"--role",
			"-bad",
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/role/);
		r = await mesosim("chameleon", "--master", "m:1", "--package", "kafka", "--stats-interval", "soon");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/invalid --stats-interval/);
		expect(r.stderr).not.toMatch(/^\s{4}at /m);
	});
});

describe("parseChameleonFlags", () => {
	it("resolves the package, overrides and credentials", () => {
		const dir = mkdtempSync(join(tmpdir(), "mesosim-cham-"));
		const secret = join(dir, "secret");
		writeFileSync(secret, "s3cret\n");
		const o = parseChameleonFlags({
			master: "m:5050",
			package: "kafka",
			name: "k2",
			role: "data",
			user: "nobody",
			failoverTimeout: "2h",
			principal: "chameleon",
			secretFile: secret,
		});
		expect(o.config.name).toBe("k2");
		expect(o.config.package).toBe("kafka");
		expect(o.config.roles).toEqual(["data"]);
		expect(o.config.user).toBe("nobody");
		expect(o.config.failoverTimeoutMs).toBe(7_200_000);
		expect(o.principal).toBe("chameleon");
		expect(o.authorization).toBe(`Basic ${Buffer.from("chameleon:s3cret").toString("base64")}`);
		expect(o.statsIntervalMs).toBe(10_000);
		expect(
			parseChameleonFlags({ master: "m", package: "pattern:poissonBatch" }).config.failoverTimeoutMs,
		).toBe(3_600_000);
		expect(() => parseChameleonFlags({ master: "m", package: "kafka", secretFile: secret })).toThrow(
			/--secret-file needs --principal/,
		);
	});

	it("takes the framework to fail over to from --framework-id or the state file, and refuses a bad or foreign state file", () => {
		const dir = mkdtempSync(join(tmpdir(), "mesosim-cham-"));
		const state = join(dir, "state.json");
		const base = { master: "m", package: "kafka", stateFile: state };
		// No file yet: a new framework.
		expect(parseChameleonFlags(base).frameworkId).toBeNull();
		writeFileSync(state, JSON.stringify({ frameworkId: "abc-0001", name: "kafka", master: "http://m:5050" }));
		expect(parseChameleonFlags(base).frameworkId).toBe("abc-0001");
		expect(parseChameleonFlags({ ...base, frameworkId: "xyz-0002" }).frameworkId).toBe("xyz-0002");
		expect(parseChameleonFlags({ master: "m", package: "kafka", frameworkId: "xyz-0002" }).frameworkId).toBe(
			"xyz-0002",
		);
		expect(() => parseChameleonFlags({ ...base, name: "other" })).toThrow(
			/--state-file .*keeps framework 'kafka' \(abc-0001\), not 'other'/,
		);
		writeFileSync(state, "{not json");
		expect(() => parseChameleonFlags(base)).toThrow(/--state-file .*not JSON/);
		writeFileSync(state, JSON.stringify({ frameworkId: 7, name: "kafka", master: "m" }));
		expect(() => parseChameleonFlags(base)).toThrow(/'frameworkId' must be a non-empty string/);
		expect(() => parseChameleonFlags({ master: "m", package: "kafka", frameworkId: " " })).toThrow(
			/--framework-id/,
		);
	});
});

describe("mesosim chameleon: against the live master", () => {
	it("subscribes, runs tasks, logs stats, and on SIGTERM disconnects (the framework stays for failover)", async () => {
		server = await startLive({ scenario: agentsScenario(4), host: "127.0.0.1", port: 0, speed: 1 });
		const dir = mkdtempSync(join(tmpdir(), "mesosim-cham-"));
		const spec = join(dir, "svc.yaml");
		writeFileSync(
			spec,
			"name: web-héllo\ngroups:\n  - name: web\n    pattern: steadyService\n    instances: 2\n",
		);
		const c = chameleon("--master", server.url, "--spec", spec, "--stats-interval", "500ms", "--role", "web");
		await waitFor(() => c.find("subscribed") !== undefined, 20_000, "the subscribed line");
		const id = String(c.find("subscribed")!.frameworkId);
		await waitFor(
			() => c.lines.some((l) => l.msg === "stats" && l.running === 2),
			20_000,
			"a stats line with 2 running tasks",
		);
		const fw = server.sim.master.framework(id)!;
		expect(fw.info.name).toBe("web-héllo");
		expect(fw.info.roles).toEqual(["web"]);
		expect(fw.info.failover_timeout).toBe(3600);
		c.child.kill("SIGTERM");
		expect(await c.exited).toBe(0);
		await waitFor(
			() => !server!.sim.master.framework(id)!.connected,
			5000,
			"the master to see the disconnect",
		);
		expect(server.sim.master.framework(id)!.removed).toBe(false);
	}, 60_000);

	it("--teardown-on-exit: SIGINT tears the framework down", async () => {
		server = await startLive({ scenario: agentsScenario(2), host: "127.0.0.1", port: 0, speed: 1 });
		const c = chameleon(
			"--master",
			server.url,
			"--package",
			"pattern:steadyService:svc",
			"--teardown-on-exit",
		);
		await waitFor(() => c.find("subscribed") !== undefined, 20_000, "the subscribed line");
		const id = String(c.find("subscribed")!.frameworkId);
		c.child.kill("SIGINT");
		expect(await c.exited).toBe(0);
		const fw = server.sim.master.framework(id);
		expect(fw === undefined || fw.removed).toBe(true);
	}, 60_000);

	it("killed and started again with its state file, it fails over to its framework, whose tasks ran on", async () => {
		server = await startLive({ scenario: agentsScenario(4), host: "127.0.0.1", port: 0, speed: 1 });
		const dir = mkdtempSync(join(tmpdir(), "mesosim-cham-"));
		const state = join(dir, "state.json");
		const args = ["--master", server.url, "--package", "pattern:steadyService:svc", "--state-file", state];
		const first = chameleon(...args, "--stats-interval", "200ms");
		await waitFor(
			() => first.lines.some((l) => l.msg === "stats" && Number(l.running) > 0),
			20_000,
			"a running task",
		);
		const id = String(first.find("subscribed")!.frameworkId);
		expect(JSON.parse(readFileSync(state, "utf8"))).toEqual({
			frameworkId: id,
			name: "svc",
			master: `${server.url}/api/v1/scheduler`,
		});
		const master = server.sim.master;
		const tasksBefore = [...master.framework(id)!.tasks.keys()];
		expect(tasksBefore.length).toBeGreaterThan(0);
		// A crash: no SIGTERM handler runs, the connection just drops.
		first.child.kill("SIGKILL");
		await first.exited;
		await waitFor(() => !master.framework(id)!.connected, 5000, "the master to see the disconnect");

		const second = chameleon(...args);
		await waitFor(() => second.find("subscribed") !== undefined, 20_000, "the second subscribed line");
		expect(second.find("subscribed")).toMatchObject({ frameworkId: id, resumed: true });
		const fw = master.framework(id)!;
		expect(fw.connected).toBe(true);
		expect(master.frameworks.filter((f) => f.info.name === "svc")).toHaveLength(1);
		for (const t of tasksBefore) expect(fw.tasks.get(t)?.state).toBe("TASK_RUNNING");
		second.child.kill("SIGTERM");
		expect(await second.exited).toBe(0);

		// Torn down meanwhile: the master answers ERROR, the state file is emptied, the next start is a new framework.
		const torn = await fetch(`${server.url}/api/v1`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ type: "TEARDOWN", teardown: { framework_id: { value: id } } }),
		});
		expect(torn.status).toBe(200);
		const third = chameleon(...args);
		await waitFor(() => third.find(/the master sent ERROR/) !== undefined, 20_000, "the ERROR line");
		expect(third.find(/the master sent ERROR/)).toMatchObject({ message: "Framework has been removed" });
		await waitFor(() => readFileSync(state, "utf8") === "", 5000, "the state file to be emptied");
		third.child.kill("SIGTERM");
		expect(await third.exited).toBe(0);
		const fourth = chameleon(...args);
		await waitFor(() => fourth.find("subscribed") !== undefined, 20_000, "a new framework's subscribed line");
		expect(fourth.find("subscribed")!.frameworkId).not.toBe(id);
		expect(fourth.find("subscribed")!.resumed).toBe(false);
	}, 90_000);

	it("an unreachable master is logged and retried, not fatal", async () => {
		const c = chameleon("--master", "http://127.0.0.1:9", "--package", "kafka");
		await waitFor(
			() => c.lines.some((l) => /cannot reach the master/.test(String(l.reason ?? ""))),
			20_000,
			"the unreachable line",
		);
		await waitFor(() => c.find(/retrying with backoff/) !== undefined, 10_000, "the retry line");
		expect(c.child.exitCode).toBeNull();
		c.child.kill("SIGTERM");
		expect(await c.exited).toBe(0);
	}, 60_000);
});
