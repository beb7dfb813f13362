/**
 * Builds a simulated cluster from a scenario: engine, master, agent fleet,
 * frameworks (each with its own transport, driver and random stream) and the
 * timeline of faults. The same builder serves `run` (as fast as possible) and
 * the live drivers (paced to the wall clock).
 */
import { AgentFleet } from "../../agents/index.js";
import { SimError } from "../../common/errors.js";
import { Engine, type Rng, RngStreams } from "../../engine/index.js";
import {
	createSimpleFramework,
	InProcessTransport,
	type Scheduler,
	SchedulerDriver,
} from "../../frameworks/index.js";
import { Master } from "../../master/index.js";
import { chameleonFactory } from "../chameleon.js";
import type { AgentGroup, FrameworkSpec, Scenario, TimelineEvent } from "../scenario/index.js";

export interface FrameworkHandle {
	spec: FrameworkSpec;
	name: string;
	type: string;
	scheduler: Scheduler;
	driver: SchedulerDriver;
	transport: InProcessTransport;
	/** Framework id once subscribed. */
	id(): string | null;
}

/** A hook so later framework kinds (the chameleon) can plug in without touching the runner. */
export type FrameworkFactory = (spec: FrameworkSpec, rng: Rng, sim: Simulation) => Scheduler;

const factories = new Map<string, FrameworkFactory>();

export function registerFrameworkType(type: string, factory: FrameworkFactory): void {
	factories.set(type, factory);
}

registerFrameworkType("simple", (spec) => {
	if (spec.type !== "simple") throw new Error("simple factory got another spec");
	return createSimpleFramework({
		name: spec.name,
		role: spec.role,
		user: spec.user,
		failoverTimeoutSec: spec.failoverTimeoutMs / 1000,
		partitionAware: spec.partitionAware,
		checkpoint: spec.checkpoint,
		declineRefuseSeconds: spec.declineRefuseSeconds,
		tasks: { ...spec.tasks },
	});
});
registerFrameworkType("chameleon", chameleonFactory);

export interface Simulation {
	scenario: Scenario;
	engine: Engine;
	streams: RngStreams;
	master: Master;
	fleet: AgentFleet;
	frameworks: FrameworkHandle[];
	/** Fleet index ranges of each agent group (groups added by the timeline too). */
	groups: Map<string, { first: number; count: number }[]>;
}

function frameworkLatency(spec: FrameworkSpec): number {
	return spec.type === "simple" ? spec.latencyMs : Number(spec.spec.latencyMs ?? 0) || 0;
}

function frameworkStart(spec: FrameworkSpec): number {
	return spec.type === "simple" ? spec.startAtMs : Number(spec.spec.startAtMs ?? 0) || 0;
}

export interface BuildOptions {
	/** Unix time (ms) simulated time 0 stands for (Engine originMs; default 0). */
	originMs?: number;
}

export function buildSimulation(scenario: Scenario, opts: BuildOptions = {}): Simulation {
	const engine = new Engine(opts.originMs === undefined ? {} : { originMs: opts.originMs });
	const streams = new RngStreams(scenario.seed);
	const m = scenario.master;
	const master = new Master({
		engine,
		streams,
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
		},
	});
	for (const r of scenario.roles) {
		master.updateWeights([{ role: r.name, weight: r.weight }]);
		if (r.quota !== undefined) master.updateQuota(r.name, r.quota);
	}
	const fleet = new AgentFleet({ engine, master, rng: streams.stream("agents") });
	const sim: Simulation = { scenario, engine, streams, master, fleet, frameworks: [], groups: new Map() };
	for (const g of scenario.agents) addGroup(sim, g, g.count);
	master.start();
	fleet.startAll();

	for (const spec of scenario.frameworks) {
		const factory = factories.get(spec.type);
		if (factory === undefined) {
			throw new SimError(
				"SIM_ERR_SCENARIO_INVALID",
				`framework '${spec.name}': type '${spec.type}' is not available`,
			);
		}
		const rng = streams.stream(`framework/${spec.name}`);
		const scheduler = factory(spec, rng, sim);
		const transport = new InProcessTransport({ engine, master, latencyMs: frameworkLatency(spec) });
		const info = (
			scheduler as { frameworkInfo?: () => import("../../master/index.js").FrameworkInfo }
		).frameworkInfo?.() ?? {
			user: "root",
			name: spec.name,
		};
		const driver = new SchedulerDriver({ engine, transport, scheduler, frameworkInfo: info, rng });
		const handle: FrameworkHandle = {
			spec,
			name: spec.name,
			type: spec.type,
			scheduler,
			driver,
			transport,
			id: () => driver.frameworkId,
		};
		sim.frameworks.push(handle);
		engine.timeout(frameworkStart(spec), () => driver.start());
	}
	for (const ev of scenario.timeline) engine.timeout(ev.atMs, () => applyTimeline(sim, ev));
	return sim;
}

