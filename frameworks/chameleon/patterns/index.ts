/** The pattern registry: name -> meta (description, fields, defaults, factory). */
import { bigNodeTasksMeta } from "./bigNodeTasks.js";
import { burstyQueueMeta } from "./burstyQueue.js";
import { constrainedPlacementMeta } from "./constrainedPlacement.js";
import { crashLoopMeta } from "./crashLoop.js";
import { cronBurstMeta } from "./cronBurst.js";
import { elasticScaleMeta } from "./elasticScale.js";
import { gangMeta } from "./gang.js";
import { greedyGrabberMeta } from "./greedyGrabber.js";
import { PATTERN_NAMES, type PatternMeta, type PatternName } from "./meta.js";
import { offerHoarderMeta } from "./offerHoarder.js";
import { poissonBatchMeta } from "./poissonBatch.js";
import { statefulMeta } from "./stateful.js";
import { steadyServiceMeta } from "./steadyService.js";
import { traceReplayMeta } from "./traceReplay.js";

export const PATTERNS: Readonly<Record<PatternName, PatternMeta>> = {
	steadyService: steadyServiceMeta,
	poissonBatch: poissonBatchMeta,
	greedyGrabber: greedyGrabberMeta,
	offerHoarder: offerHoarderMeta,
	gang: gangMeta,
	stateful: statefulMeta,
	cronBurst: cronBurstMeta,
	burstyQueue: burstyQueueMeta,
	crashLoop: crashLoopMeta,
	elasticScale: elasticScaleMeta,
	constrainedPlacement: constrainedPlacementMeta,
	bigNodeTasks: bigNodeTasksMeta,
	traceReplay: traceReplayMeta,
};

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
export { PATTERN_NAMES, type PatternMeta, type PatternName };
