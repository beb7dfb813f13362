/**
 * Rules of the master, the agent registry and the framework registry
 * (master/master.ts, master/agent-registry.ts, master/framework-registry.ts)
 * that no test pinned before. Written from the survivors of the fifth
 * mutation run (its triage: one test per rule a surviving mutant broke).
 * Covers: ids drawn per scenario seed, one allocation timer, DRF shares
 * without the excluded resources, the master's counters, events to a
 * framework that is away, hosts rebooting and agents added while a host is
 * down, partitions of a deactivated agent, stale unreachable checks, agents
 * marked gone after (or while) they are out, one heartbeat chain per
 * subscription, SUBSCRIBE of a null call, the roles an empty list names, and
 * offer filters that stay with a role that stays suppressed.
 */
import { describe, expect, it } from "vitest";
import { metricsSnapshot } from "../../master/http/views/metrics.js";
import { AGENT_STATE, type Call, type FrameworkInfo } from "../../master/index.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";

const PA: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "PARTITION_AWARE" }];
const MULTI: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "MULTI_ROLE" }];

function setup(info: Partial<FrameworkInfo> = {}, count = 2) {
	const h = new Harness({ agents: [{ count, cpus: 4, mem: 4096, disk: 10_000 }] });
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return { h, f };
}

function stateOf(h: Harness, agentId: string): number | undefined {
	return h.master.cluster.state[h.master.cluster.indexOf(agentId)];
}

/** Launches tasks of 1 cpu on the agent at `local` (the rest of the offer refused for an hour). */
function launchOn(h: Harness, f: TestFramework, local: number, ids: string[]): string {
	const agentId = h.fleet.agentId(local)!;
	const o = f.offers().find((x) => x.agent_id.value === agentId)!;
	expect(
		f.launch(
			[o],
			ids.map((id) => task(id, o, { cpus: 1 })),
			3_600,
		).ok,
	).toBe(true);
	h.run(1_000);
	return agentId;
}

function failuresFor(f: TestFramework, agentId: string): number {
	return f.eventsOf("FAILURE").filter((e) => e.failure.agent_id?.value === agentId).length;
}

describe("the master (master.ts)", () => {
	it("headless runs draw the master's and streams' ids from the scenario seed: same seed same ids, another seed other ids", () => {
		const ids = (seed: number) => {
			const h = new Harness({ seed });
			const f = h.framework();
			f.subscribe();
			return [h.master.id, f.streamId];
		};
		expect(ids(1)).toEqual(ids(1));
		const [m1, s1] = ids(1);
		const [m2, s2] = ids(2);
		expect(m2).not.toBe(m1);
		expect(s2).not.toBe(s1);
	});

	it("a second start() changes nothing: one allocation run per allocation interval", () => {
		const h = new Harness();
		const runs = () => metricsSnapshot(h.master)["allocator/mesos/allocation_runs"]!;
		const before = runs();
		h.master.start();
		h.run(10_000);
		expect(runs() - before).toBe(10);
	});

	it("a SUBSCRIBE counts as a call of type SUBSCRIBE", () => {
		const { h, f } = setup();
		expect(h.master.metrics.callsByType.SUBSCRIBE).toBe(1);
		f.subscribe();
		expect(h.master.metrics.callsByType.SUBSCRIBE).toBe(2);
		expect(h.master.metrics.callsByType[""]).toBeUndefined();
	});

	it("a framework away within its failover timeout is sent nothing when its agent is lost; it learns by reconciling", () => {
		const { h, f } = setup({ failover_timeout: 3_600 });
		launchOn(h, f, 0, ["t1"]);
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_RUNNING");
		f.disconnect();
		const seen = f.events.length;
		h.fleet.crash(0, null);
		expect(() => h.run(10_000)).not.toThrow();
		expect(f.events.length).toBe(seen);
		expect(metricsSnapshot(h.master)["master/tasks_lost"]).toBe(1);
		// Back within its failover timeout, it asks and hears the task is lost.
		expect(f.subscribe().ok).toBe(true);
		const agent_id = { value: h.fleet.agentId(0)! };
		f.call({ type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "t1" }, agent_id }] } });
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_LOST");
	});

	describe("dominant share leaves out --fair_sharing_excluded_resource_names", () => {
		// Shares of the one task: cpus 0.5, mem 0.4, disk 0.3, gpus 0.2.
		const cases: [string[], number][] = [
			[[], 0.5],
			[["cpus"], 0.4],
			[["cpus", "mem"], 0.3],
			[["cpus", "mem", "disk"], 0.2],
			[["cpus", "mem", "disk", "gpus"], 0],
			[["mem", "disk", "gpus"], 0.5],
		];
		it.each(cases)("excluding %j: the share is %d", (excluded, share) => {
			const h = new Harness({
				agents: [{ count: 1, cpus: 4, mem: 4000, disk: 1000, gpus: 5 }],
				flags: { fairSharingExcludedResourceNames: excluded },
			});
			const f = h.framework();
			expect(f.subscribe({ capabilities: [{ type: "GPU_RESOURCES" }] }).ok).toBe(true);
			h.settle();
			const [o] = f.offers();
			expect(f.launch([o!], [task("t", o!, { cpus: 2, mem: 1600, disk: 300, gpus: 1 })], 3_600).ok).toBe(
				true,
			);
			h.run(1_000);
			expect(h.master.dominantShare(h.master.framework(f.id)!)).toBeCloseTo(share, 9);
		});
	});
});

