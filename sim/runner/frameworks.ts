/**
 * Frameworks of a simulation: the factories by type (simple, chameleon, and
 * any a test registers), and attaching one to a running simulation (its
 * in-process transport, scheduler driver and random stream).
 */
import { SimError } from "../../common/errors.js";
import type { Rng } from "../../engine/index.js";
import {
	createSimpleFramework,
	InProcessTransport,
	type Scheduler,
	SchedulerDriver,
} from "../../frameworks/index.js";
import type { FrameworkInfo } from "../../master/index.js";
import { chameleonFactory } from "../chameleon.js";
import type { FrameworkSpec } from "../scenario/index.js";
import type { Simulation } from "./build.js";

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
		offerFilters: spec.offerFilters,
		suppressedRoles: spec.suppressedRoles,
		tasks: { ...spec.tasks },
	});
});
registerFrameworkType("chameleon", chameleonFactory);

function frameworkLatency(spec: FrameworkSpec): number {
	return spec.type === "simple" ? spec.latencyMs : Number(spec.spec.latencyMs ?? 0) || 0;
}

export function frameworkStart(spec: FrameworkSpec): number {
	return spec.type === "simple" ? spec.startAtMs : Number(spec.spec.startAtMs ?? 0) || 0;
}

/**
 * The scheduler of a framework spec (throws SimError for a bad one). Kept
 * apart from attachFramework so that a live install checks everything before
 * it changes anything.
 */
export function makeScheduler(sim: Simulation, spec: FrameworkSpec): Scheduler {
	const factory = factories.get(spec.type);
	if (factory === undefined) {
		throw new SimError(
			"SIM_ERR_SCENARIO_INVALID",
			`framework '${spec.name}': type '${spec.type}' is not available`,
		);
	}
	return factory(spec, sim.streams.stream(`framework/${spec.name}`), sim);
}

/** Adds a framework to the simulation; its driver starts (subscribes) after `startInMs`. */
export function attachFramework(
	sim: Simulation,
	spec: FrameworkSpec,
	scheduler: Scheduler,
	startInMs: number,
): FrameworkHandle {
	const { engine, master } = sim;
	const transport = new InProcessTransport({ engine, master, latencyMs: frameworkLatency(spec) });
	const info = (scheduler as { frameworkInfo?: () => FrameworkInfo }).frameworkInfo?.() ?? {
		user: "root",
		name: spec.name,
	};
	// The same stream as the scheduler's (makeScheduler): streams are cached by name.
	const rng = sim.streams.stream(`framework/${spec.name}`);
	const driver = new SchedulerDriver({ engine, transport, scheduler, frameworkInfo: info, rng });
	driver.reasons = sim.decisions;
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
	engine.timeout(startInMs, () => driver.start());
	return handle;
}
