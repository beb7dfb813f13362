/**
 * ACCEPT and DECLINE edge cases the master must answer plainly (survivors of a
 * mutation run of master/offers/accept.ts, docs/testing.md): calls of the
 * wrong shape, offer lists that are invalid for a reason the framework is
 * told, and the tasks of task groups lost with them.
 */
import { describe, expect, it } from "vitest";
import type { Call, Offer, Operation, TaskInfo } from "../../master/index.js";
import type { AnswerRecord } from "../../master/protocol/decisions.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";

function setup(): { h: Harness; f: TestFramework } {
	const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
	const f = h.framework();
	expect(f.subscribe({}).ok).toBe(true);
	h.settle();
	return { h, f };
}

const launchOp = (tasks: TaskInfo[]): Operation => ({ type: "LAUNCH", launch: { task_infos: tasks } });

describe("ACCEPT and DECLINE of the wrong shape", () => {
	const cases: [string, Omit<Call, "framework_id">, string][] = [
		["ACCEPT without accept", { type: "ACCEPT" }, "Expecting 'accept.offer_ids' to be a list"],
		[
			"ACCEPT with offer_ids not a list",
			{ type: "ACCEPT", accept: { offer_ids: "O1" } } as unknown as Call,
			"Expecting 'accept.offer_ids' to be a list",
		],
		[
			"ACCEPT with operations not a list",
			{ type: "ACCEPT", accept: { offer_ids: [], operations: {} } } as unknown as Call,
			"'accept.operations' must be a list",
		],
		[
			"ACCEPT with accept null",
			{ type: "ACCEPT", accept: null } as unknown as Call,
			"Expecting 'accept.offer_ids' to be a list",
		],
		["DECLINE without decline", { type: "DECLINE" }, "Expecting 'decline.offer_ids' to be a list"],
	];
	it.each(cases)("%s: 400, saying what is wrong; the offers stay", (_name, call, message) => {
		const { h, f } = setup();
		expect(f.call(call)).toEqual({ ok: false, status: 400, message });
		expect(h.master.outstandingOffers).toBe(1);
	});
});

describe("ACCEPT with an invalid list of offers", () => {
	const cases: [string, (offerId: string) => { value?: string }[], string][] = [
		["an offer without an id", (id) => [{ value: id }, {}], "Offer id is missing"],
		["a null entry", (id) => [{ value: id }, null as unknown as { value?: string }], "Offer id is missing"],
		["the same offer twice", (id) => [{ value: id }, { value: id }], "Duplicate offer"],
		["no offers at all", () => [], "No offers specified"],
	];
	it.each(cases)(
		"%s: the tasks are lost with the reason, valid offers come back unfiltered",
		(_n, ids, problem) => {
			const { h, f } = setup();
			const [o] = f.offers();
			const group: Operation = {
				type: "LAUNCH_GROUP",
				launch_group: {
					executor: { executor_id: { value: "e" } },
					task_group: { tasks: [task("g1", o!, { cpus: 1 }), task("g2", o!, { cpus: 1 })] },
				},
			} as Operation;
			const res = f.call({
				type: "ACCEPT",
				accept: {
					offer_ids: ids(o!.id.value) as { value: string }[],
					operations: [launchOp([task("t1", o!, { cpus: 1 })]), group, { type: "RESERVE" } as Operation],
					filters: { refuse_seconds: 3600 },
				},
			});
			expect(res.status).toBe(202);
			h.settle();
			for (const id of ["t1", "g1", "g2"]) {
				const u = f.updates(id);
				expect(u.map((s) => [s.state, s.reason])).toEqual([["TASK_LOST", "REASON_INVALID_OFFERS"]]);
				expect(u[0]!.message).toContain(problem);
			}
			expect(h.master.framework(f.id)!.tasks.size).toBe(0);
			// A named valid offer ends and comes back without the ACCEPT's filter at the
			// next cycle; an offer the call did not name stays outstanding.
			const named = ids(o!.id.value).length > 0;
			expect(h.master.outstandingOffers).toBe(named ? 0 : 1);
			// It counts as declined (not accepted, not rescinded).
			const counters = h.master.framework(f.id)!.counters;
			expect([counters.offersDeclined, counters.offersAccepted, counters.offersRescinded]).toEqual([
				named ? 1 : 0,
				0,
				0,
			]);
			h.run(1_000);
			expect(f.eventsOf("OFFERS")).toHaveLength(named ? 2 : 1);
		},
	);
});

