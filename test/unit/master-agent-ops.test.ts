/**
 * The master's side of agents (master/agent-registry.ts) in the cases the
 * lifecycle tests do not reach: reregistration of an agent the master
 * refuses (marked gone, removed) or does not know, and the operator's
 * DEACTIVATE / REACTIVATE / DRAIN / MARK_AGENT_GONE from every state.
 * The harnesses here run without the invariant checker, so the master must
 * work with an observer that has no agentChanged.
 */
import { describe, expect, it, vi } from "vitest";
import { AGENT_STATE, type FrameworkInfo } from "../../master/index.js";
import type { AgentEndpoint, AgentSpec, ReportedTask } from "../../master/protocol/agent.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";

const PA: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "PARTITION_AWARE" }];

function setup(info: Partial<FrameworkInfo> = {}, count = 2) {
	const h = new Harness({ agents: [{ count, cpus: 4, mem: 4096 }], checkInvariants: false });
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return { h, f };
}

/** An endpoint that records what the master tells it. */
function fakeEndpoint() {
	return {
		registered: vi.fn(),
		runTask: vi.fn(),
		killTask: vi.fn(),
		acknowledge: vi.fn(),
		shutdownFramework: vi.fn(),
		frameworkMessage: vi.fn(),
	} satisfies AgentEndpoint;
}

const SPEC: AgentSpec = {
	hostname: "elsewhere",
	cpus: 2,
	mem: 1024,
	disk: 1000,
	gpus: 0,
	ports: [{ begin: 31_000, end: 31_100 }],
	attributes: [],
};

function reported(frameworkId: string, id: string): ReportedTask {
	return {
		frameworkId,
		state: "TASK_RUNNING",
		task: {
			name: id,
			task_id: { value: id },
			agent_id: { value: "x" },
			resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }],
			command: { value: "true" },
		},
	} as ReportedTask;
}

function launchOn(h: Harness, f: TestFramework, local: number, ids: string[]): string {
	const agentId = h.fleet.agentId(local)!;
	const o = f.offers().find((x) => x.agent_id.value === agentId)!;
	f.launch(
		[o],
		ids.map((id) => task(id, o, { cpus: 1 })),
		3_600,
	);
	h.run(1_000);
	return agentId;
}

describe("reregistration the master refuses", () => {
	it("an agent marked gone: told to shut down its frameworks; it stays gone, its tasks stay gone", () => {
		const { h, f } = setup({ capabilities: PA });
		const agentId = launchOn(h, f, 0, ["t1"]);
		h.fleet.partition(0, 30_000);
		expect(h.master.markAgentGone(agentId)).toBe(true);
		h.settle();
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_GONE_BY_OPERATOR");
		const before = h.master.metrics.agentReregistrations;
		h.run(30_000);
		expect(h.master.metrics.agentReregistrations - before).toBe(1);
		// The fleet's agent dropped the framework's tasks when told to; one that still
		// reports them is told again.
		const ep = fakeEndpoint();
		h.master.reregisterAgent(ep, 3, agentId, SPEC, [reported(f.id, "t1")]);
		h.settle();
		expect(ep.shutdownFramework.mock.calls).toEqual([[3, f.id]]);
		expect(ep.registered).not.toHaveBeenCalled();
		const a = h.master.cluster.indexOf(agentId);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.GONE);
		expect(h.master.framework(f.id)!.tasks.has("t1")).toBe(false);
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_GONE_BY_OPERATOR");
	});

	it("an agent replaced after its host rebooted: refused the same way, nothing of it comes back", () => {
		const { h, f } = setup();
		const old = h.fleet.agentId(0)!;
		h.fleet.crash(0, 5_000);
		h.run(10_000);
		const a = h.master.cluster.indexOf(old);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.REMOVED);
		const ep = fakeEndpoint();
		h.master.reregisterAgent(ep, 7, old, SPEC, [reported(f.id, "ghost")]);
		h.settle();
		expect(ep.shutdownFramework.mock.calls).toEqual([[7, f.id]]);
		expect(ep.registered).not.toHaveBeenCalled();
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.REMOVED);
		expect(h.master.framework(f.id)!.tasks.has("ghost")).toBe(false);
		expect(h.master.cluster.activeCount).toBe(2);
	});
});

describe("reregistration of an agent the master does not know", () => {
	it("is added as it reports itself; its tasks come back, those of unknown frameworks are shut down", () => {
		const { h, f } = setup({ capabilities: PA });
		const ep = fakeEndpoint();
		h.master.reregisterAgent(ep, 9, "S-new", SPEC, [reported(f.id, "back"), reported("F-unknown", "orphan")]);
		h.settle();
		const a = h.master.cluster.indexOf("S-new");
		expect(a).toBeGreaterThanOrEqual(0);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.ACTIVE);
		expect(h.master.cluster.totalsOf(a)).toEqual([2, 1024, 1000, 0]);
		expect(ep.registered.mock.calls).toEqual([[9, "S-new"]]);
		expect(ep.shutdownFramework.mock.calls).toEqual([[9, "F-unknown"]]);
		expect(f.updates("back").at(-1)).toMatchObject({
			state: "TASK_RUNNING",
			reason: "REASON_AGENT_REREGISTERED",
			message: "Unknown agent reregistered",
			agent_id: { value: "S-new" },
		});
		expect(h.master.cluster.allocated[0]![a]).toBe(1);
	});
});

