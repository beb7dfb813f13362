/**
 * --agent_removal_rate_limit (docs/mesos-rules.md §5): agents that fail their
 * health checks wait for a permit from a rate limiter before they are marked
 * unreachable, and an agent that comes back while it waits is not marked
 * (Mesos's SlaveObserver with the master's slaveRemovalLimiter).
 */
import { describe, expect, it } from "vitest";
import { AGENT_STATE, type MasterFlags } from "../../master/index.js";
import { Harness } from "../helpers/harness.js";

const PING = 15_000;
/** Ten agents registered at 0 and partitioned at 20 s miss the ping at 30 s: unreachable at 105 s. */
const DUE = 30_000 + 5 * PING;

function partitionedCluster(flags: Partial<MasterFlags>, healIndex = -1) {
	const h = new Harness({ agents: [{ count: 10, cpus: 4, mem: 4096 }], flags });
	const f = h.framework();
	expect(f.subscribe({}).ok).toBe(true);
	h.run(20_000);
	// Agent `healIndex` heals at 130 s, while it waits for its permit.
	for (let i = 0; i < 10; i++) h.fleet.partition(i, i === healIndex ? 110_000 : 400_000);
	h.run(300_000);
	const unreachableAt = new Map<string, number>();
	for (const e of f.eventsOf("FAILURE")) unreachableAt.set(e.failure.agent_id!.value, f.timeOf(e));
	const at = (i: number) => unreachableAt.get(h.fleet.agentId(i)!);
	return { h, at, count: unreachableAt.size };
}

describe("agent removal rate limit", () => {
	it("without a limit all ten partitioned agents become unreachable at once", () => {
		const { h, at, count } = partitionedCluster({});
		expect(count).toBe(10);
		for (let i = 0; i < 10; i++) expect(at(i)).toBe(DUE);
		expect(h.master.metrics.agentsUnreachable).toBe(10);
	});

	it('"1/10secs": one agent every 10 s, in the order their health checks failed', () => {
		const { h, at, count } = partitionedCluster({ agentRemovalRateLimit: { permits: 1, perMs: 10_000 } });
		expect(count).toBe(10);
		for (let i = 0; i < 10; i++) expect(at(i)).toBe(DUE + i * 10_000);
		expect(h.master.metrics.agentsUnreachableCanceled).toBe(0);
	});

	it("an agent that comes back while it waits is not marked, and the next one takes its permit", () => {
		const { h, at, count } = partitionedCluster({ agentRemovalRateLimit: { permits: 1, perMs: 10_000 } }, 5);
		expect(count).toBe(9);
		expect(at(5)).toBeUndefined();
		for (let i = 0; i < 5; i++) expect(at(i)).toBe(DUE + i * 10_000);
		for (let i = 6; i < 10; i++) expect(at(i)).toBe(DUE + (i - 1) * 10_000);
		expect(h.master.metrics.agentsUnreachableCanceled).toBe(1);
		const a5 = h.master.cluster.indexOf(h.fleet.agentId(5)!);
		expect(h.master.cluster.state[a5]).toBe(AGENT_STATE.ACTIVE);
	});

	it('"2/10secs": a permit every 5 s', () => {
		const { at } = partitionedCluster({ agentRemovalRateLimit: { permits: 2, perMs: 10_000 } });
		for (let i = 0; i < 10; i++) expect(at(i)).toBe(DUE + i * 5_000);
	});
});
