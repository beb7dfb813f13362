/**
 * Interop with a real third-party client: a small scheduler built on mesos-go's
 * httpsched package (Debian's golang-github-mesos-mesos-go-dev, 0.0.6, Mesos
 * ~1.4 protos; test/interop/mesos-go/main.go) drives the live master on a real
 * socket: it subscribes, launches `sleep 1` from its first offer, declines the
 * rest, acknowledges every update and exits 0 on TASK_FINISHED with a JSON
 * summary line. Built offline (GOPATH=/usr/share/gocode, GO111MODULE=off).
 *
 * Go and the package are installed by .ci/run, which sets
 * MESOSIM_REQUIRE_INTEROP=1: there a missing toolchain FAILS. Elsewhere
 * (`npm test` needs only Node) the test is skipped with a one-line notice
 * saying what to install (test/helpers/interop.ts).
 */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { INTEROP_INSTALL, interopPlan } from "../helpers/interop.js";

const SRC_DIR = fileURLToPath(new URL("./mesos-go", import.meta.url));
const GOPATH = "/usr/share/gocode";
const MESOS_GO = join(GOPATH, "src/github.com/mesos/mesos-go");
const INSTALL_HINT = `install them: ${INTEROP_INSTALL}`;

interface Summary {
	ok: boolean;
	framework_id: string;
	name: string;
	subscribed: number;
	offers: number;
	declined: number;
	launched: number;
	updates: string[];
	acknowledged: number;
	error?: string;
}

function missingToolchain(): string | null {
	const go: SpawnSyncReturns<string> = spawnSync("go", ["version"], { encoding: "utf8" });
	if (go.error !== undefined || go.status !== 0) return "the Go toolchain (go) is not installed";
	if (!existsSync(join(MESOS_GO, "api/v1/lib/httpcli/httpsched")))
		return `mesos-go is not installed at ${MESOS_GO}`;
	return null;
}

let bin = "";
let outDir = "";

function runClient(
	master: string,
	timeoutS = 30,
): Promise<{ code: number | null; summary: Summary; stderr: string }> {
	if (bin === "")
		return Promise.reject(new Error("the mesos-go client was not built (see the build test above)"));
	return new Promise((resolve, reject) => {
		const child = spawn(bin, ["-master", master, "-timeout", `${timeoutS}s`], {
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d) => {
			stdout += String(d);
		});
		child.stderr.on("data", (d) => {
			stderr += String(d);
		});
		const killer = setTimeout(() => child.kill("SIGKILL"), (timeoutS + 10) * 1000);
		child.on("error", reject);
		child.on("exit", (code) => {
			clearTimeout(killer);
			const line = stdout.trim().split("\n").pop() ?? "";
			try {
				resolve({ code, summary: JSON.parse(line) as Summary, stderr });
			} catch {
				reject(
					new Error(`no JSON summary from the client (exit ${code}); stdout: ${stdout}; stderr: ${stderr}`),
				);
			}
		});
	});
}

const plan = interopPlan(missingToolchain(), process.env);
if (!plan.run) console.log(plan.notice);

describe.skipIf(!plan.run)("interop: mesos-go httpsched client against mesosim's master", () => {
	let server: LiveServer | null = null;

	afterAll(async () => {
		await server?.close();
		if (outDir !== "") rmSync(outDir, { recursive: true, force: true });
	});

	it("builds the mesos-go client offline (GOPATH=/usr/share/gocode, GO111MODULE=off)", () => {
		const missing = missingToolchain();
		if (missing !== null) throw new Error(`${missing}: ${INSTALL_HINT}`);
		outDir = mkdtempSync(join(tmpdir(), "mesosim-interop-"));
		// A cache that outlives the run: building mesos-go cold takes ~30 s.
		const cache = join(tmpdir(), "mesosim-interop-gocache");
		mkdirSync(cache, { recursive: true });
		const out = join(outDir, "interop");
		const build = spawnSync("go", ["build", "-o", out, "."], {
			cwd: SRC_DIR,
			encoding: "utf8",
			env: {
				...process.env,
				GOPATH,
				GO111MODULE: "off",
				GOCACHE: cache,
				GOPROXY: "off",
				GOFLAGS: "",
				CGO_ENABLED: "0",
			},
			timeout: 240_000,
		});
		if (build.status !== 0)
			throw new Error(
				`go build failed (${build.status ?? build.signal}):\n${build.stderr}\n${build.error?.message ?? ""}`,
			);
		bin = out;
	}, 300_000);

	it("subscribes, launches from the first offer, declines the others, ACKs, sees TASK_FINISHED", async () => {
		server = await startLive({ scenario: agentsScenario(3), host: "127.0.0.1", port: 0, speed: 1 });
		const { code, summary, stderr } = await runClient(server.url);
		expect(summary.error, stderr).toBeUndefined();
		expect(code).toBe(0);
		expect(summary.ok).toBe(true);
		expect(summary.subscribed).toBe(1);
		expect(summary.launched).toBe(1);
		expect(summary.offers).toBeGreaterThanOrEqual(3);
		expect(summary.declined).toBeGreaterThanOrEqual(2);
		expect(summary.updates).toContain("TASK_RUNNING");
		expect(summary.updates.at(-1)).toBe("TASK_FINISHED");
		expect(summary.acknowledged).toBeGreaterThanOrEqual(2);
		// The master's view: the framework (its non-ASCII name intact) and its finished task.
		const fw = server.sim.master.framework(summary.framework_id)!;
		expect(fw.info.name).toBe("mesos-go interop héllo ✓");
		const state = (await (await fetch(`${server.url}/master/state`)).json()) as {
			frameworks: { id: string; completed_tasks: { id: string; state: string }[] }[];
		};
		const v0 = state.frameworks.find((f) => f.id === summary.framework_id)!;
		expect(v0.completed_tasks).toEqual([
			expect.objectContaining({ id: "interop-task-1", state: "TASK_FINISHED" }),
		]);
	}, 60_000);

	it("follows a 307 from a non-leader to the leader", async () => {
		server ??= await startLive({ scenario: agentsScenario(3), host: "127.0.0.1", port: 0, speed: 1 });
		const leader = new URL(server.url);
		let redirects = 0;
		const follower = http.createServer((req, res) => {
			redirects++;
			req.resume();
			res.writeHead(307, { Location: `//${leader.host}/api/v1/scheduler` });
			res.end();
		});
		await new Promise<void>((r) => follower.listen(0, "127.0.0.1", r));
		try {
			const port = (follower.address() as AddressInfo).port;
			const { code, summary, stderr } = await runClient(`http://127.0.0.1:${port}`);
			expect(summary.error, stderr).toBeUndefined();
			expect(code).toBe(0);
			expect(summary.updates.at(-1)).toBe("TASK_FINISHED");
			expect(redirects).toBe(1);
		} finally {
			follower.closeAllConnections();
			await new Promise<void>((r) => follower.close(() => r()));
		}
	}, 60_000);
});
