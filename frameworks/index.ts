/** Frameworks: the scheduler SDK and the built-in frameworks. */
export * from "./builtin/index.js";
export * from "./sdk/index.js";
