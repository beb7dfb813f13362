/**
 * The task table's answers in full (survivors of a mutation run of
 * master/tasks/table.ts, docs/testing.md): the fields of every status the
 * master writes itself (reason, message, agent, time in seconds, unreachable
 * time), where a task goes when it leaves (completed or unreachable list),
 * calls of the wrong shape, and what a reregistering agent brings back.
 * The clock is moved off 0 first, so that a time in ms and one in s differ.
 */
import { describe, expect, it, vi } from "vitest";
import type { Call, FrameworkInfo, Offer, TaskStatus } from "../../master/index.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";

const PA: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "PARTITION_AWARE" }];
const UNREACHABLE_AFTER = 75_000;

function subscribe(h: Harness, info: Partial<FrameworkInfo> = {}): TestFramework {
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return f;
}

/** A harness at t = 2.5 s with one framework holding the offer of its one agent. */
function setup(info: Partial<FrameworkInfo> = {}) {
	const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
	h.run(2_500);
	const f = subscribe(h, info);
	const agentId = h.fleet.agentId(0)!;
	return { h, f, agentId };
}

/** Launches tasks on the framework's first offer and lets them start. */
function launch(h: Harness, f: TestFramework, ids: string[], ports?: { begin: number; end: number }[]) {
	if (f.offers().length === 0) h.run(1_000);
	const [o] = f.offers();
	expect(
		f.launch(
			[o!],
			ids.map((id) =>
				task(id, o!, ports === undefined ? { cpus: 1, mem: 128 } : { cpus: 1, mem: 128, ports }),
			),
			0,
		).status,
	).toBe(202);
	h.run(1_000);
	for (const id of ids) expect(f.updates(id).at(-1)!.state).toBe("TASK_RUNNING");
	// What is left goes to the next framework.
	f.decline(f.offers(), 3_600);
}

function last(f: TestFramework, id: string): TaskStatus {
	const u = f.updates(id).at(-1);
	expect(u).toBeDefined();
	return u!;
}

describe("calls of the wrong shape", () => {
	const cases: [string, Omit<Call, "framework_id">, string][] = [
		["KILL without kill", { type: "KILL" }, "Expecting 'kill.task_id' to be present"],
		["KILL without a task id", { type: "KILL", kill: {} } as Call, "Expecting 'kill.task_id' to be present"],
		[
			"ACKNOWLEDGE with a uuid that is no UUID",
			{
				type: "ACKNOWLEDGE",
				acknowledge: { agent_id: { value: "S0" }, task_id: { value: "t" }, uuid: "abc" },
			},
			"'acknowledge.uuid' is not a valid UUID",
		],
		[
			"RECONCILE with tasks not a list",
			{ type: "RECONCILE", reconcile: { tasks: {} } } as unknown as Call,
			"'reconcile.tasks' must be a list",
		],
		[
			"RECONCILE with an entry without task_id",
			{ type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "t" } }, {}] } } as unknown as Call,
			"Each 'reconcile.tasks' entry needs 'task_id'",
		],
		[
			"RECONCILE with a null entry",
			{ type: "RECONCILE", reconcile: { tasks: [null] } } as unknown as Call,
			"Each 'reconcile.tasks' entry needs 'task_id'",
		],
	];
	it.each(cases)("%s: 400, saying what is wrong, and nothing sent", (_n, call, message) => {
		const { f } = setup();
		f.clearEvents();
		expect(f.call(call)).toEqual({ ok: false, status: 400, message });
		expect(f.updates()).toEqual([]);
	});
});

