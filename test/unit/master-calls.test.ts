/**
 * The master's scheduler calls, one test per rule of docs/mesos-rules.md
 * (§1 scheduler API, §2 master rules): SUBSCRIBE, status codes, ACCEPT
 * validation, DECLINE, KILL, ACKNOWLEDGE, RECONCILE, MESSAGE,
 * UPDATE_FRAMEWORK, TEARDOWN, status updates and framework failover.
 */
import { describe, expect, it } from "vitest";
import type { AgentShape } from "../../agents/index.js";
import {
	AGENT_STATE,
	type Call,
	type FrameworkInfo,
	type MasterFlags,
	type Offer,
	type Operation,
	type TaskInfo,
} from "../../master/index.js";
import { Harness, scalar, type TestFramework, task } from "../helpers/harness.js";

const PA: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "PARTITION_AWARE" }];
const MULTI: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "MULTI_ROLE" }];
const UUID = /^[A-Za-z0-9+/]{22}==$/;

interface Setup {
	info?: Partial<FrameworkInfo>;
	agents?: (Partial<AgentShape> & { count: number })[];
	flags?: Partial<MasterFlags>;
}

function setup(s: Setup = {}): { h: Harness; f: TestFramework } {
	const h = new Harness({ agents: s.agents ?? [{ count: 1, cpus: 4, mem: 4096 }], flags: s.flags ?? {} });
	const f = h.framework();
	expect(f.subscribe(s.info ?? {}).ok).toBe(true);
	h.settle();
	return { h, f };
}

/** OFFERS events as (time, offers). */
function offerEvents(f: TestFramework): { t: number; offers: Offer[] }[] {
	return f.eventsOf("OFFERS").map((e) => ({ t: f.timeOf(e), offers: e.offers.offers }));
}

function accept(f: TestFramework, offerIds: string[], operations: Operation[], refuseSeconds?: number) {
	const acc: NonNullable<Call["accept"]> = { offer_ids: offerIds.map((value) => ({ value })), operations };
	if (refuseSeconds !== undefined) acc.filters = { refuse_seconds: refuseSeconds };
	return f.call({ type: "ACCEPT", accept: acc });
}

const launchOp = (tasks: TaskInfo[]): Operation => ({ type: "LAUNCH", launch: { task_infos: tasks } });

function states(f: TestFramework, taskId: string): string[] {
	return f.updates(taskId).map((s) => s.state);
}

