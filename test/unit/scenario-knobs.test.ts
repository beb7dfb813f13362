/**
 * Mesos knobs a scenario file can set (docs/scenario.md): the master flags
 * --filter_gpu_resources, --agent_removal_rate_limit and
 * --agent_reregister_timeout, and per framework FrameworkInfo.offer_filters
 * and suppressed_roles at SUBSCRIBE (docs/mesos-rules.md §4, §5).
 */
import { describe, expect, it } from "vitest";
import { isSimError } from "../../common/errors.js";
import { getFlags } from "../../master/http/state.js";
import { buildSimulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

function issuesOf(input: unknown): string[] {
	try {
		validateScenario(input);
	} catch (err) {
		if (isSimError(err)) return [err.message];
		throw err;
	}
	return [];
}

const AGENTS = [{ count: 10, cpus: 4, mem: 4096 }];

describe("master flags in a scenario", () => {
	it("defaults: GPU filtering on, no removal rate limit, reregister timeout 10 minutes", () => {
		const m = validateScenario({ agents: AGENTS }).master;
		expect(m.filterGpuResources).toBe(true);
		expect(m.agentRemovalRateLimit).toBeNull();
		expect(m.agentReregisterTimeoutMs).toBe(600_000);
	});

	it("reach the master and its /master/flags under Mesos's names", () => {
		const s = validateScenario({
			agents: AGENTS,
			master: { filterGpuResources: false, agentRemovalRateLimit: "1/20mins", agentReregisterTimeout: "15m" },
		});
		const sim = buildSimulation(s);
		expect(sim.master.flags.filterGpuResources).toBe(false);
		expect(sim.master.flags.agentRemovalRateLimit).toEqual({ permits: 1, perMs: 1_200_000 });
		const flags = Object.fromEntries(
			(
				getFlags(sim.master) as { get_flags: { flags: { name: string; value: string }[] } }
			).get_flags.flags.map((f) => [f.name, f.value]),
		);
		expect(flags.filter_gpu_resources).toBe("false");
		expect(flags.agent_removal_rate_limit).toBe("1/20mins");
		expect(flags.agent_reregister_timeout).toBe("15mins");
	});

	it("bad values are named", () => {
		for (const bad of ["1/", "x/10s", "0/10s", "1/10s/2", "1.5/10s", "10s"])
			expect(issuesOf({ agents: AGENTS, master: { agentRemovalRateLimit: bad } }).join()).toMatch(
				/agentRemovalRateLimit/,
			);
		expect(issuesOf({ agents: AGENTS, master: { agentReregisterTimeout: "5m" } }).join()).toMatch(
			/agentReregisterTimeout.*at least 10m/,
		);
		expect(issuesOf({ agents: AGENTS, master: { filterGpuResources: "yes" } }).join()).toMatch(
			/filterGpuResources/,
		);
	});

	it("filterGpuResources: false lets a framework without GPU_RESOURCES get offers from GPU agents", () => {
		const offersFrom = (filterGpuResources: boolean) => {
			const sim = buildSimulation(
				validateScenario({
					duration: "1m",
					agents: [{ count: 2, cpus: 4, mem: 4096, gpus: 1 }],
					master: { filterGpuResources },
					frameworks: [{ type: "simple", name: "cpu-only", tasks: { count: 1, cpus: 1, mem: 128 } }],
				}),
			);
			sim.engine.runUntil(30_000);
			return sim.frameworks[0]!.driver.stats().offersReceived;
		};
		expect(offersFrom(true)).toBe(0);
		expect(offersFrom(false)).toBeGreaterThan(0);
	});

	it('agentRemovalRateLimit "1/10secs": ten partitioned agents become unreachable one per 10 s; one healed while it waits is not marked', () => {
		const sim = buildSimulation(
			validateScenario({
				duration: "5m",
				agents: AGENTS,
				master: { agentRemovalRateLimit: "1/10secs" },
				timeline: [
					{ at: "20s", action: "partitionAgents", agents: {} },
					{ at: "130s", action: "healAgents", agents: { indices: [5] } },
				],
			}),
		);
		const unreachableAt = (t: number) => {
			sim.engine.runUntil(t);
			return sim.master.metrics.agentsUnreachable;
		};
		// The first missed ping is at 30 s; five timeouts later, at 105 s, the checks fail.
		expect(unreachableAt(104_999)).toBe(0);
		expect(unreachableAt(105_000)).toBe(1);
		expect(unreachableAt(114_999)).toBe(1);
		expect(unreachableAt(115_000)).toBe(2);
		expect(unreachableAt(145_000)).toBe(5);
		// Agent 5 (next in line) healed at 130 s: agent 6 takes its permit at 155 s.
		expect(unreachableAt(155_000)).toBe(6);
		expect(unreachableAt(185_000)).toBe(9);
		expect(unreachableAt(300_000)).toBe(9);
		expect(sim.master.metrics.agentsUnreachableCanceled).toBe(1);
	});
});