describe("the master's counters count up", () => {
	it("agent registrations and removals (master/slave_registrations, master/slave_removals)", () => {
		const { h } = setup();
		const m = () => metricsSnapshot(h.master);
		expect(m()["master/slave_registrations"]).toBe(2);
		expect(m()["master/slave_removals"]).toBe(0);
		// A rebooted host registers anew and its old agent is removed.
		h.fleet.crash(0, 5_000);
		h.run(10_000);
		expect(m()["master/slave_registrations"]).toBe(3);
		expect(m()["master/slave_removals"]).toBe(1);
		// An unreachable agent is removed too.
		h.fleet.partition(1, 1_000_000);
		h.run(100_000);
		expect(m()["master/slave_removals"]).toBe(2);
	});

	it("framework subscriptions (master/messages_register_framework)", () => {
		const { h, f } = setup();
		expect(metricsSnapshot(h.master)["master/messages_register_framework"]).toBe(1);
		h.framework().subscribe({ name: "other" });
		f.subscribe();
		expect(metricsSnapshot(h.master)["master/messages_register_framework"]).toBe(3);
	});
});

describe("agents (agent-registry.ts)", () => {
	it("a host that reboots twice: each reboot replaces the agent it had just before, and nothing else", () => {
		const { h, f } = setup();
		const first = h.fleet.agentId(0)!;
		h.fleet.crash(0, 5_000);
		h.run(10_000);
		const second = h.fleet.agentId(0)!;
		expect(second).not.toBe(first);
		expect([stateOf(h, first), stateOf(h, second)]).toEqual([AGENT_STATE.REMOVED, AGENT_STATE.ACTIVE]);
		h.fleet.crash(0, 5_000);
		h.run(10_000);
		const third = h.fleet.agentId(0)!;
		expect([stateOf(h, first), stateOf(h, second), stateOf(h, third)]).toEqual([
			AGENT_STATE.REMOVED,
			AGENT_STATE.REMOVED,
			AGENT_STATE.ACTIVE,
		]);
		// Each removed agent is reported lost once.
		expect([failuresFor(f, first), failuresFor(f, second)]).toEqual([1, 1]);
		expect(h.master.cluster.activeCount).toBe(2);
	});

	it("a new agent registering while another host is down replaces nothing", () => {
		const { h } = setup();
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		h.fleet.crash(0, null);
		h.run(1_000);
		const { first } = h.fleet.addShape({ group: "late", count: 1, cpus: 4, mem: 4096, disk: 10_000 });
		expect(h.fleet.start(first)).toBe(true);
		h.run(1_000);
		const late = h.fleet.agentId(first)!;
		expect([stateOf(h, a0), stateOf(h, a1), stateOf(h, late)]).toEqual([
			AGENT_STATE.DISCONNECTED,
			AGENT_STATE.ACTIVE,
			AGENT_STATE.ACTIVE,
		]);
		expect(h.master.metrics.agentRemovals).toBe(0);
	});

	it("a task restored when a disconnected (never unreachable) agent reregisters is not said to come from an unreachable agent", () => {
		const { h, f } = setup();
		launchOn(h, f, 0, ["t1"]);
		h.fleet.restartProcess(0, 5_000, () => true);
		h.run(1_000);
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_LOST");
		h.run(5_000);
		expect(f.updates("t1").at(-1)).toMatchObject({
			state: "TASK_RUNNING",
			reason: "REASON_AGENT_REREGISTERED",
			message: "Unknown agent reregistered",
		});
	});

	it("a deactivated agent partitioned briefly comes back still deactivated (no offers)", () => {
		const { h, f } = setup();
		const agentId = h.fleet.agentId(0)!;
		expect(h.master.setAgentActive(agentId, false)).toBe(true);
		h.fleet.partition(0, 5_000);
		h.run(10_000);
		expect(h.fleet.isPartitioned(0)).toBe(false);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.DEACTIVATED);
		f.decline(f.offers(), 0);
		h.run(2_000);
		expect(f.offers().some((o) => o.agent_id.value === agentId)).toBe(false);
	});

	it("the host of an unreachable agent crashing leaves the agent unreachable", () => {
		const { h, f } = setup();
		const agentId = h.fleet.agentId(0)!;
		h.fleet.partition(0, 10_000_000);
		h.run(100_000);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.UNREACHABLE);
		const total = Array.from(h.master.allocator.total);
		h.fleet.crash(0, null);
		h.run(100_000);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.UNREACHABLE);
		expect(Array.from(h.master.allocator.total)).toEqual(total);
		expect(failuresFor(f, agentId)).toBe(1);
	});

	it("a link-down of an agent the master does not know leaves nothing pending on the engine", () => {
		const { h } = setup();
		const pending = h.engine.pending;
		h.master.agentLink("S-nope", false);
		expect(h.engine.pending).toBe(pending);
	});

	it("a partition healed and begun again: the agent is unreachable only after the pings of the second one run out", () => {
		const { h } = setup();
		const agentId = h.fleet.agentId(0)!;
		// Registered at 0: pings every 15 s; 5 missed pings after the next one make it unreachable.
		h.run(1_000);
		h.fleet.partition(0, 10_000); // down at 1 s (check due at 90 s), healed at 11 s
		h.run(60_000);
		expect(h.fleet.isPartitioned(0)).toBe(false);
		h.fleet.partition(0, 10_000_000); // down at 61 s: next ping at 75 s, unreachable at 150 s
		h.run(80_000); // 141 s
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.ACTIVE);
		h.run(10_000); // 151 s
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.UNREACHABLE);
	});

	it("an unreachable agent marked gone: its resources leave the totals once", () => {
		const { h, f } = setup({ capabilities: PA });
		const agentId = h.fleet.agentId(0)!;
		const one = Array.from(h.master.cluster.totalsOf(1));
		h.fleet.partition(0, 10_000_000);
		h.run(100_000);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.UNREACHABLE);
		expect(Array.from(h.master.allocator.total)).toEqual(one);
		expect(h.master.markAgentGone(agentId)).toBe(true);
		h.run(1_000);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.GONE);
		expect(Array.from(h.master.allocator.total)).toEqual(one);
		expect(h.master.cluster.activeCount).toBe(1);
		// FAILURE and the removal once: see master-agent-ops.test.ts for the tasks.
		expect(failuresFor(f, agentId)).toBe(1);
	});

	it("a partitioned agent marked gone stays gone when its pings run out: totals and FAILURE once", () => {
		const { h, f } = setup({ capabilities: PA });
		const agentId = h.fleet.agentId(0)!;
		const one = Array.from(h.master.cluster.totalsOf(1));
		h.fleet.partition(0, 10_000_000);
		h.run(1_000);
		expect(h.master.markAgentGone(agentId)).toBe(true);
		h.run(200_000);
		expect(stateOf(h, agentId)).toBe(AGENT_STATE.GONE);
		expect(Array.from(h.master.allocator.total)).toEqual(one);
		expect(failuresFor(f, agentId)).toBe(1);
	});
});

