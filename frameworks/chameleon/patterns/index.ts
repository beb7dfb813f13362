/**
 * The pattern registry: one line per pattern, in the order the docs and
 * `mesosim package list --patterns` show them. A pattern's name comes from its
 * own file (`export const name`); everything that lists patterns (the spec
 * schema's enum, resolution, flags, CLI, docs tables, "did you mean") reads
 * PATTERN_NAMES / PATTERNS below. To add a pattern: write patterns/<name>.ts
 * exporting `name` and `meta`, import it here and add it to REGISTRY.
 */
import { byName } from "../registry.js";
import * as bigNodeTasks from "./bigNodeTasks.js";
import * as burstyQueue from "./burstyQueue.js";
import * as constrainedPlacement from "./constrainedPlacement.js";
import * as crashLoop from "./crashLoop.js";
import * as cronBurst from "./cronBurst.js";
import * as elasticScale from "./elasticScale.js";
import * as gang from "./gang.js";
import * as greedyGrabber from "./greedyGrabber.js";
import type { PatternMeta, PatternModule } from "./meta.js";
import * as offerHoarder from "./offerHoarder.js";
import * as poissonBatch from "./poissonBatch.js";
import * as stateful from "./stateful.js";
import * as steadyService from "./steadyService.js";
import * as traceReplay from "./traceReplay.js";

const REGISTRY = [
	steadyService,
	poissonBatch,
	greedyGrabber,
	offerHoarder,
	gang,
	stateful,
	cronBurst,
	burstyQueue,
	crashLoop,
	elasticScale,
	constrainedPlacement,
	bigNodeTasks,
	traceReplay,
] as const satisfies readonly PatternModule[];

export type PatternName = (typeof REGISTRY)[number]["name"];

/** Pattern metas by name, in registry order. */
export const PATTERNS = byName(
	"pattern",
	REGISTRY.map((m) => [m.name, m.meta] as const),
) as Readonly<Record<PatternName, PatternMeta>>;

/** The registered names, in registry order (a non-empty tuple, as a schema enum needs). */
export const PATTERN_NAMES = REGISTRY.map((m) => m.name) as unknown as readonly [
	PatternName,
	...PatternName[],
];

export function isPatternName(name: string): name is PatternName {
	return Object.hasOwn(PATTERNS, name);
}

export type {
	GroupStats,
	Host,
	LiveTask,
	LogEntry,
	Need,
	Placement,
	PoolOffer,
	Round,
	TaskRequest,
} from "./base.js";
export { Pattern } from "./base.js";
export { type PatternMeta, type PatternModule, type RequiredField, requirementMessage } from "./meta.js";
