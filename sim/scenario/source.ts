/** Moved to common/schema/source.ts (used below sim/ too); re-exported for sim/scenario. */
export * from "../../common/schema/source.js";