describe("frameworks (framework-registry.ts)", () => {
	it("SUBSCRIBE with a null call is answered 400, not thrown", () => {
		const { h } = setup();
		const invalid = h.master.metrics.invalidCalls;
		const res = h.master.subscribe(null as unknown as Call, { send: () => {}, close: () => {} });
		expect(res).toEqual({ ok: false, status: 400, message: "Expecting 'subscribe' to be present" });
		expect(h.master.metrics.invalidCalls - invalid).toBe(1);
	});

	it("observers hear 'added' for a first SUBSCRIBE and 'updated' for a resubscription", () => {
		const h = new Harness();
		const changes: string[] = [];
		const prev = h.master.observer;
		h.master.observer = {
			...prev,
			frameworkChanged: (fw, how) => {
				changes.push(how);
				prev.frameworkChanged?.(fw, how);
			},
		};
		const f = h.framework();
		expect(f.subscribe().ok).toBe(true);
		expect(changes).toEqual(["added"]);
		expect(f.subscribe().ok).toBe(true);
		expect(changes).toEqual(["added", "updated"]);
	});

	const heartbeatsAfter = (f: TestFramework, t: number) =>
		f
			.eventsOf("HEARTBEAT")
			.map((e) => f.timeOf(e))
			.filter((x) => x > t);

	it("a resubscription while connected (failover): one HEARTBEAT every 15 s, counted from the new SUBSCRIBED", () => {
		const { h, f } = setup({ failover_timeout: 60 });
		h.run(5_000);
		expect(f.subscribe().ok).toBe(true);
		h.run(60_000);
		expect(heartbeatsAfter(f, 5_000)).toEqual([20_000, 35_000, 50_000, 65_000]);
	});

	it("a resubscription after a disconnect: one HEARTBEAT every 15 s, none while away", () => {
		const { h, f } = setup({ failover_timeout: 60 });
		h.run(5_000);
		f.disconnect();
		h.run(20_000);
		expect(f.subscribe().ok).toBe(true);
		h.run(40_000);
		expect(heartbeatsAfter(f, 5_000)).toEqual([40_000, 55_000]);
	});

	it("REVIVE and SUPPRESS with roles: [] act on all the framework's roles", () => {
		const { h, f } = setup({ roles: ["a", "b"], capabilities: MULTI }, 1);
		expect(f.call({ type: "SUPPRESS", suppress: { roles: [] } }).ok).toBe(true);
		expect([...h.master.framework(f.id)!.suppressed].sort()).toEqual(["a", "b"]);
		f.decline(f.offers(), 0);
		h.run(5_000);
		expect(f.offers()).toHaveLength(0);
		expect(f.call({ type: "REVIVE", revive: { roles: [] } }).ok).toBe(true);
		expect([...h.master.framework(f.id)!.suppressed]).toEqual([]);
		h.run(1_000);
		expect(f.offers()).toHaveLength(1);
	});

	it("UPDATE_FRAMEWORK keeps the offer filters of a role that stays suppressed", () => {
		const info: Partial<FrameworkInfo> = { roles: ["a"], capabilities: MULTI };
		const { h, f } = setup(info, 1);
		const active = () => metricsSnapshot(h.master)["allocator/mesos/offer_filters/roles/a/active"];
		f.decline(f.offers(), 3_600);
		expect(active()).toBe(1);
		expect(f.call({ type: "SUPPRESS", suppress: { roles: ["a"] } }).ok).toBe(true);
		const framework_info = { user: "test", name: "test", ...info, id: { value: f.id } } as FrameworkInfo;
		const res = f.call({
			type: "UPDATE_FRAMEWORK",
			update_framework: { framework_info, suppressed_roles: ["a"] },
		});
		expect(res.ok).toBe(true);
		expect(active()).toBe(1);
	});

	it("a null entry or a null value in min_allocatable_resources is no minimum: subscribed, offered, nothing thrown", () => {
		const { f } = setup(
			{
				roles: ["a"],
				capabilities: MULTI,
				offer_filters: {
					a: { min_allocatable_resources: { quantities: [null, { quantities: { cpus: null } }] } },
				},
			} as unknown as Partial<FrameworkInfo>,
			1,
		);
		expect(f.offers()).toHaveLength(1);
	});
});
