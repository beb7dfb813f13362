/**
 * Weights are kept by role path, whether or not the path has a sorter node
 * yet, and apply to nodes made later (Mesos DRFSorter::updateWeight and
 * getWeight, src/master/allocator/mesos/sorter/drf/sorter.cpp). The first test
 * ports Mesos's DRFSorterTest.ChangeWeightOnSubtree (src/tests/sorter_tests.cpp)
 * step by step; the second checks the same rule end to end through the master.
 */
import { describe, expect, it } from "vitest";
import { DrfSorter } from "../../master/index.js";
import { Harness, scalar, task } from "../helpers/harness.js";

const q = (cpus: number, mem: number): number[] => [cpus, mem, 0, 0];
const order = (s: DrfSorter): string[] => s.sort().map((c) => c.name.replace(/\/\.$/, ""));

describe("weights by role path", () => {
	it("Mesos's ChangeWeightOnSubtree: weights set before the nodes exist shape the order", () => {
		const s = new DrfSorter(true);
		s.addTotal(q(100, 100), 1);
		s.setWeight("b", 3);
		s.setWeight("a", 2);
		let key = 0;
		const add = (name: string) => {
			s.add(name, key++);
			s.activate(name);
		};
		add("a/x");
		add("b/y");
		expect(order(s)).toEqual(["a/x", "b/y"]);
		s.allocated("a/x", q(10, 10), 1);
		s.allocated("b/y", q(10, 10), 1);
		expect(order(s)).toEqual(["b/y", "a/x"]);
		add("b/z");
		s.allocated("b/z", q(5, 5), 1);
		expect(order(s)).toEqual(["b/z", "b/y", "a/x"]);
		add("b");
		s.allocated("b", q(4, 4), 1);
		expect(order(s)).toEqual(["a/x", "b", "b/z", "b/y"]);
		add("a/zz");
		s.allocated("a/zz", q(2, 2), 1);
		expect(order(s)).toEqual(["a/zz", "a/x", "b", "b/z", "b/y"]);
	});

	it("a weight on a parent role with no framework of its own applies once its children arrive: eng (3) splits 60/60 against analytics' 40", () => {
		// 16 agents of 10 cpus: eng/web and eng/batch share eng's weight 3 against analytics' 1.
		const h = new Harness({ agents: [{ count: 16, cpus: 10, mem: 10_000, disk: 0 }] });
		h.master.updateWeights([{ role: "eng", weight: 3 }]);
		const cpus = new Map<string, number>();
		for (const role of ["eng/web", "eng/batch", "analytics"]) {
			const fw = h.framework();
			let n = 0;
			fw.react = (e) => {
				if (e.type !== "OFFERS") return;
				for (const o of e.offers.offers) {
					const c = scalar(o, "cpus");
					fw.launch([o], [task(`${role}-${n++}`, o, { cpus: c, mem: scalar(o, "mem") })]);
					cpus.set(role, (cpus.get(role) ?? 0) + c);
				}
			};
			expect(fw.subscribe({ name: role, roles: [role], capabilities: [{ type: "MULTI_ROLE" }] }).ok).toBe(
				true,
			);
		}
		h.run(30_000);
		expect(Object.fromEntries(cpus)).toEqual({ "eng/web": 60, "eng/batch": 60, analytics: 40 });
		expect(h.violations()).toEqual([]);
	});
});