describe("SUBSCRIBE", () => {
	it("a new framework gets id <masterId>-0000 (then -0001) and SUBSCRIBED first, heartbeat 15 s", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const f1 = h.framework();
		const f2 = h.framework();
		const r1 = f1.subscribe({ name: "one" });
		const r2 = f2.subscribe({ name: "two" });
		h.settle();
		expect(r1.ok && r1.frameworkId).toBe(`${h.master.id}-0000`);
		expect(r2.ok && r2.frameworkId).toBe(`${h.master.id}-0001`);
		expect(f1.streamId).not.toBe(f2.streamId);
		for (const f of [f1, f2]) {
			const first = f.events[0]!;
			expect(first.type).toBe("SUBSCRIBED");
			if (first.type !== "SUBSCRIBED") continue;
			expect(first.subscribed.framework_id.value).toBe(f.id);
			expect(first.subscribed.heartbeat_interval_seconds).toBe(15);
			expect(first.subscribed.master_info?.id).toBe(h.master.id);
		}
		// The first framework got the agent, in an OFFERS event after SUBSCRIBED.
		expect(f1.events.map((e) => e.type)).toEqual(["SUBSCRIBED", "OFFERS"]);
		expect(h.violations()).toEqual([]);
	});

	it("HEARTBEAT events arrive every 15 s", () => {
		const { h, f } = setup();
		h.run(46_000);
		expect(f.eventsOf("HEARTBEAT").map((e) => f.timeOf(e))).toEqual([15_000, 30_000, 45_000]);
	});

	const invalid: [string, Partial<FrameworkInfo>, string[] | undefined][] = [
		["role with whitespace", { role: "a b" }, undefined],
		["role starting with '/'", { role: "/eng" }, undefined],
		["role with '..' segment", { role: "eng/.." }, undefined],
		["role segment starting with '-'", { role: "-eng" }, undefined],
		["role with '//'", { role: "eng//web" }, undefined],
		["'roles' without MULTI_ROLE", { roles: ["a"] }, undefined],
		["bad name in 'roles'", { roles: ["a", "b c"], capabilities: MULTI }, undefined],
		["negative failover_timeout", { failover_timeout: -1 }, undefined],
		["suppressed role not among the roles", { roles: ["a"], capabilities: MULTI }, ["b"]],
	];
	it.each(invalid)(
		"invalid FrameworkInfo (%s): ok, then exactly one ERROR and a closed stream",
		(_n, info, sup) => {
			const h = new Harness({ agents: [{ count: 1 }] });
			const f = h.framework();
			const res = f.subscribe(info, sup);
			expect(res.ok).toBe(true);
			h.run(2_000);
			expect(f.events.map((e) => e.type)).toEqual(["ERROR"]);
			expect(f.closed).toBe(true);
			expect(h.master.frameworks).toHaveLength(0);
			expect(h.master.outstandingOffers).toBe(0);
		},
	);

	it("a valid MULTI_ROLE framework with roles is accepted (control for the cases above)", () => {
		const { f } = setup({ info: { roles: ["a", "eng/web"], capabilities: MULTI } });
		expect(f.events[0]!.type).toBe("SUBSCRIBED");
		expect(f.closed).toBe(false);
	});

	it("resubscribing with the same id: old stream gets ERROR 'Framework failed over' and closes; tasks kept", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1, mem: 128 })]);
		h.run(1_000);
		expect(states(f, "t1")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		const oldStream = f.streamId;

		const f2 = h.framework();
		f2.id = f.id;
		const res = f2.subscribe();
		expect(res.ok && res.frameworkId).toBe(f.id);
		expect(f2.streamId).not.toBe(oldStream);
		h.settle();
		const last = f.events[f.events.length - 1]!;
		expect(last).toEqual({ type: "ERROR", error: { message: "Framework failed over" } });
		expect(f.closed).toBe(true);
		expect(f2.events[0]!.type).toBe("SUBSCRIBED");
		expect(f2.eventsOf("ERROR")).toHaveLength(0);
		expect(f2.closed).toBe(false);
		// One stream per framework: the old one is no longer accepted.
		expect(f.call({ type: "REVIVE" }).status).toBe(400);
		expect(f2.call({ type: "RECONCILE", reconcile: { tasks: [] } }).status).toBe(202);
		expect(f2.updates("t1").map((s) => s.state)).toEqual(["TASK_RUNNING"]);
		expect(h.master.framework(f.id)!.tasks.get("t1")!.state).toBe("TASK_RUNNING");
		expect(h.fleet.liveTasks).toBe(1);
		expect(h.violations()).toEqual([]);
	});

	it("subscribing with the id of a removed framework: ERROR 'Framework has been removed' and close", () => {
		const { h, f } = setup();
		expect(f.call({ type: "TEARDOWN" }).status).toBe(202);
		h.settle();
		const f2 = h.framework();
		f2.id = f.id;
		expect(f2.subscribe().ok).toBe(true);
		h.settle();
		expect(f2.events).toEqual([{ type: "ERROR", error: { message: "Framework has been removed" } }]);
		expect(f2.closed).toBe(true);
		expect(h.master.framework(f.id)).toBeUndefined();
	});
});

