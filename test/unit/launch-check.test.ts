/**
 * checkLaunches (master/offers/accept.ts): launch validation as a pure
 * function — the verdict per task / task group in call order, what the offers
 * have left, and the inputs untouched.
 */
import { describe, expect, it } from "vitest";
import type { Operation, Resource, TaskInfo } from "../../master/index.js";
import { checkLaunches } from "../../master/offers/accept.js";

const roles = { findRole: (name: string) => (name === "web" ? { idx: 1 } : undefined) };

function task(id: string, cpus: number, extra: Partial<TaskInfo> = {}): TaskInfo {
	const resources: Resource[] = [{ name: "cpus", type: "SCALAR", scalar: { value: cpus } }];
	return {
		name: id,
		task_id: { value: id },
		agent_id: { value: "S1" },
		resources,
		command: { value: "sleep 1" },
		...extra,
	} as TaskInfo;
}

const launch = (...tasks: TaskInfo[]): Operation => ({ type: "LAUNCH", launch: { task_infos: tasks } });

describe("checkLaunches", () => {
	it("takes each launched task's resources before checking the next, and leaves the inputs as they were", () => {
		const offers = [
			{ role: 0, q: Float64Array.of(2, 1024, 0, 0), ports: [] },
			{ role: 0, q: Float64Array.of(1, 0, 0, 0), ports: [] },
		];
		const before = offers.map((o) => Array.from(o.q));
		const v = checkLaunches(
			offers,
			[launch(task("a", 2), task("b", 2), task("c", 1))],
			"S1",
			new Map(),
			roles,
		);
		expect(v.steps.map((s) => (s.ok ? "ok" : s.problem))).toEqual([
			"ok",
			"Task 'b' uses more resources than offered",
			"ok",
		]);
		expect(v.launched).toBe(2);
		expect(Array.from(v.leftovers.get(0)!.q)).toEqual([0, 1024, 0, 0]);
		expect(offers.map((o) => Array.from(o.q))).toEqual(before);
	});

	it("refuses a group as a whole, a reused id (live or launched earlier in the call) and a wrong agent", () => {
		const offers = [{ role: 0, q: Float64Array.of(4, 0, 0, 0), ports: [] }];
		const group: Operation = {
			type: "LAUNCH_GROUP",
			launch_group: {
				executor: { executor_id: { value: "e" } },
				task_group: { tasks: [task("g1", 1), task("g2", 9)] },
			},
		} as Operation;
		const live = new Map([["old", {}]]);
		const v = checkLaunches(
			offers,
			[
				group,
				launch(task("old", 1), task("x", 1), task("x", 1), task("y", 1, { agent_id: { value: "S2" } })),
			],
			"S1",
			live,
			roles,
		);
		expect(v.steps.map((s) => (s.ok ? "ok" : s.problem))).toEqual([
			"Task 'g2' uses more resources than offered",
			"Task 'old' already exists",
			"ok",
			"Task 'x' already exists",
			"Task 'y' uses agent S2 but the offers are for S1",
		]);
		expect(v.steps[0]!.tasks).toHaveLength(2);
		expect(Array.from(v.leftovers.get(0)!.q)).toEqual([3, 0, 0, 0]);
	});
});
