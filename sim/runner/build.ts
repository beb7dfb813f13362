/**
 * Builds a simulated cluster from a scenario: engine, master, agent fleet,
 * frameworks (each with its own transport, driver and random stream) and the
 * timeline of faults. The same builder serves `run` (as fast as possible) and
 * the live drivers (paced to the wall clock).
 */
import { AgentFleet } from "../../agents/index.js";
import { Engine, RngStreams } from "../../engine/index.js";
import { type DecisionSink, Master } from "../../master/index.js";
import { applyAction } from "../control/apply.js";
import type { AgentGroup, Scenario } from "../scenario/index.js";
import { attachFramework, type FrameworkHandle, frameworkStart, makeScheduler } from "./frameworks.js";

export { type FrameworkFactory, type FrameworkHandle, registerFrameworkType } from "./frameworks.js";

export interface Simulation {
	scenario: Scenario;
	engine: Engine;
	streams: RngStreams;
	master: Master;
	fleet: AgentFleet;
	frameworks: FrameworkHandle[];
	/** Fleet index ranges of each agent group (groups added by the timeline too). */
	groups: Map<string, { first: number; count: number }[]>;
	/** Where decision records go while recording (recordDecisions); frameworks added later join. */
	decisions: DecisionSink | null;
}

/** Starts (a sink) or stops (null) recording the master's and the frameworks' decisions. */
export function recordDecisions(sim: Simulation, sink: DecisionSink | null): void {
	sim.decisions = sink;
	sim.master.recordDecisions(sink);
	for (const h of sim.frameworks) h.driver.reasons = sink;
}

export interface BuildOptions {
	/** Unix time (ms) simulated time 0 stands for (Engine originMs; default 0). */
	originMs?: number;
	/** Seeds the master's ids apart from the scenario seed (MasterOptions.idSeed; live drivers only). */
	idSeed?: string;
}

export function buildSimulation(scenario: Scenario, opts: BuildOptions = {}): Simulation {
	const engine = new Engine(opts.originMs === undefined ? {} : { originMs: opts.originMs });
	const streams = new RngStreams(scenario.seed);
	const m = scenario.master;
	const master = new Master({
		engine,
		streams,
		...(opts.idSeed === undefined ? {} : { idSeed: opts.idSeed }),
		flags: {
			allocationIntervalMs: m.allocationIntervalMs,
			offerTimeoutMs: m.offerTimeoutMs,
			agentPingTimeoutMs: m.agentPingTimeoutMs,
			maxAgentPingTimeouts: m.maxAgentPingTimeouts,
			minAllocatable: m.minAllocatable,
			maxCompletedFrameworks: m.maxCompletedFrameworks,
			maxCompletedTasksPerFramework: m.maxCompletedTasksPerFramework,
			maxUnreachableTasksPerFramework: m.maxUnreachableTasksPerFramework,
			roleSorter: m.roleSorter,
			frameworkSorter: m.frameworkSorter,
			fairSharingExcludedResourceNames: m.fairSharingExcludedResourceNames,
			heartbeatIntervalMs: m.heartbeatIntervalMs,
			hierarchicalQuota: m.hierarchicalQuota,
			filterGpuResources: m.filterGpuResources,
			agentRemovalRateLimit: m.agentRemovalRateLimit,
			agentReregisterTimeoutMs: m.agentReregisterTimeoutMs,
		},
	});
	for (const r of scenario.roles) {
		master.updateWeights([{ role: r.name, weight: r.weight }]);
		if (r.quota !== undefined) master.updateQuota(r.name, r.quota);
	}
	const fleet = new AgentFleet({ engine, master, rng: streams.stream("agents") });
	const sim: Simulation = {
		scenario,
		engine,
		streams,
		master,
		fleet,
		frameworks: [],
		groups: new Map(),
		decisions: null,
	};
	for (const g of scenario.agents) addGroup(sim, g, g.count);
	master.start();
	fleet.startAll();

	for (const spec of scenario.frameworks)
		attachFramework(sim, spec, makeScheduler(sim, spec), frameworkStart(spec));
	for (const ev of scenario.timeline) engine.timeout(ev.atMs, () => applyAction(sim, ev));
	return sim;
}

export function addGroup(sim: Simulation, g: AgentGroup, count: number): { first: number; count: number } {
	const range = sim.fleet.addShape({ ...g, count });
	let list = sim.groups.get(g.group);
	if (list === undefined) {
		list = [];
		sim.groups.set(g.group, list);
	}
	list.push(range);
	return range;
}
