/**
 * Mesos knobs a scenario file can set (docs/scenario.md): the master flags
 * --filter_gpu_resources, --agent_removal_rate_limit and
 * --agent_reregister_timeout, and per framework FrameworkInfo.offer_filters
 * and suppressed_roles at SUBSCRIBE (docs/mesos-rules.md §4, §5).
 */
import { describe, expect, it } from "vitest";
import { isSimError } from "../../common/errors.js";
import { offerQuantities } from "../../frameworks/index.js";
import { getFlags } from "../../master/http/views/index.js";
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

/** Offers each framework receives, as [time, cpus], from the first engine event on. */
function offersByFramework(input: unknown, untilMs: number) {
	const sim = buildSimulation(validateScenario(input));
	const seen = new Map<string, [number, number][]>();
	sim.master.observer = {
		eventSent(fw, event) {
			if (event.type !== "OFFERS") return;
			const list = seen.get(fw.info.name) ?? [];
			for (const o of event.offers.offers) list.push([sim.engine.now, offerQuantities(o).cpus]);
			seen.set(fw.info.name, list);
		},
	};
	sim.engine.runUntil(untilMs);
	return (name: string) => seen.get(name) ?? [];
}

describe("frameworks in a scenario", () => {
	// Agents of 3 cpus, and of 8 cpus whose leftovers after 2-cpu tasks fall under 4.
	const agents = [
		{ group: "small", count: 3, cpus: 3, mem: 8192 },
		{ group: "big", count: 3, cpus: 8, mem: 8192 },
	];
	const tasks = { count: 20, cpus: 2, mem: 256, command: "sleep 30", relaunch: true };

	it("offerFilters {cpus: 4}: it never gets an offer under 4 cpus; a framework without one does", () => {
		const offers = offersByFramework(
			{
				duration: "10m",
				agents,
				roles: [{ name: "a" }, { name: "b" }],
				frameworks: [
					{
						type: "simple",
						name: "picky",
						role: "a",
						offerFilters: { a: [{ cpus: 4 }] },
						tasks,
						declineRefuseSeconds: 1,
					},
					{ type: "simple", name: "plain", role: "b", tasks, declineRefuseSeconds: 1 },
				],
			},
			600_000,
		);
		expect(offers("picky").length).toBeGreaterThan(10);
		expect(Math.min(...offers("picky").map(([, cpus]) => cpus))).toBeGreaterThanOrEqual(4);
		expect(offers("plain").some(([, cpus]) => cpus < 4)).toBe(true);
	});

	it("suppressedRoles: it subscribes suppressed and gets no offers until it is revived", () => {
		const offers = offersByFramework(
			{
				duration: "10m",
				agents,
				frameworks: [{ type: "simple", name: "late", role: "r", suppressedRoles: ["r"], tasks }],
				timeline: [{ at: "2m", action: "reviveFramework", framework: "late" }],
			},
			180_000,
		);
		expect(offers("late").length).toBeGreaterThan(0);
		expect(Math.min(...offers("late").map(([t]) => t))).toBeGreaterThanOrEqual(120_000);
	});

	it("without suppressedRoles the same framework gets offers at once", () => {
		const offers = offersByFramework(
			{ duration: "10m", agents, frameworks: [{ type: "simple", name: "late", role: "r", tasks }] },
			10_000,
		);
		expect(offers("late").length).toBeGreaterThan(0);
	});

	it("offerFilters and suppressedRoles name only the framework's roles", () => {
		const problems = issuesOf({
			agents,
			frameworks: [
				{
					type: "simple",
					name: "f",
					role: "r",
					offerFilters: { q: [{ cpus: 1 }] },
					suppressedRoles: ["s"],
					tasks,
				},
			],
		}).join();
		expect(problems).toMatch(/offerFilters\/q.*"q" is not one of the framework's roles/);
		expect(problems).toMatch(/suppressedRoles\/0.*"s" is not one of the framework's roles/);
	});
});

describe("chameleon frameworks in a scenario", () => {
	const agents = [
		{ group: "small", count: 3, cpus: 3, mem: 8192 },
		{ group: "big", count: 3, cpus: 8, mem: 8192 },
	];
	const group = { name: "web", pattern: "steadyService", instances: 6, resources: { cpus: 2, mem: 256 } };

	it("offerFilters: a chameleon with {cpus: 4} on its role gets no offer under 4 cpus; one without does", () => {
		const offers = offersByFramework(
			{
				duration: "10m",
				agents,
				frameworks: [
					{
						type: "chameleon",
						name: "picky",
						role: "a",
						offerFilters: { a: [{ cpus: 4 }] },
						groups: [group],
					},
					{ type: "chameleon", name: "plain", role: "b", groups: [group] },
				],
			},
			300_000,
		);
		expect(offers("picky").length).toBeGreaterThan(0);
		expect(Math.min(...offers("picky").map(([, cpus]) => cpus))).toBeGreaterThanOrEqual(4);
		expect(offers("plain").some(([, cpus]) => cpus < 4)).toBe(true);
	});

	it("suppressedRoles: a chameleon whose first job comes at 2 m gets no offers before it revives for it", () => {
		const cron = (suppressedRoles: string[]) => ({
			type: "chameleon",
			name: "cron",
			role: "r",
			suppressedRoles,
			offerPolicy: { suppressWhenIdle: false },
			groups: [
				{
					name: "jobs",
					pattern: "cronBurst",
					arrivals: { kind: "cron", every: "1h", at: "2m" },
					resources: { cpus: 1, mem: 128 },
				},
			],
		});
		const firstOffer = (suppressedRoles: string[]) => {
			const offers = offersByFramework(
				{ duration: "10m", agents, frameworks: [cron(suppressedRoles)] },
				300_000,
			);
			return Math.min(...offers("cron").map(([t]) => t));
		};
		expect(firstOffer([])).toBeLessThan(10_000);
		const suppressed = firstOffer(["r"]);
		expect(suppressed).toBeGreaterThanOrEqual(120_000);
		expect(suppressed).toBeLessThan(130_000);
	});
});