describe("statuses the master writes", () => {
	it("KILL of an unknown task: TASK_LOST, the reason, the agent if named, the time in seconds", () => {
		const { f, agentId } = setup();
		f.call({ type: "KILL", kill: { task_id: { value: "ghost" }, agent_id: { value: agentId } } });
		f.call({ type: "KILL", kill: { task_id: { value: "nowhere" } } });
		expect(last(f, "ghost")).toEqual({
			task_id: { value: "ghost" },
			state: "TASK_LOST",
			source: "SOURCE_MASTER",
			reason: "REASON_RECONCILIATION",
			message: "Attempted to kill an unknown task",
			agent_id: { value: agentId },
			timestamp: 2.5,
		});
		expect(last(f, "nowhere").agent_id).toBeUndefined();
	});

	it("explicit reconciliation: a known task's latest state, an unknown one by partition awareness", () => {
		const { h, f, agentId } = setup({ capabilities: PA });
		launch(h, f, ["t1"]);
		f.clearEvents();
		f.call({
			type: "RECONCILE",
			reconcile: {
				tasks: [
					{ task_id: { value: "t1" } },
					{ task_id: { value: "u1" } },
					{ task_id: { value: "u2" }, agent_id: { value: agentId } },
					{ task_id: { value: "u3" }, agent_id: { value: "S-nope" } },
				],
			},
		});
		expect(last(f, "t1")).toEqual({
			task_id: { value: "t1" },
			state: "TASK_RUNNING",
			source: "SOURCE_MASTER",
			reason: "REASON_RECONCILIATION",
			message: "Reconciliation: Latest task state",
			agent_id: { value: agentId },
			timestamp: 3.5,
		});
		const unknown = ["u1", "u2", "u3"].map((id) => last(f, id));
		expect(unknown.map((s) => s.state)).toEqual(["TASK_UNKNOWN", "TASK_GONE", "TASK_UNKNOWN"]);
		for (const s of unknown) {
			expect(s.reason).toBe("REASON_RECONCILIATION");
			expect(s.message).toBe("Reconciliation: task is unknown");
		}
		expect(unknown.map((s) => s.agent_id?.value)).toEqual([undefined, agentId, "S-nope"]);
	});

	it("an unreachable task: in the unreachable list, and reconciliation reports it with its unreachable time", () => {
		const { h, f, agentId } = setup({ capabilities: PA });
		launch(h, f, ["t1", "t2"]);
		// t2 is killed and its TASK_KILLED never acknowledged: finished, still listed on the agent.
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t2" }, agent_id: { value: agentId } } });
		h.run(1_000);
		expect(last(f, "t2").state).toBe("TASK_KILLED");
		const t0 = h.engine.now;
		h.fleet.partition(0, 10 * UNREACHABLE_AFTER);
		h.run(UNREACHABLE_AFTER + 15_000);
		const u = last(f, "t1");
		expect(u.state).toBe("TASK_UNREACHABLE");
		expect(u.message).toBe(`Agent ${agentId} removed`);
		const tu = u.timestamp! * 1000;
		expect(tu).toBeGreaterThanOrEqual(t0 + UNREACHABLE_AFTER);
		expect(u.unreachable_time).toEqual({ nanoseconds: tu * 1e6 });
		// The finished task is not told anything again.
		expect(f.updates("t2").map((s) => s.state)).not.toContain("TASK_UNREACHABLE");
		const rec = h.master.framework(f.id)!;
		expect(rec.unreachableTasks.items().map((t) => t.id)).toEqual(["t1"]);
		expect(rec.completedTasks.items().map((t) => t.id)).not.toContain("t1");
		f.clearEvents();
		f.call({ type: "RECONCILE", reconcile: { tasks: [] } });
		expect(
			f.updates().map((s) => [s.task_id.value, s.state, s.unreachable_time?.nanoseconds]),
		).toContainEqual(["t1", "TASK_UNREACHABLE", tu * 1e6]);
	});

	it("a task lost with its agent (not partition-aware) goes to the completed list, not the unreachable one", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1"]);
		h.fleet.partition(0, 10 * UNREACHABLE_AFTER);
		h.run(UNREACHABLE_AFTER + 15_000);
		expect(last(f, "t1")).toMatchObject({ state: "TASK_LOST", message: `Agent ${agentId} removed` });
		expect(last(f, "t1").unreachable_time).toBeUndefined();
		expect(h.master.framework(f.id)!.completedTasks.items()[0]!.unreachableTime).toBeNull();
		const rec = h.master.framework(f.id)!;
		expect(rec.unreachableTasks.items()).toEqual([]);
		expect(rec.completedTasks.items().map((t) => t.id)).toEqual(["t1"]);
	});

	it("a dropped agent connection: tasks of frameworks that do not checkpoint are lost, saying so", () => {
		const { h, f } = setup();
		launch(h, f, ["t1"]);
		h.fleet.restartProcess(0, 5_000, () => false);
		h.settle();
		expect(last(f, "t1")).toMatchObject({
			state: "TASK_LOST",
			reason: "REASON_AGENT_DISCONNECTED",
			message: "Agent disconnected",
		});
	});

	it("teardown: live tasks end TASK_KILLED for the framework's removal, silently; finished ones keep their state", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1", "t2"]);
		// t2's TASK_KILLED is not acknowledged: the master still holds it, finished.
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t2" }, agent_id: { value: agentId } } });
		h.run(1_000);
		expect(h.master.framework(f.id)!.tasks.get("t2")?.released).toBe(true);
		const before = f.updates().length;
		expect(f.call({ type: "TEARDOWN" }).status).toBe(202);
		h.settle();
		expect(f.updates()).toHaveLength(before);
		const done = h.master.completedFrameworks.items().find((x) => x.id === f.id)!;
		const byId = new Map(done.completedTasks.items().map((t) => [t.id, t]));
		expect([byId.get("t1")!.state, byId.get("t1")!.reason, byId.get("t1")!.status.message]).toEqual([
			"TASK_KILLED",
			"REASON_FRAMEWORK_REMOVED",
			"Framework removed",
		]);
		expect(byId.get("t1")!.status.timestamp).toBe(h.engine.now / 1000);
		expect([byId.get("t2")!.state, byId.get("t2")!.status.source]).toEqual([
			"TASK_KILLED",
			"SOURCE_EXECUTOR",
		]);
	});
});

