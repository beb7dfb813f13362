/**
 * The installed command: spawns `node bin/mesosim.js` (tsx, no build) and
 * checks exit codes, the message on stderr, and that no stack trace leaks.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../bin/mesosim.js");
const ROOT = join(import.meta.dirname, "../..");

function mesosim(...args: string[]) {
	const env = { ...process.env };
	delete env.MESOSIM_DEBUG;
	const r = spawnSync(process.execPath, [BIN, ...args], {
		cwd: ROOT,
		encoding: "utf8",
		env,
		timeout: 30_000,
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanError(r: ReturnType<typeof mesosim>, message: string | RegExp) {
	expect(r.code, r.stderr).toBe(2);
	expect(r.stderr.startsWith("mesosim: ")).toBe(true);
	if (typeof message === "string") expect(r.stderr).toContain(message);
	else expect(r.stderr).toMatch(message);
	expect(r.stderr).not.toMatch(/^\s{4}at /m);
	expect(r.stderr).not.toMatch(/internal error/);
}

describe("mesosim CLI errors", () => {
	const dir = mkdtempSync(join(tmpdir(), "mesosim-cli-"));

	it("validate <bad file>: exit 2, the field, line and problem on stderr", () => {
		const file = join(dir, "bad.yaml");
		writeFileSync(file, "seed: 1\nagents:\n  - group: web\n    count: ten\n    cpus: 1\n    mem: 1\n");
		const r = mesosim("validate", file);
		expectCleanError(r, `mesosim: ${file}:4 /agents/0/count: must be an integer >= 0 (got "ten")`);
		expect(r.stdout).toBe("");
	});

	it("validate <file with YAML syntax error>: line and column", () => {
		const file = join(dir, "syntax.yaml");
		writeFileSync(file, "agents:\n  - count: 1\n   cpus: 2\n");
		expectCleanError(
			mesosim("validate", file),
			new RegExp(`^mesosim: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: invalid YAML`),
		);
	});

	it("run <missing file>: exit 2, 'scenario file not found'", () => {
		const r = mesosim("run", "examples/does-not-exist.yaml");
		expectCleanError(r, "mesosim: scenario file not found: examples/does-not-exist.yaml");
	});

	it("run --seed abc: exit 2, names the flag", () => {
		expectCleanError(
			mesosim("run", "--seed", "abc", "examples/quickstart.yaml"),
			'mesosim: invalid --seed "abc"',
		);
	});

	it("run --duration 5x: exit 2, names the flag", () => {
		expectCleanError(
			mesosim("run", "--duration", "5x", "examples/quickstart.yaml"),
			'mesosim: invalid --duration "5x"',
		);
	});

	it("unknown option and unknown command: exit 2", () => {
		expectCleanError(mesosim("run", "--bogus", "examples/quickstart.yaml"), "unknown option '--bogus'");
		expectCleanError(mesosim("frobnicate"), "unknown command 'frobnicate'");
	});

	it("validate <good file>: exit 0", () => {
		const r = mesosim("validate", "examples/quickstart.yaml");
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toBe("ok: quickstart, 1000 agents, 4 frameworks\n");
	});

	it("--version", () => {
		const r = mesosim("--version");
		expect(r.code).toBe(0);
		expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});
});

// Size limits (common/limits.ts): exit 2 naming the limit in validate, run and
// serve --scenario alike (not "ok", not an engine error, not "cannot listen").
describe("mesosim CLI size limits", () => {
	const dir = mkdtempSync(join(tmpdir(), "mesosim-limits-"));
	const big = join(dir, "big.yaml");
	writeFileSync(big, "agents:\n  - group: a\n    count: 10000000\n    cpus: 8\n    mem: 1024\n");

	it.each([["validate"], ["run"], ["serve", "--port", "0", "--scenario"]])(
		"%s with 10 million agents: exit 2 naming the limit",
		(...args) => {
			const r = mesosim(...args, big);
			expect(r.code, r.stderr).toBe(2);
			expect(r.stderr).toContain(
				'/agents: 10,000,000 agents in all (groups and timeline addAgents); the limit is 100,000 (docs/scenario.md "Limits")',
			);
			expect(r.stderr).not.toMatch(/cannot listen|internal error|^\s{4}at /m);
		},
	);

	it("run --agents 10000000: exit 2 naming the limit", () => {
		const r = mesosim("run", "--agents", "10000000", "--package", "jenkins");
		expect(r.code, r.stderr).toBe(2);
		expect(r.stderr).toContain("10,000,000 agents; the limit is 100,000");
	});
});
