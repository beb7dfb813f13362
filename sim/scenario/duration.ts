/** Moved to common/schema/duration.ts (used below sim/ too); re-exported for sim/scenario. */
export * from "../../common/schema/duration.js";
