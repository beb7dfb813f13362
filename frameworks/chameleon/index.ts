/**
 * The chameleon framework: one framework, driven by a spec, that can
 * impersonate any workload (docs/chameleon.md).
 *
 * `chameleonFactory` plugs it into the runner (sim/runner/build.ts registers
 * it for scenario frameworks with `type: "chameleon"`). It is the one place
 * the chameleon touches the file system: a traceReplay group's CSV is read
 * here, once, when the simulation is built — the framework itself stays pure.
 */

import { SimError } from "../../common/errors.js";
import type { Rng } from "../../engine/index.js";
import type { Scheduler } from "../sdk/scheduler.js";
import { createChameleon } from "./chameleon.js";
import { resolveChameleonSpec } from "./spec/index.js";

/** What the runner passes (structurally: sim/scenario FrameworkSpec and sim/runner Simulation). */
export interface ChameleonFactoryInput {
	type: string;
	name: string;
	spec?: Record<string, unknown>;
}

export type ChameleonFactory = (
	spec: ChameleonFactoryInput,
	rng: Rng,
	sim?: { scenario: { frameworks: readonly unknown[] } },
) => Scheduler;

export interface ChameleonFactoryDeps {
	/** Reads a trace file (traceReplay); without it only inline rows work. */
	readText?: (path: string) => string;
}

/**
 * A runner factory. Validation errors name the field as a JSON pointer into
 * the scenario (/frameworks/<k>/…). The resolved start time and latency are
 * written back as `startAtMs` / `latencyMs` in the entry's spec, which is
 * where the runner reads them.
 */
export function createChameleonFactory(deps: ChameleonFactoryDeps = {}): ChameleonFactory {
	return (spec, rng, sim) => {
		if (spec.type !== "chameleon" || spec.spec === undefined)
			throw new SimError("SIM_ERR_INTERNAL", `chameleon factory got a framework of type '${spec.type}'`);
		const k = sim?.scenario.frameworks.indexOf(spec) ?? -1;
		const config = resolveChameleonSpec(spec.spec, spec.name, {
			path: k >= 0 ? ["frameworks", k] : [],
			...(deps.readText !== undefined ? { readText: deps.readText } : {}),
		});
		spec.spec.startAtMs = config.startAtMs;
		spec.spec.latencyMs = config.latencyMs;
		return createChameleon(config, rng);
	};
}

export { CATALOG, type CatalogEntry, findPackage, PACKAGE_NAMES } from "./catalog/index.js";
export {
	type ChameleonFramework,
	type ChameleonStats,
	chameleonTuning,
	createChameleon,
	type LiveTaskView,
} from "./chameleon.js";
export { CONSTRAINT_OPS, type Constraint, parseConstraint } from "./constraints.js";
export { type Dist, sample } from "./dist.js";
export {
	describePackage,
	frameworkFromFlag,
	listPackages,
	listPatterns,
	parseAgentShape,
	type ScenarioFlags,
	scenarioFromFlags,
} from "./flags.js";
export { isPatternName, PATTERN_NAMES, PATTERNS, type PatternName } from "./patterns/index.js";
export {
	type ChameleonConfig,
	type ChameleonSpecInput,
	ChameleonSpecSchema,
	expandSpec,
	type GroupConfig,
	parseChameleonSpec,
	resolveChameleonSpec,
} from "./spec/index.js";
export { parseTrace, type TraceRow } from "./trace.js";