describe("an agent that comes back", () => {
	it("after a restart, tasks it no longer has are gone (partition-aware) or lost, and the framework is told why", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		h.run(2_500);
		const pa = subscribe(h, { name: "pa", capabilities: PA, checkpoint: true });
		launch(h, pa, ["p1"]);
		const np = subscribe(h, { name: "np", checkpoint: true });
		launch(h, np, ["n1"]);
		const keep = subscribe(h, { name: "keep", checkpoint: true });
		launch(h, keep, ["k1"]);
		h.fleet.restartProcess(0, 5_000, (id) => id === keep.id);
		h.run(5_000);
		h.settle();
		for (const [f, id, state] of [
			[pa, "p1", "TASK_GONE"],
			[np, "n1", "TASK_LOST"],
		] as const) {
			expect(last(f, id)).toMatchObject({
				state,
				reason: "REASON_AGENT_RESTARTED",
				message: "Task is unknown to the agent",
				source: "SOURCE_MASTER",
			});
			expect(h.master.framework(f.id)!.tasks.has(id)).toBe(false);
			expect(
				h.master
					.framework(f.id)!
					.completedTasks.items()
					.map((t) => t.id),
			).toEqual([id]);
		}
		expect(h.master.framework(keep.id)!.tasks.get("k1")?.state).toBe("TASK_RUNNING");
		expect(h.master.cluster.allocated[0]![0]).toBe(1);
		expect(h.violations()).toEqual([]);
	});

	it("after a partition, a task comes back with its history, launch time, ports and the agent as its source", () => {
		const { h, f, agentId } = setup({ capabilities: PA });
		const ports = [{ begin: 31_000, end: 31_009 }];
		launch(h, f, ["t1"], ports);
		const before = h.master.framework(f.id)!.tasks.get("t1")!;
		const launchedAt = before.launchedAt;
		const history = before.statuses.map((s) => s.state);
		// The agent's other resources may come back to this framework.
		f.call({ type: "REVIVE" });
		h.fleet.partition(0, 100_000);
		h.run(100_000);
		h.settle();
		const t = h.master.framework(f.id)!.tasks.get("t1")!;
		expect(t).toBeDefined();
		expect(t.launchedAt).toBe(launchedAt);
		expect(t.statuses.map((s) => s.state)).toEqual([...history, "TASK_UNREACHABLE", "TASK_RUNNING"]);
		expect(t.status).toEqual({
			task_id: { value: "t1" },
			state: "TASK_RUNNING",
			source: "SOURCE_AGENT",
			agent_id: { value: agentId },
			timestamp: h.engine.now / 1000,
		});
		expect(t.ports).toEqual(ports);
		// Its ports are taken again: offers of the agent since leave them out.
		h.run(1_000);
		const offered = f
			.offers()
			.flatMap((o) => o.resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges!.range));
		expect(offered.length).toBeGreaterThan(0);
		for (const r of offered) expect(r.end < 31_000 || r.begin > 31_009, JSON.stringify(r)).toBe(true);
		expect(h.master.framework(f.id)!.unreachableTasks.items()).toEqual([]);
		expect(h.violations()).toEqual([]);
	});

	it("a task comes back in its role: the one its resources name, else the framework's first", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const multi = subscribe(h, {
			name: "multi",
			roles: ["a", "b"],
			capabilities: [...PA, { type: "MULTI_ROLE" }],
		});
		// An offer of role b, the framework's second role (role a's are declined).
		let offerB: Offer | undefined;
		for (let i = 0; i < 5 && offerB === undefined; i++) {
			h.run(1_000);
			offerB = multi.offers().find((o) => o.allocation_info?.role === "b");
			if (offerB === undefined) multi.decline(multi.offers(), 3_600);
		}
		expect(offerB).toBeDefined();
		const role = offerB!.allocation_info!.role!;
		const inB = task("m1", offerB!, { cpus: 1 });
		inB.resources = inB.resources!.map((r) => ({ ...r, allocation_info: { role } }));
		expect(multi.launch([offerB!], [inB], 3_600).status).toBe(202);
		// What is left, in either role, goes to the next framework.
		for (let i = 0; i < 3; i++) {
			multi.decline(multi.offers(), 3_600);
			h.run(1_000);
		}
		const single = subscribe(h, { name: "single", role: "eng", capabilities: PA });
		launch(h, single, ["s1"]);
		const roleOf = (f: TestFramework, id: string) =>
			h.master.allocator.roles[h.master.framework(f.id)!.tasks.get(id)!.role]?.name;
		expect([roleOf(multi, "m1"), roleOf(single, "s1")]).toEqual([role, "eng"]);
		h.fleet.partition(0, 100_000);
		h.run(100_000);
		h.settle();
		expect([roleOf(multi, "m1"), roleOf(single, "s1")]).toEqual([role, "eng"]);
		expect(h.violations()).toEqual([]);
	});
});

