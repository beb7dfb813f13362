/**
 * The master's agent table (master/cluster.ts): columns indexed by agent
 * number that grow past their first capacity without losing a value, and
 * attribute lists shared between agents that have the same ones.
 */
import { describe, expect, it } from "vitest";
import { AGENT_STATE, Cluster } from "../../master/index.js";
import type { AgentEndpoint, AgentSpec } from "../../master/protocol/agent.js";
import type { Attribute } from "../../master/protocol/messages.js";

const endpoint = {} as AgentEndpoint;
const rack = (r: string): Attribute[] => [{ name: "rack", type: "TEXT", text: { value: r } }];

function spec(i: number, attributes: Attribute[] = []): AgentSpec {
	return {
		hostname: `h${i}`,
		cpus: i + 1,
		mem: 100 * (i + 1),
		disk: 1000,
		gpus: i % 2,
		ports: [{ begin: 31_000 + i, end: 31_000 + i }],
		attributes,
	};
}

describe("Cluster", () => {
	it("grows past its capacity: every column keeps what earlier agents had", () => {
		const cl = new Cluster(2);
		const n = 9;
		for (let i = 0; i < n; i++) {
			const a = cl.add(`S${i}`, spec(i), endpoint, 100 + i, 10 * i);
			expect(a).toBe(i);
			cl.setState(a, i % 3 === 0 ? AGENT_STATE.ACTIVE : AGENT_STATE.DISCONNECTED);
			cl.addOffered(a, Float64Array.of(0.5, 10, 0, 0));
			cl.addAllocated(a, Float64Array.of(0.25, 20, 0, 0));
			if (i % 2 === 1) cl.linkDown[a] = 1;
			cl.nextLinkGeneration(a);
		}
		expect(cl.size).toBe(n);
		for (let i = 0; i < n; i++) {
			expect(cl.indexOf(`S${i}`)).toBe(i);
			expect(cl.totalsOf(i)).toEqual([i + 1, 100 * (i + 1), 1000, i % 2]);
			expect([cl.offered[0]![i], cl.offered[1]![i], cl.allocated[0]![i], cl.allocated[1]![i]]).toEqual([
				0.5, 10, 0.25, 20,
			]);
			expect(cl.free(i, 0)).toBeCloseTo(i + 1 - 0.75, 9);
			expect(cl.state[i]).toBe(i % 3 === 0 ? AGENT_STATE.ACTIVE : AGENT_STATE.DISCONNECTED);
			expect(cl.linkDown[i]).toBe(i % 2);
			expect(cl.linkGen[i]).toBe(1);
			expect(cl.registeredAt[i]).toBe(10 * i);
			expect(cl.local[i]).toBe(100 + i);
			expect([cl.hostnames[i], cl.ids[i]]).toEqual([`h${i}`, `S${i}`]);
		}
		expect([cl.activeCount, cl.disconnectedCount]).toEqual([3, 6]);
		expect(cl.indexOf("S-nope")).toBe(-1);
	});

	it("agents with the same attributes share one list; others keep their own", () => {
		const cl = new Cluster(4);
		const a = cl.add("A", spec(0, rack("r1")), endpoint, 0, 0);
		const b = cl.add("B", spec(1, rack("r1")), endpoint, 1, 0);
		const c = cl.add("C", spec(2, rack("r2")), endpoint, 2, 0);
		const d = cl.add("D", spec(3), endpoint, 3, 0);
		expect(cl.attributes[a]).toEqual(rack("r1"));
		expect(cl.attributes[b]).toBe(cl.attributes[a]);
		expect(cl.attributes[c]).toEqual(rack("r2"));
		expect(cl.attributes[d]).toEqual([]);
	});

	it("released resources: float dust becomes 0, free never goes below 0", () => {
		const cl = new Cluster(1);
		const a = cl.add("A", spec(0), endpoint, 0, 0);
		for (let k = 0; k < 10; k++) cl.addAllocated(a, Float64Array.of(0.1, 0, 0, 0));
		for (let k = 0; k < 10; k++) cl.releaseAllocated(a, Float64Array.of(0.1, 0, 0, 0));
		expect(cl.allocated[0]![a]).toBe(0);
		cl.addOffered(a, Float64Array.of(2, 0, 0, 0));
		expect(cl.free(a, 0)).toBe(0);
	});
});
