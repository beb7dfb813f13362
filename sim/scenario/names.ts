/** Moved to common/schema/names.ts (used below sim/ too); re-exported for sim/scenario. */
export * from "../../common/schema/names.js";
