/**
 * Each reason a decision record gives is given where it applies: one small
 * cluster per reason, recorded from its first cycle. (The property test in
 * test/property/decisions.test.ts checks that every reason given is true; these
 * check that the reason is there at all, on each path the allocator takes.)
 */
import { describe, expect, it } from "vitest";
import type { AgentShape } from "../../agents/index.js";
import type { AllocatorChecks } from "../../master/allocator/types.js";
import type {
	AgentVisit,
	CycleRecord,
	DecisionRecord,
	FrameworkInfo,
	MasterFlags,
} from "../../master/index.js";
import { Harness } from "../helpers/harness.js";

type Agents = (Partial<AgentShape> & { count: number })[];

interface Setup {
	agents: Agents;
	flags?: Partial<MasterFlags>;
	checks?: Partial<AllocatorChecks>;
	quota?: [string, Record<string, number>];
	framework: Partial<FrameworkInfo>;
}

/** Records `h`'s decisions from now on; returns the cycles recorded so far, when called. */
function recordCycles(h: Harness): () => CycleRecord[] {
	const records: DecisionRecord[] = [];
	h.master.recordDecisions({ write: (r) => records.push(r) });
	return () => records.filter((r): r is CycleRecord => r.kind === "cycle");
}

function visitsOf(cycles: CycleRecord[]): AgentVisit[] {
	return cycles.flatMap((c) => c.visits);
}

/** The visits of the first cycle that visited anything, with a recorder on from the start. */
function firstVisits(setup: Setup): AgentVisit[] {
	const h = new Harness({
		agents: setup.agents,
		flags: setup.flags ?? {},
		checks: setup.checks ?? {},
	});
	const cycles = recordCycles(h);
	if (setup.quota) h.master.updateQuota(...setup.quota);
	expect(h.framework().subscribe(setup.framework).ok).toBe(true);
	h.settle();
	h.run(2_000);
	const cycle = cycles().find((c) => c.visits.length > 0);
	expect(cycle).toBeDefined();
	return cycle!.visits;
}

const NO_PORTS: Agents = [{ count: 1, cpus: 2, mem: 2048, disk: 0, ports: [] }];

describe("decision records give the reason on every path", () => {
	it("a GPU agent passes over a framework without GPU_RESOURCES", () => {
		const [visit] = firstVisits({ agents: [{ count: 1, gpus: 1 }], framework: { role: "a" } });
		expect(visit!.offers).toEqual([]);
		expect(visit!.roles.map((r) => [r.role, r.verdict, r.frameworks.map((f) => f.verdict)])).toEqual([
			["a", "NO_FRAMEWORK", ["GPU_CAPABILITY"]],
		]);
	});

	it("an agent below min_allocatable passes over the framework", () => {
		const [visit] = firstVisits({
			agents: [{ count: 1, cpus: 1, mem: 512 }],
			flags: { minAllocatable: [{ cpus: 2 }] },
			framework: { role: "a" },
		});
		expect(visit!.offers).toEqual([]);
		expect(visit!.roles[0]!.frameworks.map((f) => f.verdict)).toEqual(["MIN_ALLOCATABLE"]);
	});

	// A role whose quota limit is 0 cpus and 0 MB is skipped on an agent
	// without ports before any framework is tried (the shortcut), whichever
	// walk over the roles the allocator takes.
	it.each([
		["the live role order", {}],
		["a snapshot of the role order", { roleWalk: "snapshot" as const }],
	])("a role at its quota limit is skipped with QUOTA_LIMIT (%s)", (_n, checks) => {
		const [visit] = firstVisits({
			agents: NO_PORTS,
			checks,
			quota: ["a", { cpus: 0, mem: 0, disk: 0 }],
			framework: { role: "a" },
		});
		expect(visit!.offers).toEqual([]);
		expect(visit!.roles.map((r) => [r.role, r.verdict, r.frameworks])).toEqual([["a", "QUOTA_LIMIT", []]]);
	});

	// One framework holds the offer of the only agent; then the agent is
	// visited again: with nothing free, or after it was deactivated.
	it.each([
		["AGENT_EMPTY", (h: Harness) => h.master.updateQuota("other", { cpus: 1 })],
		["AGENT_NOT_ACTIVE", (h: Harness) => h.master.setAgentActive(h.master.cluster.ids[0]!, false)],
	])("a visited agent is skipped with %s", (reason, change) => {
		const h = new Harness({ agents: [{ count: 1 }] });
		expect(h.framework().subscribe({ role: "a" }).ok).toBe(true);
		h.settle();
		const cycles = recordCycles(h);
		change(h);
		h.run(1_000);
		const visits = visitsOf(cycles());
		expect(visits.map((v) => [v.skipped, v.offers.length])).toEqual([[reason, 0]]);
	});

	it("names the role whose quota limit capped an offer, and only then", () => {
		const capped = firstVisits({ agents: NO_PORTS, quota: ["a", { cpus: 1 }], framework: { role: "a" } });
		expect(capped[0]!.roles.map((r) => [r.verdict, r.capped_by, r.offerable?.cpus])).toEqual([
			["OFFERED", "a", 1],
		]);
		const roomy = firstVisits({ agents: NO_PORTS, quota: ["a", { cpus: 100 }], framework: { role: "a" } });
		expect(roomy[0]!.roles.map((r) => [r.verdict, r.capped_by, r.offerable?.cpus])).toEqual([
			["OFFERED", undefined, 2],
		]);
		const byParent = firstVisits({
			agents: NO_PORTS,
			flags: { hierarchicalQuota: true },
			quota: ["q", { cpus: 1 }],
			framework: { role: "q/r" },
		});
		expect(byParent[0]!.roles.map((r) => [r.role, r.verdict, r.capped_by, r.offerable?.cpus])).toEqual([
			["q/r", "OFFERED", "q", 1],
		]);
	});

	it("gives the offered framework's share before the offer", () => {
		// One framework, two agents of 2 cpus: the second offer finds it at half the cluster.
		const visits = firstVisits({
			agents: [{ count: 2, cpus: 2, mem: 2048, disk: 0 }],
			framework: { role: "a" },
		});
		expect(visits.map((v) => v.roles[0]!.frameworks.map((f) => [f.verdict, f.share]))).toEqual([
			[["OFFERED", 0]],
			[["OFFERED", 0.5]],
		]);
	});

	it("a role whose only framework suppressed its offers is not tried; the framework is listed as ineligible", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const recorded = recordCycles(h);
		expect(h.framework().subscribe({ role: "a" }, ["a"]).ok).toBe(true);
		h.settle();
		h.run(1_000);
		const cycles = recorded();
		const visits = visitsOf(cycles);
		expect(visits.length).toBeGreaterThan(0);
		expect(visits.map((v) => [v.roles, v.offers])).toEqual(visits.map(() => [[], []]));
		expect(cycles.at(-1)!.ineligible.map((i) => [i.role, i.reason])).toEqual([["a", "ROLE_SUPPRESSED"]]);
	});

	it("a role whose last framework left is not tried any more", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const f = h.framework();
		expect(f.subscribe({ role: "a" }).ok).toBe(true);
		h.settle();
		expect(f.call({ type: "TEARDOWN" }).ok).toBe(true);
		const cycles = recordCycles(h);
		h.master.updateQuota("other", { cpus: 1 }); // every agent is visited again
		h.run(1_000);
		const visits = visitsOf(cycles());
		expect(visits.length).toBeGreaterThan(0);
		expect(visits.map((v) => v.roles)).toEqual(visits.map(() => []));
	});
});
