/**
 * Agent and framework lifecycle (docs/mesos-rules.md §1 identifiers, §5): ids,
 * agent health (pings, unreachable, FAILURE, RESCIND), partitions healing,
 * crashes and reboots, bounded completed lists, operator actions.
 */
import { describe, expect, it } from "vitest";
import type { AgentShape } from "../../agents/index.js";
import { AGENT_STATE, type FrameworkInfo, type MasterFlags, type Offer } from "../../master/index.js";
import { Harness, scalar, type TestFramework, task } from "../helpers/harness.js";

const PA: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "PARTITION_AWARE" }];
const PING = 15_000;
const UNREACHABLE_AFTER = 5 * PING;

function harness(
	agents: (Partial<AgentShape> & { count: number })[],
	flags: Partial<MasterFlags> = {},
): Harness {
	return new Harness({ agents, flags });
}

function subscribe(h: Harness, info: Partial<FrameworkInfo> = {}): TestFramework {
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return f;
}

function stateOf(h: Harness, agentId: string): number {
	return h.master.cluster.state[h.master.cluster.indexOf(agentId)]!;
}

function offerOn(f: TestFramework, agentId: string): Offer {
	const o = f.offers().find((x) => x.agent_id.value === agentId);
	expect(o).toBeDefined();
	return o!;
}

function failures(f: TestFramework): [number, string | undefined][] {
	return f.eventsOf("FAILURE").map((e) => [f.timeOf(e), e.failure.agent_id?.value]);
}

describe("ids", () => {
	it("agents are <masterId>-S<n> and offers <masterId>-O<n>, numbered in order", () => {
		const h = harness([{ count: 3 }]);
		const m = h.master;
		expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		const ids = [0, 1, 2].map((i) => h.fleet.agentId(i));
		expect(ids).toEqual([`${m.id}-S0`, `${m.id}-S1`, `${m.id}-S2`]);
		const f = subscribe(h);
		f.decline(f.offers(), 0);
		h.run(1_000);
		const offerIds = f.eventsOf("OFFERS").flatMap((e) => e.offers.offers.map((o) => o.id.value));
		expect(offerIds.sort()).toEqual([0, 1, 2, 3, 4, 5].map((n) => `${m.id}-O${n}`));
	});
});

