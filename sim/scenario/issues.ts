/** Moved to common/schema/issues.ts (used below sim/ too); re-exported for sim/scenario. */
export * from "../../common/schema/issues.js";
