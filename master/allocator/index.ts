/**
 * master/allocator — Mesos's hierarchical allocator: which framework is
 * offered which agent's resources, and when.
 *
 *   allocator.ts        the cycle (hierarchical.cpp __generateOffers over candidate agents)
 *   candidates.ts       the agents that can yield an offer now
 *   expiry.ts           when offer filters run out (their agents are candidates again)
 *   quota.ts            quota limits: headroom, capping, agents a limit held back
 *   held-back.ts        the per-role lists of held-back agents
 *   min-allocatable.ts  --min_allocatable_resources, compiled
 *   sorter/             the Sorter interface; DRF and random orders of roles and frameworks
 *   types.ts            RoleRecord, AllocatorHost, AllocatorChecks
 */
export { Allocator } from "./allocator.js";
export {
	createSorter,
	DrfSorter,
	RandomSorter,
	type SortedClient,
	type Sorter,
	type SorterKind,
} from "./sorter/index.js";
export {
	type AllocationRecorder,
	type AllocatorChecks,
	type AllocatorHost,
	DEFAULT_CHECKS,
	type RoleRecord,
} from "./types.js";
