/**
 * Size limits through the installed command: a scenario or flag over a limit
 * exits 2 with the limit and the value on stderr, in `validate`, `run` and
 * `serve --scenario` alike (not "ok", not an engine error, not "cannot listen").
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
