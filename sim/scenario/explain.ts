/** Moved to common/schema/explain.ts (used below sim/ too); re-exported for sim/scenario. */
export * from "../../common/schema/explain.js";