describe("counters, the first status and agent updates the master must ignore", () => {
	it("a launch: the STAGING status the master writes, and the counters of launches, updates and states", () => {
		const { h, f, agentId } = setup();
		const m = h.master.metrics;
		const before = { ...m, taskTransitions: { ...m.taskTransitions } };
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1 }), task("t2", o!, { cpus: 1 })], 0);
		const t = h.master.framework(f.id)!.tasks.get("t1")!;
		expect(t.status).toEqual({
			task_id: { value: "t1" },
			state: "TASK_STAGING",
			source: "SOURCE_MASTER",
			agent_id: { value: agentId },
			timestamp: 2.5,
		});
		h.run(1_000);
		expect(m.tasksLaunched - before.tasksLaunched).toBe(2);
		// STARTING and RUNNING from the agent, for each task.
		expect(m.statusUpdates - before.statusUpdates).toBe(4);
		const entered = (s: string) => (m.taskTransitions[s] ?? 0) - (before.taskTransitions[s] ?? 0);
		expect([entered("TASK_STAGING"), entered("TASK_STARTING"), entered("TASK_RUNNING")]).toEqual([2, 2, 2]);
		// History in seconds, and the reason of the latest status kept.
		expect(t.statuses.map((s) => [s.state, s.timestamp])).toEqual([
			["TASK_STARTING", 2.5],
			["TASK_RUNNING", 2.5],
		]);
		f.call({ type: "KILL", kill: { task_id: { value: "t1" } } });
		h.run(1_000);
		// No status gave a reason: the task has none (one given is kept: the teardown test).
		expect(last(f, "t1").reason).toBeUndefined();
		expect([t.state, t.reason]).toEqual(["TASK_KILLED", null]);
		expect(entered("TASK_KILLED")).toBe(1);
	});

	it("updates from an agent the master does not know or has taken out, or for a framework it removed, are dropped", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1"]);
		const status = (state: "TASK_FINISHED" | "TASK_FAILED"): TaskStatus => ({
			task_id: { value: "t1" },
			state,
			source: "SOURCE_EXECUTOR",
			agent_id: { value: agentId },
			timestamp: 9,
			uuid: "AAAAAAAAAAAAAAAAAAAAAA==",
		});
		f.clearEvents();
		h.master.statusUpdate("S-unknown", f.id, status("TASK_FINISHED"));
		h.master.statusUpdate(agentId, "F-unknown", status("TASK_FINISHED"));
		expect(f.updates()).toEqual([]);
		expect(h.master.framework(f.id)!.tasks.get("t1")!.state).toBe("TASK_RUNNING");
		h.fleet.partition(0, 10 * UNREACHABLE_AFTER);
		h.run(UNREACHABLE_AFTER + 15_000);
		f.clearEvents();
		h.master.statusUpdate(agentId, f.id, status("TASK_FAILED"));
		expect(f.updates()).toEqual([]);
	});

	it("a repeated state with a new uuid is a new status; the task on another agent is not touched", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		h.run(2_500);
		const f = subscribe(h);
		const a0 = h.fleet.agentId(0)!;
		const a1 = h.fleet.agentId(1)!;
		const o = f.offers().find((x) => x.agent_id.value === a0)!;
		f.launch([o], [task("t1", o, { cpus: 1 })], 0);
		h.run(1_000);
		const t = h.master.framework(f.id)!.tasks.get("t1")!;
		const n = t.statuses.length;
		const running = (agent: string, uuid: string): TaskStatus => ({
			task_id: { value: "t1" },
			state: "TASK_RUNNING",
			source: "SOURCE_EXECUTOR",
			agent_id: { value: agent },
			timestamp: 9,
			uuid,
		});
		h.master.statusUpdate(a0, f.id, running(a0, "BBBBBBBBBBBBBBBBBBBBBB=="));
		expect(t.statuses).toHaveLength(n + 1);
		expect(t.status.uuid).toBe("BBBBBBBBBBBBBBBBBBBBBB==");
		// The same again: no new status.
		h.master.statusUpdate(a0, f.id, running(a0, "BBBBBBBBBBBBBBBBBBBBBB=="));
		expect(t.statuses).toHaveLength(n + 1);
		// From the other agent: forwarded, but the task's record stays.
		h.master.statusUpdate(a1, f.id, { ...running(a1, "CCCCCCCCCCCCCCCCCCCCCC=="), state: "TASK_FAILED" });
		expect(t.state).toBe("TASK_RUNNING");
		expect(t.pendingUuid).toBe("BBBBBBBBBBBBBBBBBBBBBB==");
	});

	it("ACKNOWLEDGE needs agent, task and a whole UUID", () => {
		const { f, agentId } = setup();
		const ack = (a: Record<string, unknown>) =>
			f.call({ type: "ACKNOWLEDGE", acknowledge: a } as unknown as Call);
		const missing = "Expecting 'acknowledge' with 'agent_id', 'task_id' and 'uuid'";
		const uuid = "AAAAAAAAAAAAAAAAAAAAAA==";
		expect(f.call({ type: "ACKNOWLEDGE" })).toEqual({ ok: false, status: 400, message: missing });
		expect(ack({ task_id: { value: "t" }, uuid })).toMatchObject({ status: 400, message: missing });
		expect(ack({ agent_id: { value: agentId }, uuid })).toMatchObject({ status: 400, message: missing });
		expect(ack({ agent_id: { value: agentId }, task_id: { value: "t" } })).toMatchObject({
			status: 400,
			message: missing,
		});
		for (const bad of [`x${uuid}`, `${uuid}x`])
			expect(ack({ agent_id: { value: agentId }, task_id: { value: "t" }, uuid: bad })).toMatchObject({
				status: 400,
			});
		expect(ack({ agent_id: { value: agentId }, task_id: { value: "t" }, uuid }).status).toBe(202);
	});

	it("a finished task gives its ports back: they are offered again", () => {
		const { h, f, agentId } = setup();
		const ports = [{ begin: 31_000, end: 31_009 }];
		launch(h, f, ["t1"], ports);
		f.call({ type: "REVIVE" });
		f.call({ type: "KILL", kill: { task_id: { value: "t1" }, agent_id: { value: agentId } } });
		h.run(2_000);
		expect(last(f, "t1").state).toBe("TASK_KILLED");
		const offered = f
			.offers()
			.flatMap((o) => o.resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges!.range));
		expect(offered.some((r) => r.begin <= 31_000 && r.end >= 31_009)).toBe(true);
	});
});