describe("call() status codes", () => {
	it("400 without framework_id, 400 'Framework cannot be found', 400 wrong stream id, 202 otherwise", () => {
		const { h, f } = setup();
		const m = h.master;
		const invalid = m.metrics.invalidCalls;
		const noId = m.call({ type: "REVIVE" }, f.streamId);
		expect(noId).toEqual({ ok: false, status: 400, message: "Expecting 'framework_id' to be present" });
		expect(m.call({ type: "REVIVE", framework_id: { value: f.id } }, "not-my-stream")).toEqual({
			ok: false,
			status: 400,
			message:
				"The stream ID included in this request didn't match the stream ID currently associated with framework ID",
		});
		expect(m.call({ type: "SUBSCRIBE", framework_id: { value: f.id } } as Call, f.streamId)).toEqual({
			ok: false,
			status: 400,
			message: "SUBSCRIBE must open a new stream",
		});
		expect(m.call({ type: "REVIVE", framework_id: { value: "F-nope" } }, f.streamId).status).toBe(400);
		// Missing id, wrong stream, unknown framework: invalid calls (a SUBSCRIBE here is not counted so).
		expect(m.metrics.invalidCalls - invalid).toBe(3);
		const unknown = m.call({ type: "REVIVE", framework_id: { value: `${m.id}-9999` } }, f.streamId);
		expect(unknown).toEqual({ ok: false, status: 400, message: "Framework cannot be found" });
		expect(m.call({ type: "REVIVE", framework_id: { value: f.id } }, "not-my-stream").status).toBe(400);
		expect(f.call({ type: "REVIVE" })).toEqual({ ok: true, status: 202 });
		expect(f.call({ type: "SUPPRESS" }).status).toBe(202);
	});

	it("UPDATE_FRAMEWORK answers 200", () => {
		const { f } = setup({ info: { name: "a" } });
		const res = f.call({
			type: "UPDATE_FRAMEWORK",
			update_framework: { framework_info: { user: "test", name: "renamed", id: { value: f.id } } },
		});
		expect(res).toEqual({ ok: true, status: 200 });
	});

	it("SUBSCRIBE through call() is 400 (it must open a stream)", () => {
		const { f } = setup();
		const res = f.call({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } });
		expect(res.status).toBe(400);
	});

	it("calls without a type or of a type unknown: 400 naming it, counted as invalid, nothing else counted", () => {
		const { h, f } = setup();
		const m = h.master;
		const invalid = m.metrics.invalidCalls;
		for (const c of [null, 7, {}, { type: 3 }] as unknown as Call[])
			expect(m.call(c, f.streamId)).toEqual({
				ok: false,
				status: 400,
				message: "Expecting 'type' to be present",
			});
		expect(m.metrics.invalidCalls - invalid).toBe(4);
		expect(f.call({ type: "NAP" } as unknown as Call)).toEqual({
			ok: false,
			status: 400,
			message: "Unknown call type 'NAP'",
		});
		expect(m.metrics.invalidCalls - invalid).toBe(5);
		expect([m.metrics.callsByType.NAP, m.framework(f.id)!.counters.callsByType.NAP]).toEqual([1, 1]);
	});

	it("SHUTDOWN needs an executor and an agent; MESSAGE an agent, an executor and data", () => {
		const { h, f } = setup();
		const agent = { value: h.master.cluster.ids[0]! };
		const executor = { value: "ex" };
		const noShutdown = {
			ok: false,
			status: 400,
			message: "Expecting 'shutdown' with 'executor_id' and 'agent_id'",
		};
		expect(f.call({ type: "SHUTDOWN" })).toEqual(noShutdown);
		expect(f.call({ type: "SHUTDOWN", shutdown: { agent_id: agent } } as unknown as Call)).toEqual(
			noShutdown,
		);
		expect(f.call({ type: "SHUTDOWN", shutdown: { executor_id: executor } } as unknown as Call)).toEqual(
			noShutdown,
		);
		expect(f.call({ type: "SHUTDOWN", shutdown: { executor_id: executor, agent_id: agent } })).toEqual({
			ok: true,
			status: 202,
		});
		const noMessage = {
			ok: false,
			status: 400,
			message: "Expecting 'message' with 'agent_id', 'executor_id' and 'data'",
		};
		for (const message of [
			undefined,
			{ executor_id: executor, data: "" },
			{ agent_id: agent, data: "" },
			{ agent_id: agent, executor_id: executor },
			{ agent_id: agent, executor_id: executor, data: 1 },
		])
			expect(f.call({ type: "MESSAGE", message } as unknown as Call)).toEqual(noMessage);
		// To an agent the master does not know or that is not active: dropped, as Mesos does.
		expect(
			f.call({
				type: "MESSAGE",
				message: { agent_id: { value: "S-nope" }, executor_id: executor, data: "" },
			}),
		).toEqual({ ok: true, status: 202 });
		h.master.cluster.setState(0, AGENT_STATE.DEACTIVATED);
		expect(
			f.call({ type: "MESSAGE", message: { agent_id: agent, executor_id: executor, data: "" } }).status,
		).toBe(202);
		h.settle();
		expect(h.fleet.stats.frameworkMessages).toBe(0);
	});

	it("calls Mesos answers without doing anything: 202; RECONCILE_OPERATIONS: 501", () => {
		const { f } = setup();
		for (const type of [
			"REQUEST",
			"ACCEPT_INVERSE_OFFERS",
			"DECLINE_INVERSE_OFFERS",
			"ACKNOWLEDGE_OPERATION_STATUS",
		])
			expect(f.call({ type } as Call)).toEqual({ ok: true, status: 202 });
		expect(f.call({ type: "RECONCILE_OPERATIONS" } as Call)).toEqual({
			ok: false,
			status: 501,
			message: "RECONCILE_OPERATIONS is not supported by mesosim",
		});
	});

	it("403 'Framework is not subscribed' after the stream disconnected", () => {
		const { h, f } = setup({ info: { failover_timeout: 3600 } });
		f.disconnect();
		h.settle();
		const res = f.call({ type: "REVIVE" });
		expect(res).toEqual({ ok: false, status: 403, message: "Framework is not subscribed" });
	});
});