describe("operator calls on agents, from every state", () => {
	it("DEACTIVATE and REACTIVATE: idempotent, unknown agents refused, agents out of the cluster refused", () => {
		const { h, f } = setup();
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		const m = h.master;
		const state = (id: string) => m.cluster.state[m.cluster.indexOf(id)];
		expect(m.offersOnAgent(0).size).toBe(1);
		expect(m.setAgentActive(a0, false)).toBe(true);
		expect([state(a0), m.offersOnAgent(0).size]).toEqual([AGENT_STATE.DEACTIVATED, 0]);
		expect(m.setAgentActive(a0, false)).toBe(true);
		expect(m.setAgentActive(a0, true)).toBe(true);
		expect(state(a0)).toBe(AGENT_STATE.ACTIVE);
		expect(m.setAgentActive(a0, true)).toBe(true);
		// Offered again after reactivation.
		f.decline(f.offers(), 0);
		h.run(2_000);
		expect(f.offers().some((o) => o.agent_id.value === a0)).toBe(true);
		expect(m.setAgentActive("S-nope", false)).toBe(false);
		expect(m.setAgentActive("S-nope", true)).toBe(false);
		// A draining agent can be deactivated, and reactivated (which ends the drain).
		expect(m.drainAgent(a1)).toBe(true);
		expect(m.setAgentActive(a1, false)).toBe(true);
		expect(state(a1)).toBe(AGENT_STATE.DEACTIVATED);
		expect(m.drainAgent(a1)).toBe(true);
		expect(m.setAgentActive(a1, true)).toBe(true);
		expect(state(a1)).toBe(AGENT_STATE.ACTIVE);
		expect(m.markAgentGone(a1)).toBe(true);
		expect(m.setAgentActive(a1, true)).toBe(false);
		expect(m.setAgentActive(a1, false)).toBe(false);
		expect(state(a1)).toBe(AGENT_STATE.GONE);
	});

	it("DRAIN: live tasks killed through the agent, finished ones not; refused for unknown agents and agents out", () => {
		const { h, f } = setup();
		const agentId = launchOn(h, f, 0, ["t1", "t2", "t3"]);
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t3" }, agent_id: { value: agentId } } });
		h.run(1_000);
		const kills = vi.spyOn(h.fleet, "killTask");
		expect(h.master.drainAgent(agentId)).toBe(true);
		h.settle();
		expect(kills.mock.calls.map((c) => c[2]).sort()).toEqual(["t1", "t2"]);
		expect(h.master.cluster.state[0]).toBe(AGENT_STATE.DRAINING);
		expect(f.updates("t1").at(-1)!.state).toBe("TASK_KILLED");
		// Draining again is fine; an unknown agent or one marked gone is refused.
		expect(h.master.drainAgent(agentId)).toBe(true);
		expect(h.master.drainAgent("S-nope")).toBe(false);
		const other = h.fleet.agentId(1)!;
		expect(h.master.markAgentGone(other)).toBe(true);
		expect(h.master.drainAgent(other)).toBe(false);
	});

	it("MARK_AGENT_GONE: once; the agent is told to shut down every framework", () => {
		const { h, f } = setup();
		const g = h.framework();
		expect(g.subscribe({ name: "second" }).ok).toBe(true);
		const agentId = h.fleet.agentId(0)!;
		const shutdowns = vi.spyOn(h.fleet, "shutdownFramework");
		expect(h.master.markAgentGone(agentId)).toBe(true);
		h.settle();
		expect(shutdowns.mock.calls.map((c) => c[1]).sort()).toEqual([f.id, g.id].sort());
		expect(h.master.markAgentGone(agentId)).toBe(false);
		expect(h.master.markAgentGone("S-nope")).toBe(false);
	});

	it("an unknown agent's exit or link change is ignored; a second exit changes nothing", () => {
		const { h } = setup();
		h.master.agentExited("S-nope");
		h.master.agentLink("S-nope", false);
		const agentId = h.fleet.agentId(0)!;
		h.master.agentExited(agentId);
		h.master.agentExited(agentId);
		expect(h.master.cluster.state[0]).toBe(AGENT_STATE.DISCONNECTED);
		expect(h.master.cluster.disconnectedCount).toBe(1);
	});

	it.each(["deactivated", "draining"] as const)(
		"a %s agent whose host crashes is disconnected like any other; its reboot replaces it",
		(how) => {
			const { h, f } = setup();
			const agentId = launchOn(h, f, 0, ["t1"]);
			if (how === "deactivated") expect(h.master.setAgentActive(agentId, false)).toBe(true);
			else expect(h.master.drainAgent(agentId)).toBe(true);
			h.settle();
			h.fleet.crash(0, 5_000);
			h.settle();
			const a = h.master.cluster.indexOf(agentId);
			expect(h.master.cluster.state[a]).toBe(AGENT_STATE.DISCONNECTED);
			h.run(10_000);
			expect(h.master.cluster.state[a]).toBe(AGENT_STATE.REMOVED);
			expect(h.fleet.agentId(0)).not.toBe(agentId);
			expect(h.master.framework(f.id)!.tasks.has("t1")).toBe(false);
			expect(h.master.tasksOnAgent(a).size).toBe(0);
		},
	);

	it("two hosts down, one reboots: only the agent of that host is replaced", () => {
		const { h } = setup();
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		h.fleet.crash(0, null);
		h.fleet.crash(1, 5_000);
		h.run(10_000);
		const state = (id: string) => h.master.cluster.state[h.master.cluster.indexOf(id)];
		expect([state(a0), state(a1)]).toEqual([AGENT_STATE.DISCONNECTED, AGENT_STATE.REMOVED]);
	});

	it("an agent back after a restart counts once in the cluster's totals", () => {
		const { h, f } = setup({ checkpoint: true });
		launchOn(h, f, 0, ["t1"]);
		const before = h.master.dominantShare(h.master.framework(f.id)!);
		h.fleet.restartProcess(0, 5_000, () => true);
		h.run(5_000);
		h.settle();
		expect(h.master.cluster.state[0]).toBe(AGENT_STATE.ACTIVE);
		expect(h.master.dominantShare(h.master.framework(f.id)!)).toBeCloseTo(before, 9);
	});

	it("a partitioned agent whose host then crashes is unreachable when the partition's pings run out", () => {
		// The crash's connection drop finds the link already down: the check the
		// partition armed still stands (it used to be cancelled, and the agent
		// stayed disconnected for ever, its tasks running in the master's books).
		const { h, f } = setup({ checkpoint: true });
		const agentId = launchOn(h, f, 0, ["t1"]);
		const a = h.master.cluster.indexOf(agentId);
		const start = h.engine.now;
		const registeredAt = h.master.cluster.registeredAt[a]!;
		h.fleet.partition(0, 10_000_000);
		h.run(20_000);
		h.fleet.crash(0, null);
		// Pings every 15 s from registration; the first one after the partition is
		// missed, and five periods later the agent is unreachable.
		const due = registeredAt + Math.ceil((start - registeredAt) / 15_000) * 15_000 + 75_000;
		h.run(due - 1 - h.engine.now);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.DISCONNECTED);
		h.run(1);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.UNREACHABLE);
		h.settle();
		expect(f.updates("t1").at(-1)?.state).toBe("TASK_LOST");
		expect(h.master.framework(f.id)!.tasks.has("t1")).toBe(false);
	});

	it("an unreachable agent marked gone: its unreachable tasks end GONE_BY_OPERATOR; no second FAILURE, no second removal", () => {
		// Master::markGone of an agent that is not registered: the unreachable
		// tasks are updated and completed, and it returns before removing the agent.
		const { h, f } = setup({ capabilities: PA });
		const agentId = launchOn(h, f, 0, ["t1", "t2"]);
		h.fleet.partition(0, 10_000_000);
		h.run(100_000);
		const a = h.master.cluster.indexOf(agentId);
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.UNREACHABLE);
		expect(f.updates("t1").at(-1)?.state).toBe("TASK_UNREACHABLE");
		const removals = h.master.metrics.agentRemovals;
		const failures = () => f.eventsOf("FAILURE").filter((e) => e.failure.agent_id?.value === agentId).length;
		expect(failures()).toBe(1);
		const cpus = h.master.allocator.total[0];
		expect(h.master.markAgentGone(agentId)).toBe(true);
		h.settle();
		expect(h.master.cluster.state[a]).toBe(AGENT_STATE.GONE);
		expect(failures()).toBe(1);
		expect(h.master.metrics.agentRemovals).toBe(removals);
		expect(h.master.allocator.total[0]).toBe(cpus);
		for (const id of ["t1", "t2"]) {
			const last = f.updates(id).at(-1);
			expect([last?.state, last?.reason, last?.message]).toEqual([
				"TASK_GONE_BY_OPERATOR",
				"REASON_AGENT_REMOVED_BY_OPERATOR",
				"Agent has been marked gone",
			]);
		}
		const fw = h.master.framework(f.id)!;
		expect(fw.unreachableTasks.items()).toEqual([]);
		expect(fw.completedTasks.items().map((t) => [t.id, t.state])).toEqual([
			["t1", "TASK_GONE_BY_OPERATOR"],
			["t2", "TASK_GONE_BY_OPERATOR"],
		]);
		expect(h.master.markAgentGone(agentId)).toBe(false);
	});
});
