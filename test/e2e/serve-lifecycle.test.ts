/**
 * `mesosim serve` and `mesosim demo` as processes: started, they print their
 * URL; SIGTERM or SIGINT ends them with exit code 0 and the port closed.
 * Through `npx mesosim` too, where npm runs the bin under `sh -c` and a
 * SIGTERM to npx reaches only that shell: the server notices its parent is
 * gone and shuts down.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = resolve(ROOT, "bin/mesosim.js");
const URL_RE = /(http:\/\/127\.0\.0\.1:\d+)/;

/** Resolves with the first URL the child prints (stdout or stderr). */
function urlOf(child: ChildProcess, timeoutMs: number): Promise<string> {
	let seen = "";
	return new Promise((done, fail) => {
		const timer = setTimeout(
			() => fail(new Error(`no URL printed within ${timeoutMs} ms:\n${seen}`)),
			timeoutMs,
		);
		const look = (d: Buffer) => {
			seen += String(d);
			const m = URL_RE.exec(seen);
			if (m !== null) {
				clearTimeout(timer);
				done(m[1]!);
			}
		};
		child.stdout?.on("data", look);
		child.stderr?.on("data", look);
	});
}

function exitOf(child: ChildProcess): Promise<number | null> {
	return new Promise((done) => {
		if (child.exitCode !== null) done(child.exitCode);
		else child.on("exit", (code) => done(code));
	});
}

/** True once nothing listens at `url` (polls; false after `timeoutMs`). */
async function portClosed(url: string, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			await fetch(`${url}/master/health`, { signal: AbortSignal.timeout(1000) });
		} catch (err) {
			const code = (err as { cause?: { code?: string } }).cause?.code;
			if (code === "ECONNREFUSED") return true;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

/** The child's environment without npm's variables (as from a shell). */
function plainEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("npm_")) env[k] = v;
	return { ...env, MESOSIM_LOG_LEVEL: "info" };
}

/** Children of a test, killed after it whatever happened. */
const started: ChildProcess[] = [];
afterEach(() => {
	for (const c of started.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function start(command: string, args: readonly string[]): ChildProcess {
	const child = spawn(command, args, { cwd: ROOT, env: plainEnv(), stdio: ["ignore", "pipe", "pipe"] });
	started.push(child);
	return child;
}

describe("serve and demo stop cleanly", () => {
	for (const [what, args, signal] of [
		["serve, SIGTERM", ["serve", "--agents", "5", "--port", "0"], "SIGTERM"],
		["serve, SIGINT", ["serve", "--agents", "5", "--port", "0"], "SIGINT"],
		["demo kubernetes, SIGTERM", ["demo", "kubernetes", "--port", "0"], "SIGTERM"],
	] as const) {
		it(`node bin/mesosim.js ${what}: exit 0, port closed`, async () => {
			const child = start(process.execPath, [BIN, ...args]);
			const exited = exitOf(child);
			const url = await urlOf(child, 30_000);
			expect((await fetch(`${url}/master/health`)).status).toBe(200);
			child.kill(signal);
			expect(await exited).toBe(0);
			expect(await portClosed(url, 5000)).toBe(true);
		}, 60_000);
	}

	it("npx mesosim serve: a SIGTERM to npx stops the server too", async () => {
		const child = start("npx", ["--no-install", "mesosim", "serve", "--agents", "5", "--port", "0"]);
		const exited = exitOf(child);
		const url = await urlOf(child, 60_000);
		expect((await fetch(`${url}/master/health`)).status).toBe(200);
		child.kill("SIGTERM");
		await exited;
		expect(await portClosed(url, 10_000)).toBe(true);
	}, 90_000);
});