describe("ACCEPT validation", () => {
	const badOffer: [string, boolean][] = [
		["an unknown offer", false],
		["an unknown offer (partition-aware framework)", true],
	];
	it.each(badOffer)("%s: every LAUNCH task is lost; valid offers return unfiltered", (_n, pa) => {
		const { h, f } = setup(pa ? { info: { capabilities: PA } } : {});
		const [o] = f.offers();
		const res = accept(
			f,
			[o!.id.value, `${h.master.id}-O999`],
			[launchOp([task("t1", o!, { cpus: 1 }), task("t2", o!, { cpus: 1 })])],
			3600,
		);
		expect(res.status).toBe(202);
		h.settle();
		for (const id of ["t1", "t2"]) {
			const u = f.updates(id);
			expect(u).toHaveLength(1);
			expect(u[0]!.state).toBe(pa ? "TASK_DROPPED" : "TASK_LOST");
			expect(u[0]!.source).toBe("SOURCE_MASTER");
			expect(u[0]!.reason).toBe("REASON_INVALID_OFFERS");
			expect(u[0]!.message).toBe(`Offer ${h.master.id}-O999 is no longer valid`);
			expect(u[0]!.uuid).toBeUndefined();
		}
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.master.framework(f.id)!.tasks.size).toBe(0);
		// The valid offer came back without the ACCEPT's 3600 s filter: re-offered at the next cycle.
		h.run(1_000);
		const offers = offerEvents(f);
		expect(offers.map((x) => x.t)).toEqual([0, 1_000]);
		expect(scalar(offers[1]!.offers[0]!, "cpus")).toBe(4);
		expect(h.violations()).toEqual([]);
	});

	const stale: [string, Partial<MasterFlags>][] = [
		["already declined", {}],
		["rescinded by offer_timeout", { offerTimeoutMs: 500 }],
	];
	it.each(stale)("an offer that was %s makes the ACCEPT invalid: TASK_LOST", (how, flags) => {
		const { h, f } = setup({ flags });
		const [o] = f.offers();
		if (how === "already declined") f.decline([o!], 0);
		else {
			h.run(500);
			expect(f.eventsOf("RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([o!.id.value]);
		}
		accept(f, [o!.id.value], [launchOp([task("t1", o!, { cpus: 1 })])]);
		expect(f.updates("t1").map((s) => [s.state, s.reason])).toEqual([["TASK_LOST", "REASON_INVALID_OFFERS"]]);
		h.run(1_000);
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.violations()).toEqual([]);
	});

	it("another framework's offer: TASK_LOST, and that framework's offer stays outstanding", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		const { f1, f2, o1, o2 } = h.twoFrameworksWithOffers();
		accept(f1, [o2!.id.value], [launchOp([task("t1", o2!, { cpus: 1 })])]);
		expect(f1.updates("t1").map((s) => [s.state, s.reason, s.message])).toEqual([
			["TASK_LOST", "REASON_INVALID_OFFERS", `Offer ${o2!.id.value} belongs to another framework`],
		]);
		expect(h.master.offer(o2!.id.value)).toBeDefined();
		expect(h.master.offer(o1!.id.value)).toBeDefined();
		expect(f2.launch([o2!], [task("t2", o2!, { cpus: 1 })]).status).toBe(202);
		h.settle();
		expect(states(f2, "t2")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
	});

	it("offers of two agents in one ACCEPT are invalid: tasks lost, both offers back unfiltered", () => {
		const { h, f } = setup({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		const offers = f.offers();
		expect(offers).toHaveLength(2);
		expect(f.eventsOf("OFFERS")).toHaveLength(1);
		accept(
			f,
			offers.map((o) => o.id.value),
			[launchOp([task("t1", offers[0]!, { cpus: 1 })])],
			3600,
		);
		expect(f.updates("t1").map((s) => [s.state, s.reason, s.message])).toEqual([
			["TASK_LOST", "REASON_INVALID_OFFERS", "Aggregated offers must belong to the same agent"],
		]);
		expect(h.master.outstandingOffers).toBe(0);
		h.run(1_000);
		const again = offerEvents(f);
		expect(again.map((x) => [x.t, x.offers.length])).toEqual([
			[0, 2],
			[1_000, 2],
		]);
	});

	it("a task asking for more than offered gets TASK_ERROR / REASON_TASK_INVALID", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("big", o!, { cpus: 5, mem: 128 })]);
		const u = f.updates("big");
		expect(u.map((s) => [s.state, s.reason, s.source])).toEqual([
			["TASK_ERROR", "REASON_TASK_INVALID", "SOURCE_MASTER"],
		]);
		expect(u[0]!.uuid).toBeUndefined();
		h.run(1_000);
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
		expect(h.violations()).toEqual([]);
	});

	it("a duplicate task id gets TASK_ERROR and leaves the running task alone", () => {
		const { h, f } = setup();
		let [o] = f.offers();
		// Within one LAUNCH: the second copy is refused.
		f.launch([o!], [task("dup", o!, { cpus: 1 }), task("dup", o!, { cpus: 1 })], 0);
		expect(states(f, "dup")).toEqual(["TASK_ERROR"]);
		h.run(1_000);
		expect(states(f, "dup")).toEqual(["TASK_ERROR", "TASK_STARTING", "TASK_RUNNING"]);
		// In a later ACCEPT: the id of a live task is refused.
		[o] = f.offers();
		f.launch([o!], [task("dup", o!, { cpus: 1 })], 0);
		h.run(1_000);
		expect(states(f, "dup")).toEqual(["TASK_ERROR", "TASK_STARTING", "TASK_RUNNING", "TASK_ERROR"]);
		expect(h.master.framework(f.id)!.tasks.get("dup")!.state).toBe("TASK_RUNNING");
		expect(h.fleet.liveTasks).toBe(1);
		expect(h.master.cluster.allocated[0]![0]).toBe(1);
		expect(h.violations()).toEqual([]);
	});

	it("a task with neither command nor executor gets TASK_ERROR", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		const t = task("bare", o!, { cpus: 1 });
		delete t.command;
		f.launch([o!], [t]);
		expect(f.updates("bare").map((s) => [s.state, s.reason])).toEqual([
			["TASK_ERROR", "REASON_TASK_INVALID"],
		]);
		h.run(1_000);
		expect(h.fleet.liveTasks).toBe(0);
	});

	it("ports outside the offer get TASK_ERROR; ports inside are taken out of later offers", () => {
		const { h, f } = setup();
		let [o] = f.offers();
		f.launch([o!], [task("p1", o!, { cpus: 1, ports: [{ begin: 30_000, end: 30_000 }] })], 0);
		expect(f.updates("p1").map((s) => [s.state, s.reason])).toEqual([["TASK_ERROR", "REASON_TASK_INVALID"]]);
		h.run(1_000);
		[o] = f.offers();
		f.launch([o!], [task("p2", o!, { cpus: 1, ports: [{ begin: 31_000, end: 31_001 }] })], 0);
		h.run(1_000);
		expect(states(f, "p2")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		[o] = f.offers();
		expect(o!.resources.find((r) => r.name === "ports")!.ranges!.range).toEqual([
			{ begin: 31_002, end: 32_000 },
		]);
		expect(h.violations()).toEqual([]);
	});

	it("an ACCEPT with zero operations is a DECLINE with the ACCEPT's filters", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		expect(accept(f, [o!.id.value], [], 3).status).toBe(202);
		expect(h.master.metrics.offersDeclined).toBe(1);
		expect(h.master.metrics.offersAccepted).toBe(0);
		h.run(2_999);
		expect(offerEvents(f)).toHaveLength(1);
		h.run(1);
		expect(offerEvents(f).map((x) => x.t)).toEqual([0, 3_000]);
	});

	it("the unused part of an ACCEPT is declined with the ACCEPT's refuse_seconds", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 1, mem: 1024 })], 7);
		h.run(6_999);
		expect(offerEvents(f)).toHaveLength(1);
		h.run(1);
		const later = offerEvents(f);
		expect(later.map((x) => x.t)).toEqual([0, 7_000]);
		expect(scalar(later[1]!.offers[0]!, "cpus")).toBe(3);
		expect(scalar(later[1]!.offers[0]!, "mem")).toBe(3072);
	});

	it("LAUNCH_GROUP is all-or-nothing", () => {
		const { h, f } = setup();
		let [o] = f.offers();
		const executor = { executor_id: { value: "ex" }, type: "DEFAULT" as const };
		const group = (tasks: TaskInfo[]): Operation => ({
			type: "LAUNCH_GROUP",
			launch_group: { executor, task_group: { tasks } },
		});
		accept(f, [o!.id.value], [group([task("g1", o!, { cpus: 1 }), task("g2", o!, { cpus: 10 })])], 0);
		for (const id of ["g1", "g2"])
			expect(f.updates(id).map((s) => [s.state, s.reason])).toEqual([["TASK_ERROR", "REASON_TASK_INVALID"]]);
		h.run(1_000);
		expect(h.fleet.liveTasks).toBe(0);
		[o] = offerEvents(f).at(-1)!.offers;
		expect(scalar(o!, "cpus")).toBe(4);
		accept(f, [o!.id.value], [group([task("g3", o!, { cpus: 1 }), task("g4", o!, { cpus: 3 })])], 0);
		h.settle();
		expect(states(f, "g3")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(states(f, "g4")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(h.violations()).toEqual([]);
	});
});

