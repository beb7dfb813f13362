import { describe, expect, it } from "vitest";
import { Harness, scalar, task } from "../helpers/harness.js";

describe("master smoke", () => {
	it("offers a registered agent to a subscribed framework and runs a task to completion", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const f = h.framework();
		expect(f.subscribe().ok).toBe(true);
		h.settle();
		expect(f.events[0]!.type).toBe("SUBSCRIBED");
		const offers = f.offers();
		expect(offers).toHaveLength(1);
		expect(scalar(offers[0]!, "cpus")).toBe(4);
		expect(f.launch(offers, [task("t1", offers[0]!, { cpus: 1, mem: 128 }, "sleep 10")]).status).toBe(202);
		h.run(11_000);
		expect(f.updates("t1").map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
		expect(h.violations()).toEqual([]);
	});
});
