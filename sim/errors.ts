/** The coded errors live in common/ (every layer uses them); re-exported here for sim/. */
export * from "../common/errors.js";