describe("DECLINE, KILL, ACKNOWLEDGE, MESSAGE", () => {
	it("DECLINE of unknown offers is ignored with 202", () => {
		const { h, f } = setup();
		const res = f.call({ type: "DECLINE", decline: { offer_ids: [{ value: "nope" }] } });
		expect(res.status).toBe(202);
		expect(h.master.outstandingOffers).toBe(1);
		expect(h.master.metrics.offersDeclined).toBe(0);
	});

	it("KILL of a running task gives TASK_KILLED and frees its resources", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("t1", o!, { cpus: 2 })]);
		h.run(1_000);
		expect(f.call({ type: "KILL", kill: { task_id: { value: "t1" } } }).status).toBe(202);
		h.settle();
		const u = f.updates("t1");
		expect(u.map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"]);
		expect(u[2]!.uuid).toMatch(UUID);
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
		expect(h.violations()).toEqual([]);
	});

	it("KILL of an unknown task gives TASK_LOST from the master (no uuid)", () => {
		const { f } = setup();
		expect(f.call({ type: "KILL", kill: { task_id: { value: "ghost" } } }).status).toBe(202);
		const u = f.updates("ghost");
		expect(u).toHaveLength(1);
		expect(u[0]!.state).toBe("TASK_LOST");
		expect(u[0]!.source).toBe("SOURCE_MASTER");
		expect(u[0]!.uuid).toBeUndefined();
	});

	it("ACKNOWLEDGE with a malformed uuid is 400; a well-formed one is 202", () => {
		const { h, f } = setup();
		const agentId = h.master.cluster.ids[0]!;
		const ack = (uuid: string) =>
			f.call({
				type: "ACKNOWLEDGE",
				acknowledge: { agent_id: { value: agentId }, task_id: { value: "x" }, uuid },
			});
		expect(ack("not-a-uuid").status).toBe(400);
		expect(ack("").status).toBe(400);
		expect(ack("AAAAAAAAAAAAAAAAAAAAAA==").status).toBe(202);
	});

	it("MESSAGE reaches the agent", () => {
		const { h, f } = setup();
		const agentId = h.master.cluster.ids[0]!;
		const res = f.call({
			type: "MESSAGE",
			message: { agent_id: { value: agentId }, executor_id: { value: "ex" }, data: "aGk=" },
		});
		expect(res.status).toBe(202);
		expect(h.fleet.stats.frameworkMessages).toBe(0); // delivered through the engine, not synchronously
		h.settle();
		expect(h.fleet.stats.frameworkMessages).toBe(1);
	});
});