describe("ACCEPT with operations that are not what they should be", () => {
	it("null tasks, a LAUNCH_GROUP without its group: nothing crashes, the tasks it can name get TASK_ERROR", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		const res = f.call({
			type: "ACCEPT",
			accept: {
				offer_ids: [o!.id],
				operations: [
					{ type: "LAUNCH", launch: { task_infos: [null, {}] } } as unknown as Operation,
					{ type: "LAUNCH_GROUP" } as Operation,
					{ type: "LAUNCH_GROUP", launch_group: {} } as Operation,
					launchOp([task("ok", o!, { cpus: 1 })]),
				],
			},
		});
		expect(res.status).toBe(202);
		h.settle();
		expect(f.updates("").map((s) => [s.state, s.message])).toEqual([
			["TASK_ERROR", "Task has no 'task_id'"],
			["TASK_ERROR", "Task has no 'task_id'"],
		]);
		expect(f.updates("ok").at(-1)!.state).toBe("TASK_RUNNING");
		expect(h.violations()).toEqual([]);
	});

	it("on invalid offers, null tasks are lost without an id rather than crashing the master", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		const res = f.call({
			type: "ACCEPT",
			accept: {
				offer_ids: [o!.id, o!.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [null, {}] } } as unknown as Operation],
			},
		});
		expect(res.status).toBe(202);
		h.settle();
		expect(f.updates("").map((s) => s.state)).toEqual(["TASK_LOST", "TASK_LOST"]);
		expect(h.violations()).toEqual([]);
	});

	const junk = [
		null,
		5,
		{ type: "LAUNCH" },
		{ type: "LAUNCH", launch: { task_infos: {} } },
		{ type: "LAUNCH_GROUP", launch_group: { task_group: { tasks: "t" } } },
	] as unknown as Operation[];

	it.each([
		["valid", false],
		["invalid (the offer twice)", true],
	])("operations that are null, numbers or hold no list are skipped, the offers %s", (_n, twice) => {
		const { h, f } = setup();
		const [o] = f.offers();
		const res = f.call({
			type: "ACCEPT",
			accept: {
				offer_ids: twice ? [o!.id, o!.id] : [o!.id],
				operations: [...junk, launchOp([task("ok", o!, { cpus: 1 })])],
			},
		});
		expect(res.status).toBe(202);
		h.settle();
		expect(f.updates().map((s) => [s.task_id.value, s.state])).toEqual(
			twice
				? [["ok", "TASK_LOST"]]
				: [
						["ok", "TASK_STARTING"],
						["ok", "TASK_RUNNING"],
					],
		);
		expect(h.violations()).toEqual([]);
	});
});

describe("DECLINE", () => {
	it("skips entries that are null and offers of another framework, which stay outstanding", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		const { f1, f2, o1: mine, o2: theirs } = h.twoFrameworksWithOffers();
		const res = f1.call({
			type: "DECLINE",
			decline: { offer_ids: [null, theirs!.id, mine!.id] as unknown as { value: string }[] },
		});
		expect(res.status).toBe(202);
		expect(h.master.offer(theirs!.id.value)).toBeDefined();
		expect(h.master.offer(mine!.id.value)).toBeUndefined();
		expect(h.master.framework(f2.id)!.counters.offersDeclined).toBe(0);
	});
});