describe("agent health", () => {
	it("a partitioned agent becomes unreachable 75 s after its first missed ping, on its own ping schedule", () => {
		const h = harness([{ count: 1 }]);
		// A second agent registers 7 s later: its pings run at 7 s, 22 s, 37 s, …
		h.run(7_000);
		const { first } = h.fleet.addShape({ group: "late", count: 1, cpus: 4, mem: 4096, disk: 0 });
		h.fleet.start(first);
		h.run(13_000);
		const f = subscribe(h);
		expect(h.engine.now).toBe(20_000);
		const a0 = h.fleet.agentId(0)!;
		const a1 = h.fleet.agentId(first)!;
		h.fleet.partition(0, 100_000);
		h.fleet.partition(first, 100_000);
		h.run(100_000);
		const seen = new Map(failures(f).map(([t, id]) => [id, t]));
		expect(seen.size).toBe(2);
		// Each agent counts from its own schedule: the first ping after the
		// partition (20 s) is missed, at 30 s and at 22 s, and five ping
		// periods later the agent is unreachable.
		expect(seen.get(a0)).toBe(30_000 + UNREACHABLE_AFTER);
		expect(seen.get(a1)).toBe(22_000 + UNREACHABLE_AFTER);
		expect(h.master.metrics.agentsUnreachable).toBe(2);
	});

	it("unreachable: tasks UNREACHABLE (partition-aware) or LOST, offers rescinded, FAILURE to every framework", () => {
		const h = harness([{ count: 2, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const a1 = h.fleet.agentId(1)!;
		const pa = subscribe(h, { name: "pa", capabilities: PA });
		let o = offerOn(pa, a0);
		pa.launch([o], [task("p1", o, { cpus: 1, mem: 256 })], 3_600);
		pa.decline([offerOn(pa, a1)], 3_600);
		const np = subscribe(h, { name: "np" });
		o = offerOn(np, a0);
		np.launch([o], [task("n1", o, { cpus: 1, mem: 256 })], 3_600);
		np.decline([offerOn(np, a1)], 3_600);
		const by = subscribe(h, { name: "bystander" });
		const held = offerOn(by, a0);
		offerOn(by, a1);
		h.settle();
		expect(pa.updates("p1").map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);

		const t0 = h.engine.now;
		h.fleet.partition(0, 200_000);
		h.run(UNREACHABLE_AFTER + PING);
		const [fail] = failures(by);
		expect(fail).toBeDefined();
		const tu = fail![0];
		expect(tu - t0).toBeGreaterThanOrEqual(UNREACHABLE_AFTER);
		for (const f of [pa, np, by]) expect(failures(f)).toEqual([[tu, a0]]);
		expect(stateOf(h, a0)).toBe(AGENT_STATE.UNREACHABLE);

		const p = pa.updates("p1").at(-1)!;
		expect([p.state, p.reason, p.source, p.uuid]).toEqual([
			"TASK_UNREACHABLE",
			"REASON_AGENT_REMOVED",
			"SOURCE_MASTER",
			undefined,
		]);
		expect(p.unreachable_time?.nanoseconds).toBe(tu * 1e6);
		const n = np.updates("n1").at(-1)!;
		expect([n.state, n.reason, n.source, n.uuid]).toEqual([
			"TASK_LOST",
			"REASON_AGENT_REMOVED",
			"SOURCE_MASTER",
			undefined,
		]);
		const rescinds = by.eventsOf("RESCIND");
		expect(rescinds.map((e) => [by.timeOf(e), e.rescind.offer_id.value])).toEqual([[tu, held.id.value]]);
		expect(h.master.offersOnAgent(h.master.cluster.indexOf(a0)).size).toBe(0);
		// The agent's resources left the cluster totals.
		expect(h.master.allocator.total[0]).toBe(4);
		expect(h.violations()).toEqual([]);
	});

	it("after the partition heals the agent reregisters: every task comes back, partition-aware or not (Mesos 1.5+, MESOS-7215)", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const pa = subscribe(h, { name: "pa", capabilities: PA });
		let [o] = pa.offers();
		pa.launch([o!], [task("p1", o!, { cpus: 1, mem: 256 })], 3_600);
		h.run(1_000);
		const np = subscribe(h, { name: "np" });
		[o] = np.offers();
		np.launch([o!], [task("n1", o!, { cpus: 2, mem: 256 })], 3_600);
		h.settle();
		expect(h.fleet.liveTaskCount(0)).toBe(2);

		h.fleet.partition(0, 100_000);
		h.run(99_999);
		expect(stateOf(h, a0)).toBe(AGENT_STATE.UNREACHABLE);
		expect(h.master.framework(pa.id)!.tasks.has("p1")).toBe(false);
		expect(h.master.framework(np.id)!.tasks.has("n1")).toBe(false);
		expect(pa.updates("p1").at(-1)?.state).toBe("TASK_UNREACHABLE");
		expect(np.updates("n1").at(-1)?.state).toBe("TASK_LOST");
		pa.clearEvents();
		np.clearEvents();
		h.run(1);
		h.settle();
		expect(stateOf(h, a0)).toBe(AGENT_STATE.ACTIVE);
		// Both tasks are known again, running, and their resources are in use.
		for (const [fw, id] of [
			[pa, "p1"],
			[np, "n1"],
		] as const) {
			const t = h.master.framework(fw.id)!.tasks.get(id);
			expect(t?.state).toBe("TASK_RUNNING");
			expect(t?.released).toBe(false);
			// The framework hears the task's latest state from the master.
			const [u, ...more] = fw.updates(id);
			expect(more).toEqual([]);
			expect(u).toMatchObject({
				state: "TASK_RUNNING",
				source: "SOURCE_MASTER",
				reason: "REASON_AGENT_REREGISTERED",
				message: "Unreachable agent re-reregistered",
			});
			expect(
				h.master
					.framework(fw.id)!
					.completedTasks.items()
					.some((x) => x.id === id),
			).toBe(false);
			expect(
				h.master
					.framework(fw.id)!
					.unreachableTasks.items()
					.some((x) => x.id === id),
			).toBe(false);
		}
		expect(h.fleet.liveTaskCount(0)).toBe(2);
		expect(h.master.cluster.allocated[0]![0]).toBe(3);
		expect(h.master.allocator.total[0]).toBe(4);
		np.clearEvents();
		np.call({ type: "RECONCILE", reconcile: { tasks: [] } });
		expect(np.updates("n1").map((s) => s.state)).toEqual(["TASK_RUNNING"]);
		h.run(1_000);
		expect(h.violations()).toEqual([]);
	});

	it("after the partition heals, tasks of a framework torn down meanwhile are shut down on the agent", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const np = subscribe(h, { name: "np" });
		const [o] = np.offers();
		np.launch([o!], [task("n1", o!, { cpus: 2, mem: 256 })], 3_600);
		h.settle();
		h.fleet.partition(0, 100_000);
		h.run(90_000);
		expect(h.master.teardown(np.id)).toBe(true);
		h.run(10_000);
		h.settle();
		expect(h.fleet.liveTaskCount(0)).toBe(0);
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
		expect(h.violations()).toEqual([]);
	});

	it("a short partition (< 75 s) changes nothing; updates lost meanwhile arrive after it", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const f = subscribe(h, { capabilities: PA });
		const [o] = f.offers();
		f.launch([o!], [task("svc", o!, { cpus: 1 }), task("job", o!, { cpus: 1 }, "sleep 10")], 0);
		h.run(5_000);
		h.fleet.partition(0, 60_000);
		for (let k = 0; k < 60; k++) {
			h.run(1_000);
			expect(stateOf(h, a0)).toBe(AGENT_STATE.ACTIVE);
		}
		h.settle();
		expect(
			f
				.updates("job")
				.map((s) => [s.state, f.timeOf(f.events.find((e) => e.type === "UPDATE" && e.update.status === s)!)]),
		).toEqual([
			["TASK_STARTING", 0],
			["TASK_RUNNING", 0],
			["TASK_FINISHED", 65_000],
		]);
		h.run(200_000);
		expect(failures(f)).toEqual([]);
		expect(f.updates("svc").map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(h.master.framework(f.id)!.tasks.get("svc")!.state).toBe("TASK_RUNNING");
		expect(h.master.metrics.agentsUnreachable).toBe(0);
		expect(h.violations()).toEqual([]);
	});
});

describe("crashes and reboots", () => {
	function twoFrameworksOnAgent0() {
		const h = harness([{ count: 2, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const a1 = h.fleet.agentId(1)!;
		const ck = subscribe(h, { name: "ck", checkpoint: true, capabilities: PA });
		let o = offerOn(ck, a0);
		ck.launch([o], [task("c1", o, { cpus: 1 })], 3_600);
		ck.decline([offerOn(ck, a1)], 3_600);
		const nk = subscribe(h, { name: "nk" });
		o = offerOn(nk, a0);
		nk.launch([o], [task("k1", o, { cpus: 1 })], 3_600);
		nk.decline([offerOn(nk, a1)], 3_600);
		const by = subscribe(h, { name: "bystander" });
		const held = offerOn(by, a0);
		h.settle();
		return { h, a0, a1, ck, nk, by, held };
	}

	it("agentExited: offers rescinded and non-checkpointing tasks LOST at once; checkpointing ones when unreachable", () => {
		const { h, a0, ck, nk, by, held } = twoFrameworksOnAgent0();
		const t0 = h.engine.now;
		h.fleet.crash(0, null);
		h.settle();
		expect(stateOf(h, a0)).toBe(AGENT_STATE.DISCONNECTED);
		expect(by.eventsOf("RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([held.id.value]);
		const k = nk.updates("k1").at(-1)!;
		expect([k.state, k.reason, k.source]).toEqual([
			"TASK_LOST",
			"REASON_AGENT_DISCONNECTED",
			"SOURCE_MASTER",
		]);
		expect(ck.updates("c1").map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(h.master.cluster.allocated[0]![0]).toBe(1); // c1 still holds its cpu
		h.run(UNREACHABLE_AFTER - 1);
		expect(ck.updates("c1")).toHaveLength(2);
		expect(h.master.offersOnAgent(0).size).toBe(0); // a disconnected agent is not offered
		h.run(PING + 1);
		const c = ck.updates("c1").at(-1)!;
		expect([c.state, c.reason]).toEqual(["TASK_UNREACHABLE", "REASON_AGENT_REMOVED"]);
		const tu = failures(ck)[0]![0];
		expect(tu - t0).toBeGreaterThanOrEqual(UNREACHABLE_AFTER);
		expect(tu - t0).toBeLessThanOrEqual(UNREACHABLE_AFTER + PING);
		expect(failures(nk)).toEqual([[tu, a0]]);
		expect(h.violations()).toEqual([]);
	});

	it("a rebooted host registers as a new agent and the old one is removed", () => {
		const { h, a0, ck, nk, by } = twoFrameworksOnAgent0();
		const m = h.master;
		h.fleet.crash(0, 30_000);
		h.run(30_000);
		const fresh = h.fleet.agentId(0)!;
		expect(fresh).toBe(`${m.id}-S2`);
		expect(stateOf(h, a0)).toBe(AGENT_STATE.REMOVED);
		expect(stateOf(h, fresh)).toBe(AGENT_STATE.ACTIVE);
		const c = ck.updates("c1").at(-1)!;
		expect([c.state, c.reason]).toEqual(["TASK_GONE", "REASON_AGENT_RESTARTED"]);
		expect(failures(by)).toEqual([[30_000, a0]]);
		// The new agent is offered at once, with everything free.
		const atReboot = [ck, nk, by].flatMap((f) =>
			f
				.eventsOf("OFFERS")
				.filter((e) => f.timeOf(e) === 30_000)
				.flatMap((e) => e.offers.offers),
		);
		expect(atReboot.map((x) => [x.agent_id.value, scalar(x, "cpus")])).toEqual([[fresh, 4]]);
		expect(m.allocator.total[0]).toBe(8);
		// The old agent's health check finds it already gone: no second FAILURE.
		h.run(120_000);
		expect(failures(by)).toHaveLength(1);
		expect(h.violations()).toEqual([]);
	});
});

describe("bounded history", () => {
	it("completed frameworks keep the newest maxCompletedFrameworks", () => {
		const h = harness([{ count: 1 }], { maxCompletedFrameworks: 2 });
		const ids: string[] = [];
		for (let k = 0; k < 3; k++) {
			const f = subscribe(h, { name: `f${k}` });
			ids.push(f.id);
			f.call({ type: "TEARDOWN" });
			h.settle();
		}
		expect(h.master.completedFrameworks.items().map((f) => f.id)).toEqual(ids.slice(1));
		expect(h.master.completedFrameworks.size).toBe(2);
	});

	it("completed tasks per framework keep the newest maxCompletedTasksPerFramework", () => {
		const h = harness([{ count: 1, cpus: 8, mem: 8192 }], { maxCompletedTasksPerFramework: 3 });
		const f = subscribe(h);
		const [o] = f.offers();
		const tasks = [1, 2, 3, 4, 5].map((k) => task(`t${k}`, o!, { cpus: 1 }, `sleep ${k}`));
		f.launch([o!], tasks);
		h.run(6_000);
		const fw = h.master.framework(f.id)!;
		expect(fw.tasks.size).toBe(0);
		expect(fw.completedTasks.items().map((t) => t.id)).toEqual(["t3", "t4", "t5"]);
	});
});

describe("operator actions", () => {
	it("markAgentGone: tasks GONE_BY_OPERATOR (partition-aware) or LOST, offers rescinded, tasks shut down", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const pa = subscribe(h, { name: "pa", capabilities: PA });
		let [o] = pa.offers();
		pa.launch([o!], [task("p1", o!, { cpus: 1 })], 3_600);
		h.run(1_000);
		const np = subscribe(h, { name: "np" });
		[o] = np.offers();
		np.launch([o!], [task("n1", o!, { cpus: 1 })], 0);
		h.run(1_000);
		const held = np.offers().concat(pa.offers());
		expect(held).toHaveLength(1);
		expect(h.master.markAgentGone(a0)).toBe(true);
		expect(h.master.markAgentGone(a0)).toBe(false);
		h.settle();
		expect(
			pa
				.updates("p1")
				.map((s) => [s.state, s.reason])
				.at(-1),
		).toEqual(["TASK_GONE_BY_OPERATOR", "REASON_AGENT_REMOVED_BY_OPERATOR"]);
		expect(
			np
				.updates("n1")
				.map((s) => [s.state, s.reason])
				.at(-1),
		).toEqual(["TASK_LOST", "REASON_AGENT_REMOVED_BY_OPERATOR"]);
		const rescinded = [...pa.eventsOf("RESCIND"), ...np.eventsOf("RESCIND")].map(
			(e) => e.rescind.offer_id.value,
		);
		expect(rescinded).toEqual([held[0]!.id.value]);
		expect(failures(pa).map(([, id]) => id)).toEqual([a0]);
		expect(h.fleet.liveTaskCount(0)).toBe(0);
		expect(stateOf(h, a0)).toBe(AGENT_STATE.GONE);
		h.run(5_000);
		expect(h.master.outstandingOffers).toBe(0);
		expect(h.violations()).toEqual([]);
	});

	it("setAgentActive(false) rescinds the agent's offers and stops them; (true) offers it again at once", () => {
		const h = harness([{ count: 1, cpus: 4, mem: 4096 }]);
		const a0 = h.fleet.agentId(0)!;
		const f = subscribe(h);
		const [o] = f.offers();
		f.launch([o!], [task("t", o!, { cpus: 1 })], 0);
		h.run(1_000);
		const [second] = f.offers();
		expect(second).toBeDefined();
		expect(h.master.setAgentActive(a0, false)).toBe(true);
		expect(f.eventsOf("RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([second!.id.value]);
		h.run(5_500);
		expect(h.master.outstandingOffers).toBe(0);
		expect(h.master.framework(f.id)!.tasks.get("t")!.state).toBe("TASK_RUNNING");
		expect(h.master.setAgentActive(a0, true)).toBe(true);
		h.settle();
		const last = f.eventsOf("OFFERS").at(-1)!;
		expect(f.timeOf(last)).toBe(6_500);
		expect(last.offers.offers.map((x) => x.agent_id.value)).toEqual([a0]);
		expect(h.violations()).toEqual([]);
	});
});