describe("updates and acknowledgements the master must not act on", () => {
	const FINISHED_UUID = "DDDDDDDDDDDDDDDDDDDDDD==";
	const update = (agentId: string, id: string, state: TaskStatus["state"], uuid: string): TaskStatus => ({
		task_id: { value: id },
		state,
		source: "SOURCE_EXECUTOR",
		agent_id: { value: agentId },
		timestamp: 9,
		uuid,
	});

	it("from an agent replaced after a reboot or marked gone: dropped, not forwarded", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		h.run(2_500);
		const f = subscribe(h);
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		// a0's host reboots and registers as a new agent: the old id is removed.
		h.fleet.crash(0, 5_000);
		h.run(10_000);
		expect(h.fleet.agentId(0)).not.toBe(a0);
		expect(h.master.markAgentGone(a1)).toBe(true);
		h.settle();
		f.clearEvents();
		h.master.statusUpdate(a0, f.id, update(a0, "x0", "TASK_RUNNING", FINISHED_UUID));
		h.master.statusUpdate(a1, f.id, update(a1, "x1", "TASK_RUNNING", FINISHED_UUID));
		expect(f.updates()).toEqual([]);
	});

	it("for a task the master does not know: forwarded as it is, no record made", () => {
		const { f, agentId, h } = setup();
		f.clearEvents();
		const s = update(agentId, "stranger", "TASK_RUNNING", FINISHED_UUID);
		h.master.statusUpdate(agentId, f.id, s);
		expect(f.updates()).toEqual([s]);
		expect(h.master.framework(f.id)!.tasks.has("stranger")).toBe(false);
	});

	it("a repeated state is counted once; a finished task takes no non-terminal state again", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1"]);
		const m = h.master.metrics;
		const running = m.taskTransitions.TASK_RUNNING;
		h.master.statusUpdate(agentId, f.id, update(agentId, "t1", "TASK_RUNNING", "BBBBBBBBBBBBBBBBBBBBBB=="));
		expect(m.taskTransitions.TASK_RUNNING).toBe(running);
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t1" }, agent_id: { value: agentId } } });
		h.run(1_000);
		const t = h.master.framework(f.id)!.tasks.get("t1")!;
		expect([t.state, t.released]).toEqual(["TASK_KILLED", true]);
		h.master.statusUpdate(agentId, f.id, update(agentId, "t1", "TASK_RUNNING", "CCCCCCCCCCCCCCCCCCCCCC=="));
		expect(t.state).toBe("TASK_KILLED");
		expect(m.taskTransitions.TASK_RUNNING).toBe(running);
		// Its resources were given back once: the agent holds nothing.
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
	});

	it("KILL of a finished task is not sent on to the agent; KILL of a live one is", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1", "t2"]);
		f.autoAck = false;
		const kills = vi.spyOn(h.fleet, "killTask");
		f.call({ type: "KILL", kill: { task_id: { value: "t1" }, agent_id: { value: agentId } } });
		h.run(1_000);
		expect(kills).toHaveBeenCalledTimes(1);
		expect(h.master.framework(f.id)!.tasks.get("t1")!.released).toBe(true);
		expect(f.call({ type: "KILL", kill: { task_id: { value: "t1" } } }).status).toBe(202);
		h.run(1_000);
		expect(kills).toHaveBeenCalledTimes(1);
	});

	it("ACKNOWLEDGE: counted; the task leaves only for its own agent and its latest uuid", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		h.run(2_500);
		const f = subscribe(h);
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		const o = f.offers().find((x) => x.agent_id.value === a0)!;
		f.launch([o], [task("t1", o, { cpus: 1 })], 0);
		h.run(1_000);
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t1" }, agent_id: { value: a0 } } });
		h.run(1_000);
		const killed = last(f, "t1");
		expect(killed.state).toBe("TASK_KILLED");
		const rec = h.master.framework(f.id)!;
		const acks = vi.spyOn(h.fleet, "acknowledge");
		const before = h.master.metrics.statusUpdateAcks;
		const ack = (agent: string, uuid: string) =>
			f.call({
				type: "ACKNOWLEDGE",
				acknowledge: { agent_id: { value: agent }, task_id: { value: "t1" }, uuid },
			});
		// An agent the master does not know: accepted, counted, sent nowhere.
		expect(ack("S-nope", killed.uuid!).status).toBe(202);
		h.run(100);
		expect(acks).not.toHaveBeenCalled();
		// Another agent, another uuid: the task stays, waiting for its acknowledgement.
		expect(ack(a1, killed.uuid!).status).toBe(202);
		expect(ack(a0, "EEEEEEEEEEEEEEEEEEEEEE==").status).toBe(202);
		expect(rec.tasks.get("t1")?.pendingUuid).toBe(killed.uuid);
		expect(ack(a0, killed.uuid!).status).toBe(202);
		expect(rec.tasks.has("t1")).toBe(false);
		expect(rec.completedTasks.items().map((t) => t.id)).toEqual(["t1"]);
		expect(h.master.metrics.statusUpdateAcks - before).toBe(4);
	});

	it("RECONCILE without its object is implicit reconciliation", () => {
		const { h, f } = setup();
		launch(h, f, ["t1"]);
		f.clearEvents();
		expect(f.call({ type: "RECONCILE" }).status).toBe(202);
		expect(f.updates().map((s) => [s.task_id.value, s.state, s.reason])).toEqual([
			["t1", "TASK_RUNNING", "REASON_RECONCILIATION"],
		]);
	});

	it("teardown's TASK_KILLED names the task's agent", () => {
		const { h, f, agentId } = setup();
		launch(h, f, ["t1"]);
		f.call({ type: "TEARDOWN" });
		h.settle();
		const done = h.master.completedFrameworks.items().find((x) => x.id === f.id)!;
		expect(done.completedTasks.items()[0]!.status.agent_id).toEqual({ value: agentId });
	});

	it("an agent back from a restart without a task that had finished: the framework hears nothing more of it", () => {
		const { h, f, agentId } = setup({ checkpoint: true });
		launch(h, f, ["t1", "t2"]);
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "t2" }, agent_id: { value: agentId } } });
		h.run(1_000);
		expect(last(f, "t2").state).toBe("TASK_KILLED");
		const heard = f.updates("t2").length;
		// The agent comes back knowing none of the framework's tasks.
		h.fleet.restartProcess(0, 5_000, () => false);
		h.run(5_000);
		h.settle();
		expect(last(f, "t1")).toMatchObject({ state: "TASK_LOST", reason: "REASON_AGENT_RESTARTED" });
		expect(f.updates("t2").length).toBe(heard);
	});
});