describe("RECONCILE", () => {
	it("implicit: the latest state of every known task, REASON_RECONCILIATION, SOURCE_MASTER, no uuid", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("a", o!, { cpus: 1 }), task("b", o!, { cpus: 1 }, "sleep 100")]);
		h.run(1_000);
		f.clearEvents();
		expect(f.call({ type: "RECONCILE", reconcile: { tasks: [] } }).status).toBe(202);
		const u = f.updates();
		expect(u.map((s) => s.task_id.value).sort()).toEqual(["a", "b"]);
		for (const s of u) {
			expect(s.state).toBe("TASK_RUNNING");
			expect(s.reason).toBe("REASON_RECONCILIATION");
			expect(s.source).toBe("SOURCE_MASTER");
			expect(s.uuid).toBeUndefined();
		}
	});

	it("explicit, known task: its latest state", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("a", o!, { cpus: 1 })]);
		h.run(1_000);
		f.clearEvents();
		f.call({ type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "a" } }] } });
		expect(f.updates().map((s) => [s.task_id.value, s.state, s.reason])).toEqual([
			["a", "TASK_RUNNING", "REASON_RECONCILIATION"],
		]);
	});

	const unknownCases: [string, string, boolean, string][] = [
		["registered agent, partition-aware", "TASK_GONE", true, "registered"],
		["registered agent", "TASK_LOST", false, "registered"],
		["unknown agent, partition-aware", "TASK_UNKNOWN", true, "unknown"],
		["unknown agent", "TASK_LOST", false, "unknown"],
		["unreachable agent, partition-aware", "TASK_UNREACHABLE", true, "unreachable"],
		["unreachable agent", "TASK_LOST", false, "unreachable"],
		["agent marked gone, partition-aware", "TASK_GONE_BY_OPERATOR", true, "gone"],
	];
	it.each(unknownCases)("explicit, unknown task on a %s => %s", (_n, expected, pa, where) => {
		const { h, f } = setup({ info: pa ? { capabilities: PA } : {}, agents: [{ count: 2 }] });
		let agentId = h.master.cluster.ids[0]!;
		if (where === "unknown") agentId = `${h.master.id}-S77`;
		if (where === "unreachable") {
			h.fleet.partition(0, 200_000);
			h.run(100_000);
			agentId = h.fleet.agentId(0)!;
		}
		if (where === "gone") expect(h.master.markAgentGone(agentId)).toBe(true);
		f.clearEvents();
		f.call({
			type: "RECONCILE",
			reconcile: { tasks: [{ task_id: { value: "nobody" }, agent_id: { value: agentId } }] },
		});
		const u = f.updates("nobody");
		expect(u.map((s) => [s.state, s.source])).toEqual([[expected, "SOURCE_MASTER"]]);
		expect(u[0]!.uuid).toBeUndefined();
	});
});

