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

	it("names what is wrong with a task: no id, bad or unmodelled resources, none at all", () => {
		const offers = [{ role: 0, q: Float64Array.of(4, 1024, 0, 0), ports: [{ begin: 100, end: 200 }] }];
		const res = (...resources: Resource[]) => ({ resources });
		const v = checkLaunches(
			offers,
			[
				launch(
					task("", 1),
					task("neg", 1, res({ name: "cpus", type: "SCALAR", scalar: { value: -1 } })),
					task(
						"fpga",
						1,
						res(
							{ name: "fpgas", type: "SCALAR", scalar: { value: 1 } },
							{ name: "licences", type: "SCALAR", scalar: { value: 2 } },
						),
					),
					task("none", 0, res()),
					task(
						"portsOnly",
						0,
						res({ name: "ports", type: "RANGES", ranges: { range: [{ begin: 150, end: 150 }] } }),
					),
				),
			],
			"S1",
			new Map(),
			roles,
		);
		expect(v.steps.map((s) => (s.ok ? "ok" : s.problem))).toEqual([
			"Task has no 'task_id'",
			"Task 'neg': resource 'cpus' is negative (-1)",
			"Task 'fpga' uses resources mesosim does not model: fpgas, licences",
			"Task 'none' uses no resources",
			"ok",
		]);
		expect(v.leftovers.get(0)!.ports).toEqual([
			{ begin: 100, end: 149 },
			{ begin: 151, end: 200 },
		]);
	});

	it("offers of several roles: allocation_info picks the role; without it, the last role (in offer order) whose resources fit", () => {
		const offers = [
			{ role: 3, q: Float64Array.of(4, 0, 0, 0), ports: [] },
			{ role: 1, q: Float64Array.of(3, 0, 0, 0), ports: [] },
			{ role: 2, q: Float64Array.of(1, 0, 0, 0), ports: [] },
		];
		const inRole = (id: string, cpus: number, role: string): TaskInfo =>
			task(id, cpus, {
				resources: [{ name: "cpus", type: "SCALAR", scalar: { value: cpus }, allocation_info: { role } }],
			});
		const v = checkLaunches(
			offers,
			[launch(task("fitsTwo", 2), task("fitsOne", 3), inRole("web", 1, "web"), inRole("ghost", 1, "ghost"))],
			"S1",
			new Map(),
			roles,
		);
		expect(v.steps.map((s) => (s.ok ? s.tasks.map((t) => t.role) : s.problem))).toEqual([
			[1],
			[3],
			[1],
			"Task 'ghost' uses more resources than offered",
		]);
		expect([...v.leftovers].map(([r, p]) => [r, p.q[0]])).toEqual([
			[3, 1],
			[1, 0],
			[2, 1],
		]);
	});

	it("a task group's executor stands in for its tasks' command; a lone task needs one of its own", () => {
		const offers = [{ role: 0, q: Float64Array.of(4, 0, 0, 0), ports: [] }];
		const bare = (id: string): TaskInfo => {
			const { command: _none, ...rest } = task(id, 1);
			return rest as TaskInfo;
		};
		const group = (executor: object | undefined, ...ids: string[]): Operation =>
			({
				type: "LAUNCH_GROUP",
				launch_group: { executor, task_group: { tasks: ids.map(bare) } },
			}) as Operation;
		const v = checkLaunches(
			offers,
			[group({ executor_id: { value: "e" } }, "g1", "g2"), launch(bare("lone")), group(undefined, "h1")],
			"S1",
			new Map(),
			roles,
		);
		expect(v.steps.map((s) => (s.ok ? "ok" : s.problem))).toEqual([
			"ok",
			"Task 'lone' should have at least one (but not both) of CommandInfo or ExecutorInfo present",
			"Task 'h1' should have at least one (but not both) of CommandInfo or ExecutorInfo present",
		]);
	});

	it("a task without an agent id is refused naming it; a task with its own executor needs no command", () => {
		const offers = [{ role: 0, q: Float64Array.of(4, 0, 0, 0), ports: [] }];
		const { agent_id: _a, ...noAgent } = task("lost", 1);
		const { command: _c, ...own } = task("own", 1);
		const withExecutor = { ...own, executor: { executor_id: { value: "e" } } } as TaskInfo;
		const v = checkLaunches(offers, [launch(noAgent as TaskInfo, withExecutor)], "S1", new Map(), roles);
		expect(v.steps.map((s) => (s.ok ? "ok" : s.problem))).toEqual([
			"Task 'lost' uses agent undefined but the offers are for S1",
			"ok",
		]);
	});
});
