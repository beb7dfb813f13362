/**
 * The invariant checker itself (master/invariants.ts): the property tests and
 * `--check-invariants` trust it to speak up, so each rule is broken here on
 * purpose, by a forged offer or by corrupting the master's books, and the
 * violation it reports is read back.
 */
import { describe, expect, it } from "vitest";
import { AGENT_STATE, InvariantChecker } from "../../master/index.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";
import { forge } from "../helpers/master-probes.js";

function setup(info: Parameters<TestFramework["subscribe"]>[0] = {}) {
	const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }], checkInvariants: false });
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return { h, f, rec: h.master.framework(f.id)! };
}

/** Role q gets a limit of 3 cpus; the framework runs two 1-cpu tasks in it and declines the rest for an hour. */
function twoTasksUnderQuota(h: Harness, f: TestFramework): void {
	h.master.updateQuota("q", { cpus: 3 });
	h.run(1_000);
	const [o] = f.offers();
	f.launch([o!], [task("t1", o!, { cpus: 1 }), task("t2", o!, { cpus: 1 })], 3_600);
	h.run(1_000);
	f.decline(f.offers(), 3_600);
}

describe("InvariantChecker", () => {
	it("a correct run: nothing to report, whatever the checker sees", () => {
		const { h, f } = setup();
		const checker = new InvariantChecker(h.master);
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1 })], 0);
		h.run(5_000);
		expect(checker.check()).toBe(0);
		expect(checker.checkAll()).toBe(0);
		expect(checker.violations).toEqual([]);
		expect(checker.checked).toBe(2);
	});

	it("offers to a role not the framework's, a suppressed role, an inactive framework, an agent not active", () => {
		const { h, f, rec } = setup({
			roles: ["a", "b"],
			capabilities: [{ type: "MULTI_ROLE" }],
			failover_timeout: 60,
		});
		const checker = new InvariantChecker(h.master);
		const other = h.master.allocator.roleIndex("elsewhere");
		forge(h, { fw: rec, role: other });
		f.call({ type: "SUPPRESS", suppress: { roles: ["b"] } });
		forge(h, { fw: rec, role: rec.roleIdx[1]! });
		expect(checker.violations).toEqual([
			"offer forged: role elsewhere is not one of test's roles",
			"offer forged: role b is suppressed by test",
		]);
		checker.violations.length = 0;
		h.master.cluster.state[1] = AGENT_STATE.DEACTIVATED;
		forge(h, { fw: rec, agent: 1 });
		const agent1 = h.master.cluster.ids[1];
		expect(checker.violations).toEqual([`offer forged: agent ${agent1} is in state 3, not active`]);
		h.master.cluster.state[1] = AGENT_STATE.ACTIVE;
		checker.violations.length = 0;
		// Disconnected, within its failover timeout: inactive, not removed.
		f.disconnect();
		h.settle();
		expect([rec.active, rec.removed]).toEqual([false, false]);
		forge(h, { fw: rec });
		expect(checker.violations).toEqual(["offer forged: framework test is removed or inactive"]);
		// Removed (marked so by hand, still active): also reported.
		checker.violations.length = 0;
		const ghost = { ...rec, active: true, removed: true };
		forge(h, { fw: ghost });
		expect(checker.violations).toEqual(["offer forged: framework test is removed or inactive"]);
	});

	it("an offer past its role's quota limit, counting what the role held before the checker came", () => {
		const { h, f, rec } = setup({ role: "q" });
		// Two cpus in tasks, held before the checker is attached.
		twoTasksUnderQuota(h, f);
		const checker = new InvariantChecker(h.master);
		const first = forge(h, { fw: rec, q: Float64Array.of(1, 0, 0, 0) });
		expect(checker.violations).toEqual([]);
		const over = forge(h, { fw: rec, id: "over", q: Float64Array.of(0.5, 64, 0, 0) });
		expect(checker.violations).toEqual(["offer over: role q holds 3.5 cpus > quota limit 3"]);
		// A resource the offer does not add to is not blamed on it.
		checker.violations.length = 0;
		forge(h, { fw: rec, id: "mem-only", q: Float64Array.of(0, 64, 0, 0) });
		expect(checker.violations).toEqual([]);
		// What ends is no longer held.
		h.master.observer.offerEnded!(over, "declined");
		h.master.observer.offerEnded!(first, "declined");
		forge(h, { fw: rec, id: "fits", q: Float64Array.of(0.5, 0, 0, 0) });
		expect(checker.violations).toEqual([]);
	});

	it("tasks launched and ended while it watches count in what their role holds, and stop counting", () => {
		const { h, f, rec } = setup({ role: "q" });
		const checker = new InvariantChecker(h.master);
		twoTasksUnderQuota(h, f);
		forge(h, { fw: rec, id: "over", q: Float64Array.of(1.5, 0, 0, 0) });
		expect(checker.violations).toEqual(["offer over: role q holds 3.5 cpus > quota limit 3"]);
		checker.violations.length = 0;
		// No more real offers (they would count too).
		f.call({ type: "SUPPRESS" });
		f.call({ type: "KILL", kill: { task_id: { value: "t1" } } });
		h.run(1_000);
		expect(rec.tasks.get("t1")?.released ?? true).toBe(true);
		forge(h, { fw: rec, id: "fits", q: Float64Array.of(0.5, 0, 0, 0) });
		// Reported for the suppression only: 1 + 1.5 + 0.5 cpus are within the limit.
		expect(checker.violations).toEqual(["offer fits: role q is suppressed by test"]);
	});

	it("an agent's books that do not add up: negative, not the sum of offers or tasks, over-committed", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1, mem: 128 })], 3_600);
		h.run(1_000);
		const checker = new InvariantChecker(h.master);
		const cl = h.master.cluster;
		const a = cl.indexOf(o!.agent_id.value);
		const id = cl.ids[a];
		cl.allocated[0]![a] = 2;
		cl.offered[1]![a] = -64;
		cl.total[0]![a] = 1.5;
		expect(checker.check()).toBe(0); // only agents touched since the last check are looked at
		expect(checker.checkAll()).toBe(4);
		expect(checker.violations).toEqual([
			`agent ${id}: allocated cpus 2 != sum of tasks 1`,
			`agent ${id}: cpus over-committed (0 + 2 > 1.5)`,
			`agent ${id}: negative mem (offered -64, allocated 128)`,
			`agent ${id}: offered mem -64 != sum of offers 0`,
		]);
	});

	it("the master's own violations and added checks are reported once each, at most 1000 from added checks", () => {
		const { h } = setup();
		const checker = new InvariantChecker(h.master);
		h.master.violations.push("offer O1 ended twice");
		let n = 0;
		checker.addCheck(() => (n++ === 0 ? Array.from({ length: 1_500 }, (_, i) => `extra ${i}`) : []));
		expect(checker.check()).toBe(1_001);
		expect(checker.violations.at(0)).toBe("extra 0");
		expect(checker.violations.at(999)).toBe("extra 999");
		expect(checker.violations.at(-1)).toBe("offer O1 ended twice");
		expect(checker.check()).toBe(0);
	});
});
