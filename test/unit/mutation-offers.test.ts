/**
 * The offer book and offer messages (master/offers/book.ts, message.ts) where
 * other tests do not look: an agent holding two offers at once losing both,
 * and an offer whose scalars equal the agent's previous offers but whose ports
 * do not (the message cache must not hand back the earlier ports).
 */
import { describe, expect, it } from "vitest";
import type { Offer } from "../../master/index.js";
import { Harness, type TestFramework, task } from "../helpers/harness.js";
import { twoOffersOnOneAgent } from "../helpers/master-probes.js";

const portsOf = (o: Offer) => o.resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges!.range);

describe("an agent holding two offers", () => {
	it("deactivated: both offers are rescinded, each framework told", () => {
		// Role a may hold 1 cpu: the agent's offer to it is capped, the rest goes to role b.
		const { h, a, b } = twoOffersOnOneAgent();
		const [oa] = a.offers();
		const [ob] = b.offers();
		expect(h.master.offersOnAgent(0).size).toBe(2);
		const ended: string[] = [];
		const prev = h.master.observer.offerEnded;
		h.master.observer.offerEnded = (o, how) => {
			prev?.(o, how);
			ended.push(how);
		};
		const rescindsBefore = h.master.metrics.offersRescinded;
		expect(h.master.setAgentActive(h.fleet.agentId(0)!, false)).toBe(true);
		expect(ended).toEqual(["rescinded", "rescinded"]);
		expect(h.master.metrics.offersRescinded - rescindsBefore).toBe(2);
		for (const f of [a, b]) expect(h.master.framework(f.id)!.counters.offersRescinded).toBe(1);
		h.settle();
		const rescinded = (f: TestFramework) => f.eventsOf("RESCIND").map((e) => e.rescind.offer_id.value);
		expect([rescinded(a), rescinded(b)]).toEqual([[oa!.id.value], [ob!.id.value]]);
		expect(h.master.offersOnAgent(0).size).toBe(0);
		expect(h.violations()).toEqual([]);
	});
});

describe("offer messages of one agent", () => {
	it.each([
		["one range each, other ports", 32_000],
		["one range, then two", 31_005],
	])("the same scalars with other ports (%s): the offer lists its own ports", (_n, taken) => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const f = h.framework();
		expect(f.subscribe({ name: "f" }).ok).toBe(true);
		h.settle();
		// A holds port 31000.
		const [o1] = f.offers();
		f.launch([o1!], [task("A", o1!, { cpus: 1, mem: 128, ports: [{ begin: 31_000, end: 31_000 }] })], 0);
		h.run(1_000);
		// The same offer twice (the second time its message is built once and kept).
		f.decline([f.offers().at(-1)!], 0);
		h.run(1_000);
		const o2 = f.offers().at(-1)!;
		expect(portsOf(o2)).toEqual([{ begin: 31_001, end: 32_000 }]);
		// B takes another port from that offer; A ends: the same cpus and mem are free again.
		f.launch([o2], [task("B", o2, { cpus: 1, mem: 128, ports: [{ begin: taken, end: taken }] })], 0);
		f.call({ type: "KILL", kill: { task_id: { value: "A" } } });
		h.run(2_000);
		const o3 = f.offers().at(-1)!;
		expect(o3.id).not.toEqual(o2.id);
		const scalars = (o: Offer) =>
			o.resources.filter((r) => r.name !== "ports").map((r) => [r.name, r.scalar?.value]);
		expect(scalars(o3)).toEqual(scalars(o2));
		const want =
			taken === 32_000
				? [{ begin: 31_000, end: 31_999 }]
				: [
						{ begin: 31_000, end: 31_004 },
						{ begin: 31_006, end: 32_000 },
					];
		expect(portsOf(o3)).toEqual(want);
	});
});

describe("an offer's resources, as Mesos writes them", () => {
	it.each([false, true])(
		"MULTI_ROLE %s: each scalar and the ports, typed, with the role where Mesos puts it",
		(multi) => {
			const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096, disk: 1000, gpus: 0 }] });
			const f = h.framework();
			const info = multi
				? { roles: ["eng"], capabilities: [{ type: "MULTI_ROLE" as const }] }
				: { role: "eng" };
			expect(f.subscribe(info).ok).toBe(true);
			h.settle();
			const role = multi ? { allocation_info: { role: "eng" } } : { role: "*" };
			const want = [
				{ name: "cpus", type: "SCALAR", scalar: { value: 4 }, ...role },
				{ name: "mem", type: "SCALAR", scalar: { value: 4096 }, ...role },
				{ name: "disk", type: "SCALAR", scalar: { value: 1000 }, ...role },
				{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31_000, end: 32_000 }] }, ...role },
			];
			// The first offer, then the same again twice (built once more, then kept and shared).
			for (let i = 0; i < 3; i++) {
				const o = f.offers().at(-1)!;
				expect(o.resources).toEqual(want);
				if (i === 2) {
					for (const r of o.resources) {
						expect(Object.isFrozen(r)).toBe(true);
						if (multi) expect(Object.isFrozen(r.allocation_info)).toBe(true);
					}
				}
				f.decline([o], 0);
				h.run(1_000);
			}
		},
	);
});