function addGroup(sim: Simulation, g: AgentGroup, count: number): { first: number; count: number } {
	const range = sim.fleet.addShape({ ...g, count });
	let list = sim.groups.get(g.group);
	if (list === undefined) {
		list = [];
		sim.groups.set(g.group, list);
	}
	list.push(range);
	return range;
}

/** Fleet indices an action applies to, chosen with the seeded `faults` stream. */
export function selectAgents(sim: Simulation, sel: TimelineEvent["agents"]): number[] {
	let pool: number[] = [];
	const ranges =
		sel?.group !== undefined ? (sim.groups.get(sel.group) ?? []) : [...sim.groups.values()].flat();
	for (const r of ranges) for (let i = 0; i < r.count; i++) pool.push(r.first + i);
	if (sel?.indices !== undefined)
		return sel.indices.filter((i) => i >= 0 && i < pool.length).map((i) => pool[i]!);
	let n = pool.length;
	if (sel?.count !== undefined) n = Math.min(sel.count, pool.length);
	else if (sel?.fraction !== undefined) n = Math.min(pool.length, Math.ceil(sel.fraction * pool.length));
	if (n < pool.length) {
		const rng = sim.streams.stream("faults");
		pool = rng
			.shuffle(pool.slice())
			.slice(0, n)
			.sort((a, b) => a - b);
	}
	return pool;
}

function applyTimeline(sim: Simulation, ev: TimelineEvent): void {
	const remaining = Math.max(0, sim.scenario.durationMs - (sim.engine.now - sim.engine.originMs));
	switch (ev.action) {
		case "crashAgents":
			for (const a of selectAgents(sim, ev.agents)) sim.fleet.crash(a, ev.downForMs ?? null);
			break;
		case "restartAgents":
			for (const a of selectAgents(sim, ev.agents)) if (!sim.fleet.isUp(a)) sim.fleet.start(a);
			break;
		case "partitionAgents":
			for (const a of selectAgents(sim, ev.agents)) sim.fleet.partition(a, ev.downForMs ?? remaining + 1);
			break;
		case "flapAgents":
			for (const a of selectAgents(sim, ev.agents)) {
				sim.fleet.flap(a, ev.times ?? 3, ev.downForMs ?? 30_000, ev.upForMs ?? 30_000);
			}
			break;
		case "teardownFramework": {
			const h = sim.frameworks.find((f) => f.name === ev.framework);
			const id = h?.id();
			if (h !== undefined && id !== null && id !== undefined) {
				h.driver.stop();
				sim.master.teardown(id);
			}
			break;
		}
		case "reviveFramework": {
			const h = sim.frameworks.find((f) => f.name === ev.framework);
			h?.driver.context.revive();
			break;
		}
		case "addAgents": {
			const g = sim.scenario.agents.find((x) => x.group === ev.group);
			if (g === undefined) break;
			const n = ev.count ?? 1;
			const already = (sim.groups.get(g.group) ?? []).reduce((s, r) => s + r.count, 0);
			// New agents continue the group's numbering so hostnames stay unique.
			const range = addGroup(sim, { ...g, hostname: shiftTemplate(g.hostname, already) }, n);
			for (let i = 0; i < range.count; i++) sim.fleet.start(range.first + i);
			break;
		}
	}
}

/** Rewrites `{i}`-style expressions so that index i renders as i + offset. */
function shiftTemplate(template: string, offset: number): string {
	return template.replace(/\{([^{}]*)\}/g, (whole, expr: string) =>
		/\bi\b/.test(expr) ? `{${expr.replace(/\bi\b/g, `(i + ${offset})`)}}` : whole,
	);
}
