/**
 * `mesosim bench load` end to end on a tiny cluster (3 frameworks × 30 agents,
 * 2 s measured): the master child starts, the frameworks subscribe, accept,
 * decline and acknowledge, and the JSON report adds up. No timing is asserted
 * (benchmarks, not timed tests); only that the numbers are consistent.
 * Bad flags exit 2 with the flag named, before anything starts.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../sim/bench/load.js";

const ROOT = join(import.meta.dirname, "../..");

function mesosim(...args: string[]) {
	const r = spawnSync(process.execPath, ["bin/mesosim.js", ...args], {
		cwd: ROOT,
		encoding: "utf8",
		timeout: 120_000,
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("mesosim bench load", () => {
	it("runs and reports consistent numbers (--json -)", () => {
		const r = mesosim(
			"bench",
			"load",
			"--frameworks",
			"3",
			"--agents",
			"30",
			"--duration",
			"2s",
			"--command",
			"sleep 1",
			"--dashboards",
			"2",
			"--json",
			"-",
		);
		expect(r.code, r.stderr).toBe(0);
		const res = JSON.parse(r.stdout) as LoadResult;
		expect(res.frameworks).toBe(3);
		expect(res.agents).toBe(30);
		expect(res.callErrors).toBe(0);
		expect(res.resubscriptions).toBe(0);
		const byType = res.callsByType;
		expect(res.calls).toBe(Object.values(byType).reduce((a, b) => a + b, 0));
		// Every framework accepts one offer per OFFERS event and declines the rest.
		expect(byType.ACCEPT ?? 0).toBeGreaterThanOrEqual(3);
		expect(byType.DECLINE ?? 0).toBeGreaterThan(0);
		expect(byType.ACKNOWLEDGE ?? 0).toBeGreaterThan(0);
		expect(res.tasksLaunched).toBeGreaterThan(0);
		expect(res.offers).toBeGreaterThanOrEqual(res.tasksLaunched);
		expect(res.updates).toBeGreaterThan(0);
		const l = res.latencyMs;
		expect(l.p50).toBeGreaterThan(0);
		expect(l.p50).toBeLessThanOrEqual(l.p90);
		expect(l.p90).toBeLessThanOrEqual(l.p99);
		expect(l.p99).toBeLessThanOrEqual(l.max);
		expect(res.server.before.heapUsedMb).toBeGreaterThan(0);
		expect(res.server.end.atS).toBeGreaterThan(res.server.third.atS);
		// Reported; how many depends on how full the young generation gets (sim/runner/gc.ts).
		expect(Number.isInteger(res.server.idleScavenges)).toBe(true);
		// Two dashboards stayed on the live feed and received its frames while measuring.
		expect(res.dashboards.connected).toBe(2);
		expect(res.dashboards.bytesPerSecondEach).toBeGreaterThan(0);
	});

	it.each([
		[["--frameworks", "0"], "--frameworks"],
		[["--duration", "soon"], "--duration"],
		[["--agents", "1e9"], "--agents"],
		[["--dashboards", "-1"], "--dashboards"],
	])("rejects %j: exit 2, the flag named, no stack trace", (args, flag) => {
		const r = mesosim("bench", "load", ...args);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(flag);
		expect(r.stderr).not.toMatch(/^\s{4}at /m);
		expect(r.stdout).toBe("");
	});
});