describe("tasks that come back, in detail", () => {
	it("one agent back from a partition: only its tasks leave the unreachable list; their new status is timed in seconds", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		h.run(2_500);
		const f = subscribe(h, { capabilities: PA });
		const [a0, a1] = [h.fleet.agentId(0)!, h.fleet.agentId(1)!];
		const on = (a: string) => f.offers().find((x) => x.agent_id.value === a)!;
		const [o0, o1] = [on(a0), on(a1)];
		f.launch([o0], [task("t0", o0, { cpus: 1 })], 3_600);
		f.launch([o1], [task("t1", o1, { cpus: 1 })], 3_600);
		h.run(1_000);
		const cut = h.engine.now;
		h.fleet.partition(0, 100_000);
		h.fleet.partition(1, 1_000_000);
		h.run(UNREACHABLE_AFTER + 15_000);
		const rec = h.master.framework(f.id)!;
		expect(
			rec.unreachableTasks
				.items()
				.map((t) => t.id)
				.sort(),
		).toEqual(["t0", "t1"]);
		h.run(100_000);
		h.settle();
		expect(rec.unreachableTasks.items().map((t) => t.id)).toEqual(["t1"]);
		const back = rec.tasks.get("t0")!;
		expect(back.state).toBe("TASK_RUNNING");
		// Back when the partition healed, 100 s after it began.
		expect(back.status.timestamp).toBe(back.statuses.at(-1)!.timestamp);
		expect(back.statuses.at(-1)).toEqual({ state: "TASK_RUNNING", timestamp: (cut + 100_000) / 1000 });
		expect(h.violations()).toEqual([]);
	});
});

