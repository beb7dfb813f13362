export {
	type AllocationRecorder,
	Allocator,
	type AllocatorChecks,
	createSorter,
	DEFAULT_CHECKS,
	DrfSorter,
	RandomSorter,
	type RoleRecord,
	type Sorter,
} from "./allocator/index.js";
export { AGENT_STATE, Cluster } from "./cluster.js";
export {
	DecisionRecorder,
	DecisionRing,
	type OfferWhy,
	type RingLimits,
	type TaskWhy,
} from "./decisions/index.js";
export { refuseMs } from "./filters.js";
export { DEFAULT_FLAGS, type MasterFlags } from "./flags.js";
export { InvariantChecker } from "./invariants.js";
export type { MasterOptions } from "./master.js";
export { Master } from "./master.js";
export * from "./protocol/index.js";
export type { FrameworkRecord, MasterObserver, OfferEnd, OfferRecord, TaskRecord } from "./records.js";
