/**
 * Explained decisions (docs/explain.md): the DRF paper's example step by step
 * from the records, `mesosim explain` and `run --trace` from the command line,
 * and their bad input.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CycleRecord, DecisionRecord } from "../../master/index.js";
import { main } from "../../sim/cli/main.js";
import { recordDecisions, runSimulation } from "../../sim/runner/index.js";
import { loadScenarioFile } from "../../sim/scenario/index.js";
import { captureCliIo } from "../helpers/cli-io.js";

const DRF = "examples/drf-paper.yaml";

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const { out, io } = captureCliIo();
	const code = await main(["node", "mesosim", ...args], io);
	return { code, ...out };
}

function drfRecords(): DecisionRecord[] {
	const records: DecisionRecord[] = [];
	runSimulation(loadScenarioFile(DRF), {
		onBuilt: (sim) => recordDecisions(sim, { write: (r) => records.push(r) }),
	});
	return records;
}

describe("the DRF paper's example, from the decision records", () => {
	// Ghodsi et al., NSDI 2011, section 4: <9 CPUs, 18 GB>; A's tasks <1 CPU, 4 GB> (dominant: memory,
	// 4/18 = 2/9 a task), B's <3 CPUs, 1 GB> (dominant: CPU, 3/9 = 1/3 a task). DRF offers the next
	// resources to the user with the lower dominant share; the paper's table ends at A 2/3, B 2/3.
	const records = drfRecords();
	const launches = records.filter((r) => r.kind === "answer" && r.task_ids.length > 0);
	const cycleOf = new Map<string, CycleRecord>();
	for (const r of records)
		if (r.kind === "cycle") for (const v of r.visits) for (const o of v.offers) cycleOf.set(o.offer_id, r);

	it("launches in the paper's order, each chosen at the paper's shares", () => {
		const steps = launches.map((a) => {
			if (a.kind !== "answer") throw new Error("not an answer");
			const visit = cycleOf.get(a.offer_ids[0]!)!.visits[0]!;
			const shares = Object.fromEntries(visit.roles.map((r) => [r.role, r.share]));
			return { framework: a.framework, a: shares.a!, b: shares.b! };
		});
		const expected = [
			{ framework: "A", a: 0, b: 0 },
			{ framework: "B", a: 2 / 9, b: 0 },
			{ framework: "A", a: 2 / 9, b: 1 / 3 },
			{ framework: "B", a: 4 / 9, b: 1 / 3 },
			{ framework: "A", a: 4 / 9, b: 2 / 3 },
		];
		expect(steps.map((s) => s.framework)).toEqual(expected.map((e) => e.framework));
		steps.forEach((s, i) => {
			expect(s.a).toBeCloseTo(expected[i]!.a, 5);
			expect(s.b).toBeCloseTo(expected[i]!.b, 5);
		});
	});

	it("passes the other role over only because the agent was empty by its turn", () => {
		for (const a of launches) {
			if (a.kind !== "answer") continue;
			const roles = cycleOf.get(a.offer_ids[0]!)!.visits[0]!.roles;
			expect(roles[0]!.verdict).toBe("OFFERED");
			expect(roles[0]!.frameworks.map((f) => f.framework)).toEqual([a.framework]);
			expect(roles.slice(1).map((r) => r.verdict)).toEqual(["NOTHING_LEFT"]);
			// The lower share goes first.
			expect(roles[0]!.share).toBeLessThanOrEqual(roles[1]!.share);
		}
	});

	it("ends with A at 3 tasks and B at 2, both at a dominant share of 2/3, and the rest declined as unfit", () => {
		const tasks = (name: string) =>
			launches
				.filter((a) => a.kind === "answer" && a.framework === name)
				.flatMap((a) => (a.kind === "answer" ? a.task_ids : []));
		expect(tasks("A")).toEqual(["A-0", "A-1", "A-2"]);
		expect(tasks("B")).toEqual(["B-0", "B-1"]);
		const last = records.filter((r): r is CycleRecord => r.kind === "cycle").at(-1)!;
		for (const role of last.visits[0]!.roles) expect(role.share).toBeCloseTo(2 / 3, 5);
		const unfit = records.filter((r) => r.kind === "reason" && r.reason === "DOES_NOT_FIT");
		expect(unfit.length).toBeGreaterThan(0);
		for (const r of unfit)
			if (r.kind === "reason")
				expect(r.detail).toMatch(/^a task needs \d+ cpus, \d+ MB mem; the offer has 0 cpus/);
	});
});

describe("mesosim explain", () => {
	it("explains one cycle with the shares of the DRF order", async () => {
		const r = await cli("explain", DRF, "--cycle", "4");
		expect(r.code).toBe(0);
		expect(r.stdout).toContain("Cycle 4 at 2s (DRF sorter): 1 agent visited, 1 offer made");
		expect(r.stdout).toMatch(/1\. a {2}share 0\.2222 {2}weight 1 → offered\n\s+A {2}share 0\.2222 → OFFERED/);
		expect(r.stdout).toMatch(/2\. b {2}share 0\.3333 {2}weight 1 → nothing left on the agent/);
		expect(r.stdout).toContain("offer O2 to A (role a): 5 cpus, 13312 MB mem");
	});

	it("explains why a task landed where it did: the offer, the order, the framework's answer and reason", async () => {
		const r = await cli("explain", DRF, "--task", "B-1");
		expect(r.code).toBe(0);
		expect(r.stdout).toContain("Task B-1 was launched by B at 3s with ACCEPT of O3.");
		expect(r.stdout).toContain(
			"Why role b: it came first in the order, with the lowest weighted dominant share (b share 0.3333; then a share 0.4444)",
		);
		expect(r.stdout).toContain(
			"B says: launched tasks from it — 1 task of 3 cpus, 1024 MB mem (at most 1 per offer)",
		);
	});

	it("explains an offer by its short id or its full id, the same way", async () => {
		const short = await cli("explain", DRF, "--offer", "O5");
		expect(short.code).toBe(0);
		expect(short.stdout).toContain("B's answer at 5s: DECLINE; no filter (refuse_seconds 0)");
		const json = await cli("explain", DRF, "--offer", "O5", "--json");
		const why = JSON.parse(json.stdout) as { offer: { offer_id: string } };
		const full = await cli("explain", DRF, "--offer", why.offer.offer_id);
		expect(full.stdout).toBe(short.stdout);
	});

	it("names what it cannot find, with a non-zero exit and no stack trace", async () => {
		const offer = await cli("explain", DRF, "--offer", "O999");
		expect(offer.code).toBe(2);
		expect(offer.stderr).toMatch(/offer O999 not found: the run made \d+ offers, O0 to O\d+/);
		const task = await cli("explain", DRF, "--task", "nope");
		expect(task.code).toBe(2);
		expect(task.stderr).toContain("task nope not found");
		const cycle = await cli("explain", DRF, "--cycle", "100000");
		expect(cycle.stderr).toMatch(/cycle 100000 not found: the run had \d+ cycles/);
		const fw = await cli("explain", DRF, "--framework", "C");
		expect(fw.code).toBe(2);
		expect(fw.stderr).toContain("invalid --framework");
		const two = await cli("explain", DRF, "--cycle", "1", "--offer", "O1");
		expect(two.code).toBe(2);
		expect(two.stderr).toContain("ask one thing at a time");
		for (const x of [offer, task, cycle, fw, two]) expect(x.stderr).not.toMatch(/\n\s+at /);
	});
});

describe("mesosim run --trace", () => {
	it("writes one JSON record a line: every cycle, answer and reason of the run", async () => {
		const dir = mkdtempSync(join(tmpdir(), "mesosim-trace-"));
		const file = join(dir, "drf.ndjson");
		const r = await cli("run", DRF, "--trace", file, "--quiet");
		expect(r.code).toBe(0);
		const lines = readFileSync(file, "utf8").trimEnd().split("\n");
		const records = lines.map((l) => JSON.parse(l) as DecisionRecord);
		expect(records).toEqual(drfRecords());
		expect(new Set(records.map((x) => x.kind))).toEqual(new Set(["cycle", "answer", "reason"]));
	});

	it("fails before the run when the file cannot be written", async () => {
		const r = await cli("run", DRF, "--trace", "/nonexistent-dir/x.ndjson");
		expect(r.code).toBe(1);
		expect(r.stderr).toContain("cannot write /nonexistent-dir/x.ndjson");
		expect(r.stdout).toBe("");
	});
});