describe("UPDATE_FRAMEWORK", () => {
	const fixed: [string, Partial<FrameworkInfo>][] = [
		["user", { user: "someone-else" }],
		["principal", { principal: "other" }],
		["checkpoint", { checkpoint: true }],
	];
	it.each(fixed)("cannot change %s (400)", (_n, change) => {
		const { f } = setup({ info: { principal: "p" } });
		const framework_info: FrameworkInfo = {
			user: "test",
			name: "test",
			principal: "p",
			id: { value: f.id },
			...change,
		};
		const res = f.call({ type: "UPDATE_FRAMEWORK", update_framework: { framework_info } });
		expect(res.status).toBe(400);
	});

	it("dropping a role rescinds that role's offers (RESCIND) and keeps the others", () => {
		const { h, f } = setup({ info: { roles: ["a", "b"], capabilities: MULTI }, agents: [{ count: 2 }] });
		const offers = f.offers();
		expect(offers.map((o) => o.allocation_info?.role).sort()).toEqual(["a", "b"]);
		const bOffer = offers.find((o) => o.allocation_info?.role === "b")!;
		const aOffer = offers.find((o) => o.allocation_info?.role === "a")!;
		const res = f.call({
			type: "UPDATE_FRAMEWORK",
			update_framework: {
				framework_info: {
					user: "test",
					name: "test",
					id: { value: f.id },
					roles: ["a"],
					capabilities: MULTI,
				},
			},
		});
		expect(res.status).toBe(200);
		expect(f.eventsOf("RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([bOffer.id.value]);
		expect(h.master.offer(aOffer.id.value)).toBeDefined();
		expect(h.master.offer(bOffer.id.value)).toBeUndefined();
		expect(h.violations()).toEqual([]);
	});

	it("changing roles moves the offers: the added role gets offers, the dropped one none", () => {
		const { h, f } = setup({ info: { roles: ["a", "b"], capabilities: MULTI }, agents: [{ count: 4 }] });
		expect(new Set(f.offers().map((o) => o.allocation_info?.role))).toEqual(new Set(["a", "b"]));
		const framework_info: FrameworkInfo = {
			user: "test",
			name: "test",
			id: { value: f.id },
			roles: ["a", "c"],
			capabilities: MULTI,
		};
		expect(f.call({ type: "UPDATE_FRAMEWORK", update_framework: { framework_info } }).status).toBe(200);
		const roles: string[] = [];
		f.react = (e) => {
			if (e.type !== "OFFERS") return;
			for (const o of e.offers.offers) {
				roles.push(o.allocation_info!.role!);
				f.decline([o], 0);
			}
		};
		f.decline(f.offers(), 0);
		h.run(5_000);
		expect(new Set(roles)).toEqual(new Set(["a", "c"]));
		expect(h.violations()).toEqual([]);
	});

	it("unsuppressing a role clears its filters", () => {
		const { h, f } = setup();
		const info: FrameworkInfo = { user: "test", name: "test", id: { value: f.id } };
		const update = (suppressed: string[]) =>
			f.call({
				type: "UPDATE_FRAMEWORK",
				update_framework: { framework_info: info, suppressed_roles: suppressed },
			});
		f.decline(f.offers(), 3600);
		// An update that does not unsuppress anything keeps the filter.
		expect(update([]).status).toBe(200);
		h.run(5_000);
		expect(offerEvents(f)).toHaveLength(1);
		expect(update(["*"]).status).toBe(200);
		h.run(2_000);
		expect(offerEvents(f)).toHaveLength(1);
		expect(update([]).status).toBe(200);
		h.run(1_000);
		expect(offerEvents(f).map((x) => x.t)).toEqual([0, 8_000]);
	});
});

describe("TEARDOWN", () => {
	it("kills the framework's tasks, closes its stream and moves it to completedFrameworks", () => {
		const { h, f } = setup({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const other = h.framework();
		const [o] = f.offers();
		f.launch([o!], [task("a", o!, { cpus: 1 }), task("b", o!, { cpus: 1 })], 0);
		h.run(1_000);
		expect(h.fleet.liveTasks).toBe(2);
		other.subscribe({ name: "other" });
		h.settle();
		expect(f.call({ type: "TEARDOWN" }).status).toBe(202);
		h.settle();
		expect(f.closed).toBe(true);
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.master.framework(f.id)).toBeUndefined();
		const done = h.master.completedFrameworks.items();
		expect(done.map((x) => x.id)).toEqual([f.id]);
		expect(done[0]!.tasks.size).toBe(0);
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
		expect(f.call({ type: "REVIVE" })).toMatchObject({ status: 400, message: "Framework cannot be found" });
		// Its resources go to the other framework at the next cycle.
		h.run(1_000);
		expect(other.offers().reduce((s, x) => s + scalar(x, "cpus"), 0)).toBe(4);
		expect(h.violations()).toEqual([]);
	});
});

describe("status updates", () => {
	it("STAGING (master) -> STARTING -> RUNNING -> FINISHED; agent updates carry a uuid", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		f.launch([o!], [task("t", o!, { cpus: 1 }, "sleep 5")]);
		const rec = h.master.framework(f.id)!.tasks.get("t")!;
		expect(rec.state).toBe("TASK_STAGING");
		h.run(5_000);
		const u = f.updates("t");
		expect(u.map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
		expect(f.eventsOf("UPDATE").map((e) => f.timeOf(e))).toEqual([0, 0, 5_000]);
		for (const s of u) {
			expect(s.uuid).toMatch(UUID);
			expect(s.agent_id?.value).toBe(o!.agent_id.value);
		}
		expect(new Set(u.map((s) => s.uuid)).size).toBe(3);
		expect(rec.statuses.map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
		expect(h.master.framework(f.id)!.tasks.has("t")).toBe(false); // acknowledged terminal: completed
		expect(h.violations()).toEqual([]);
	});

	it("an unacknowledged update is resent after 10 s, 20 s, 40 s …, the next one waits for the ACK", () => {
		const { h, f } = setup();
		f.autoAck = false;
		const [o] = f.offers();
		f.launch([o!], [task("t", o!, { cpus: 1 })]);
		h.run(75_000);
		const starting = f.eventsOf("UPDATE").filter((e) => e.update.status.task_id.value === "t");
		expect(starting.map((e) => [f.timeOf(e), e.update.status.state])).toEqual([
			[0, "TASK_STARTING"],
			[10_000, "TASK_STARTING"],
			[30_000, "TASK_STARTING"],
			[70_000, "TASK_STARTING"],
		]);
		expect(new Set(starting.map((e) => e.update.status.uuid)).size).toBe(1);
		expect(f.ack(starting[0]!.update.status).status).toBe(202);
		h.settle();
		expect(states(f, "t").slice(4)).toEqual(["TASK_RUNNING"]);
		f.ack(f.updates("t")[4]!);
		h.run(300_000);
		expect(states(f, "t")).toHaveLength(5); // both acknowledged: no more resends
	});

	it("master-made updates carry no uuid and are not resent", () => {
		const { h, f } = setup();
		f.autoAck = false;
		f.call({ type: "KILL", kill: { task_id: { value: "ghost" } } });
		h.run(100_000);
		expect(f.updates("ghost")).toHaveLength(1);
		expect(f.updates("ghost")[0]!.uuid).toBeUndefined();
	});
});

describe("disconnect and failover_timeout", () => {
	function running(failover: number) {
		const { h, f } = setup({ info: { failover_timeout: failover } });
		const [o] = f.offers();
		f.launch([o!], [task("t", o!, { cpus: 1 })], 0);
		h.run(1_000);
		expect(states(f, "t")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		return { h, f };
	}

	it("disconnecting rescinds the framework's offers; calls then get 403", () => {
		const { h, f } = running(60);
		expect(h.master.outstandingOffers).toBe(1);
		f.disconnect();
		expect(h.master.outstandingOffers).toBe(0);
		expect(f.call({ type: "REVIVE" }).status).toBe(403);
		h.run(5_000);
		expect(h.master.outstandingOffers).toBe(0); // a disconnected framework gets no offers
		expect(h.violations()).toEqual([]);
	});

	it("tasks survive a resubscription within failover_timeout", () => {
		const { h, f } = running(60);
		f.disconnect();
		h.run(59_000);
		const f2 = h.framework();
		f2.id = f.id;
		f2.subscribe({ failover_timeout: 60 });
		h.run(120_000);
		expect(h.master.framework(f.id)).toBeDefined();
		expect(h.fleet.liveTasks).toBe(1);
		f2.call({ type: "RECONCILE", reconcile: { tasks: [] } });
		expect(states(f2, "t")).toEqual(["TASK_RUNNING"]);
	});

	it("after failover_timeout the framework is removed and its tasks killed", () => {
		const { h, f } = running(60);
		const t0 = h.engine.now;
		f.disconnect();
		h.run(59_999);
		expect(h.master.framework(f.id)).toBeDefined();
		expect(h.fleet.liveTasks).toBe(1);
		h.run(1);
		expect(h.engine.now - t0).toBe(60_000);
		expect(h.master.framework(f.id)).toBeUndefined();
		expect(h.master.completedFrameworks.items().map((x) => x.id)).toEqual([f.id]);
		h.settle();
		expect(h.fleet.liveTasks).toBe(0);
		const f2 = h.framework();
		f2.id = f.id;
		f2.subscribe();
		h.settle();
		expect(f2.events).toEqual([{ type: "ERROR", error: { message: "Framework has been removed" } }]);
		expect(h.violations()).toEqual([]);
	});

	it("failover_timeout 0 (the default): removed at once on disconnect", () => {
		const { h, f } = running(0);
		f.disconnect();
		h.settle();
		expect(h.master.framework(f.id)).toBeUndefined();
		expect(h.fleet.liveTasks).toBe(0);
		expect(h.master.cluster.allocated[0]![0]).toBe(0);
	});
});
