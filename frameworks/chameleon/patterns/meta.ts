/** The shape of a pattern's registry entry (patterns/index.ts lists them). */
import type { GroupConfig } from "../spec.js";
import type { Host, Pattern } from "./base.js";

export const PATTERN_NAMES = [
	"steadyService",
	"poissonBatch",
	"greedyGrabber",
	"offerHoarder",
	"gang",
	"stateful",
	"cronBurst",
	"burstyQueue",
	"crashLoop",
	"elasticScale",
	"constrainedPlacement",
	"bigNodeTasks",
	"traceReplay",
] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

export interface PatternMeta {
	name: PatternName;
	/** One line: what it does. */
	description: string;
	/** What it stresses in the scheduler (reference/workloads.md §5). */
	stresses: string;
	/** Group fields it takes besides the common ones (name, pattern, role, resources, constraints, lifecycle, after). */
	fields: readonly string[];
	/** `instances` when the group gives none. */
	defaultInstances: number;
	/** Needs `arrivals` after its defaults are applied. */
	needsArrivals?: boolean;
	/** Input-form defaults deep-merged under the group's own fields. */
	defaults: Record<string, unknown>;
	create(cfg: GroupConfig, host: Host): Pattern;
}