describe("a task the master no longer remembers comes back", () => {
	it("with a history and launch time that start at its return, and TASK_LOST as the state it had before", () => {
		// No completed task is kept: a lost one is forgotten at once.
		const h = new Harness({
			agents: [{ count: 1, cpus: 4, mem: 4096 }],
			flags: { maxCompletedTasksPerFramework: 0 },
		});
		h.run(2_500);
		const f = subscribe(h);
		launch(h, f, ["t0"]);
		const changes: [string, string | null, string][] = [];
		h.master.observer.taskChanged = (t, previous) => changes.push([t.id, previous, t.state]);
		const cut = h.engine.now;
		h.fleet.partition(0, 200_000);
		h.run(UNREACHABLE_AFTER + 15_000);
		expect(last(f, "t0").state).toBe("TASK_LOST");
		const rec = h.master.framework(f.id)!;
		expect([rec.tasks.has("t0"), rec.completedTasks.items()]).toEqual([false, []]);
		h.run(200_000);
		h.settle();
		const back = rec.tasks.get("t0")!;
		expect(back.state).toBe("TASK_RUNNING");
		expect(back.launchedAt).toBe(cut + 200_000);
		expect(back.statuses).toEqual([{ state: "TASK_RUNNING", timestamp: (cut + 200_000) / 1000 }]);
		expect(changes.at(-1)).toEqual(["t0", "TASK_LOST", "TASK_RUNNING"]);
		expect(h.violations()).toEqual([]);
	});

	it("a partition-aware one comes back with TASK_UNREACHABLE as the state it had before", () => {
		const h = new Harness({
			agents: [{ count: 1, cpus: 4, mem: 4096 }],
			flags: { maxUnreachableTasksPerFramework: 0 },
		});
		h.run(2_500);
		const f = subscribe(h, { capabilities: PA });
		launch(h, f, ["t0"]);
		const changes: [string, string | null, string][] = [];
		h.master.observer.taskChanged = (t, previous) => changes.push([t.id, previous, t.state]);
		h.fleet.partition(0, 200_000);
		h.run(UNREACHABLE_AFTER + 15_000);
		expect(last(f, "t0").state).toBe("TASK_UNREACHABLE");
		expect(h.master.framework(f.id)!.unreachableTasks.items()).toEqual([]);
		h.run(200_000);
		h.settle();
		expect(changes.at(-1)).toEqual(["t0", "TASK_UNREACHABLE", "TASK_RUNNING"]);
	});
});