describe("what ACCEPT and DECLINE tell the decision recorder", () => {
	function recording() {
		const { h, f } = setup();
		const answers: AnswerRecord[] = [];
		h.master.recordDecisions({ write: (r) => r.kind === "answer" && answers.push(r) });
		return { h, f, answers };
	}

	it("a DECLINE: its offers and refuse seconds as sent (null when absent); one of no offer of its own, nothing", () => {
		const { h, f, answers } = recording();
		const newest = (): Offer => f.offers().at(-1)!;
		const o = newest();
		f.call({ type: "DECLINE", decline: { offer_ids: [{ value: "O-nope" }] } });
		expect(answers).toEqual([]);
		expect(f.call({ type: "DECLINE", decline: { offer_ids: [o.id] } }).status).toBe(202);
		expect(answers).toHaveLength(1);
		expect(answers[0]).toMatchObject({
			call: "DECLINE",
			framework_id: f.id,
			offer_ids: [o.id.value],
			refuse_seconds: null,
			task_ids: [],
		});
		// Mesos's default filter of 5 s: the agent is offered again after it.
		h.run(6_000);
		const o2 = newest();
		f.call({
			type: "DECLINE",
			decline: { offer_ids: [o2.id], filters: { refuse_seconds: "7" as unknown as number } },
		});
		h.run(6_000);
		const o3 = newest();
		f.decline([o3], 0.5);
		h.run(2_000);
		const o4 = newest();
		f.decline([o4], 7);
		expect(new Set([o, o2, o3, o4].map((x) => x.id.value)).size).toBe(4);
		expect(answers.map((a) => a.refuse_seconds)).toEqual([null, null, 0.5, 7]);
	});

	it("an ACCEPT: the launched tasks' ids, not the refused ones; the refuse seconds as sent", () => {
		const { h, f, answers } = recording();
		const [o] = f.offers();
		const res = f.call({
			type: "ACCEPT",
			accept: {
				offer_ids: [o!.id],
				operations: [launchOp([task("ok", o!, { cpus: 1 })]), launchOp([task("too-big", o!, { cpus: 64 })])],
				filters: { refuse_seconds: 30 },
			},
		});
		expect(res.status).toBe(202);
		h.settle();
		expect(f.updates("too-big").map((s) => s.state)).toEqual(["TASK_ERROR"]);
		expect(answers).toEqual([
			expect.objectContaining({
				call: "ACCEPT",
				offer_ids: [o!.id.value],
				refuse_seconds: 30,
				task_ids: ["ok"],
			}),
		]);
		h.run(31_000);
		const o2 = f.offers().at(-1)!;
		expect(o2.id).not.toEqual(o!.id);
		f.call({ type: "ACCEPT", accept: { offer_ids: [o2.id], operations: [] } });
		expect(answers[1]).toMatchObject({ call: "ACCEPT", refuse_seconds: null, task_ids: [] });
	});

	it("an invalid ACCEPT answers for its valid offers only, unfiltered; with none valid, nothing", () => {
		const { h, f, answers } = recording();
		const [o] = f.offers();
		f.call({
			type: "ACCEPT",
			accept: { offer_ids: [o!.id, o!.id], operations: [], filters: { refuse_seconds: 30 } },
		});
		expect(answers).toEqual([
			expect.objectContaining({
				call: "ACCEPT",
				offer_ids: [o!.id.value],
				refuse_seconds: null,
				filter_until: null,
				task_ids: [],
			}),
		]);
		f.call({ type: "ACCEPT", accept: { offer_ids: [{ value: "O-nope" }], operations: [] } });
		expect(answers).toHaveLength(1);
		// The offer came back unfiltered: offered again at the next cycle.
		h.run(1_000);
		expect(f.offers().at(-1)!.id).not.toEqual(o!.id);
		expect(h.master.outstandingOffers).toBe(1);
	});
});

describe("ACCEPT of several offers", () => {
	it("an unknown offer and offers of two agents: the first problem found is the one reported", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096 }] });
		const f = h.framework();
		expect(f.subscribe({}).ok).toBe(true);
		h.settle();
		const [o1, o2] = f.offers();
		expect(o1!.agent_id).not.toEqual(o2!.agent_id);
		f.call({
			type: "ACCEPT",
			accept: {
				offer_ids: [{ value: "O-gone" }, o1!.id, o2!.id],
				operations: [launchOp([task("t1", o1!, { cpus: 1 })])],
			},
		});
		h.settle();
		expect(f.updates("t1").map((s) => [s.state, s.message])).toEqual([
			["TASK_LOST", "Offer O-gone is no longer valid"],
		]);
	});

	it("two offers of one agent and role: one launch across both, what is left comes back once", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const f = h.framework();
		expect(f.subscribe({}).ok).toBe(true);
		h.settle();
		const [o0] = f.offers();
		f.launch([o0!], [task("A", o0!, { cpus: 1, mem: 128 })], 0);
		h.run(1_000);
		const o1 = f.offers().at(-1)!;
		// A ends while o1 is held: its cpu comes as a second offer of the same agent.
		f.call({ type: "KILL", kill: { task_id: { value: "A" } } });
		h.run(1_000);
		const o2 = f.offers().at(-1)!;
		expect(o2.id).not.toEqual(o1.id);
		expect(h.master.offersOnAgent(0).size).toBe(2);
		expect(f.launch([o1, o2], [task("B", o1, { cpus: 3.5, mem: 256 })], 0).status).toBe(202);
		h.run(1_000);
		expect(f.updates("B").at(-1)!.state).toBe("TASK_RUNNING");
		const back = f.offers().at(-1)!;
		const cpus = back.resources.find((r) => r.name === "cpus")!.scalar!.value;
		expect(cpus).toBeCloseTo(0.5, 9);
		expect(h.violations()).toEqual([]);
	});
});
