/** The chameleon's CLI surface: scenarios from flags and the package catalog. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function mesosim(...args: string[]) {
	const r = spawnSync(process.execPath, ["bin/mesosim.js", ...args], { encoding: "utf8", timeout: 120_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("mesosim package / run --package", () => {
	it("lists every catalog entry", () => {
		const r = mesosim("package", "list", "--json");
		expect(r.code).toBe(0);
		const names = (JSON.parse(r.out) as { name: string }[]).map((p) => p.name);
		for (const n of [
			"marathon",
			"chronos",
			"metronome",
			"spark",
			"hadoop",
			"hdfs",
			"cassandra",
			"kafka",
			"elastic",
		]) {
			expect(names).toContain(n);
		}
		for (const n of ["jenkins", "kubernetes", "kubernetes-legacy", "storm", "aurora", "mpi", "crashy"]) {
			expect(names).toContain(n);
		}
	});

	it("describes a package and suggests close matches for a typo", () => {
		const ok = mesosim("package", "describe", "hdfs", "--json");
		expect(ok.code).toBe(0);
		const d = JSON.parse(ok.out) as { groups: { name: string }[] };
		expect(d.groups.map((g) => g.name)).toEqual(expect.arrayContaining(["journal", "name", "data"]));
		const bad = mesosim("package", "describe", "hfds");
		expect(bad.code).toBe(2);
		expect(bad.err).toContain('unknown package "hfds"');
		expect(bad.err).toContain("hdfs");
		expect(bad.err).not.toMatch(/\n\s+at /);
	});

	it("runs packages, an alias and a bare pattern from flags", () => {
		const r = mesosim(
			"run",
			"--agents",
			"30",
			"--package",
			"marathon",
			"--package",
			"marathon:web2",
			"--pattern",
			"poissonBatch:etl",
			"--duration",
			"5m",
			"--json",
			"-",
		);
		expect(r.err).toBe("");
		expect(r.code).toBe(0);
		const report = JSON.parse(r.out) as {
			cluster: { agents: number };
			frameworks: { name: string; tasks: { running: number } }[];
		};
		expect(report.cluster.agents).toBe(30);
		expect(report.frameworks.map((f) => f.name)).toEqual(["marathon", "web2", "etl"]);
		// Marathon's catalog entry keeps 3 instances running.
		expect(report.frameworks[0]!.tasks.running).toBe(3);
		expect(report.frameworks[1]!.tasks.running).toBe(3);
	});

	it("rejects a file together with --package, and --package without --agents", () => {
		const both = mesosim("run", "examples/drf-paper.yaml", "--agents", "3", "--package", "marathon");
		expect(both.code).toBe(2);
		expect(both.err).toContain("not both");
		const noAgents = mesosim("run", "--package", "marathon");
		expect(noAgents.code).toBe(2);
		expect(noAgents.err).toContain("--agents");
		const badPkg = mesosim("run", "--agents", "3", "--package", "kuberntes");
		expect(badPkg.code).toBe(2);
		expect(badPkg.err).toContain("kubernetes");
	});
});
