/**
 * The script's `tasks` measure counts tasks in every state the master keeps,
 * TASK_UNREACHABLE included: the master moves the tasks of a partitioned
 * agent out of fw.tasks into fw.unreachableTasks (and back when the agent
 * reregisters), so a count over fw.tasks alone read 0 during the partition
 * (lesson 10 states the unreachable count).
 */
import { describe, expect, it } from "vitest";
import { MeasureReader } from "../../sim/narration/index.js";
import { buildSimulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

const scenario = validateScenario(
	{
		name: "partition",
		seed: 1,
		duration: "6m",
		agents: [{ group: "host", count: 4, cpus: 4, mem: 8192 }],
		frameworks: [
			{
				type: "simple",
				name: "aware",
				partitionAware: true,
				tasks: { count: 8, cpus: 1, mem: 256, command: "sleep infinity", maxPerOffer: 2 },
			},
		],
		timeline: [{ at: "1m", action: "partitionAgents", agents: { indices: [0] }, for: "3m" }],
	},
	{ sourceName: "test" },
);

describe("the tasks measure with TASK_UNREACHABLE", () => {
	const sim = buildSimulation(scenario);
	const reader = new MeasureReader(sim);
	const count = (state: string) => reader.read({ kind: "tasks", framework: "aware", state });

	it("counts the tasks of an unreachable agent while the partition lasts, and not once it heals", () => {
		sim.engine.runUntil(180_000); // unreachable after 75 s of silence: 2m15s
		const unreachable = count("TASK_UNREACHABLE");
		expect(unreachable).toBe(2);
		expect(count("TASK_RUNNING")).toBe(8 - unreachable!);
		sim.engine.runUntil(300_000); // healed at 4m: the tasks are re-added
		expect(count("TASK_UNREACHABLE")).toBe(0);
		expect(count("TASK_RUNNING")).toBe(8);
	});
});
