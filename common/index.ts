/**
 * common/ — the bottom layer beside engine: coded errors, the generic
 * schema helpers (durations, JSON-pointer issues, schema-driven explanations,
 * names, YAML/JSON sources with line numbers) and the one "did you mean"
 * rule (suggest.ts). Every layer may import it; it imports nothing of the
 * project.
 */
export * from "./errors.js";
export * from "./schema/duration.js";
export * from "./schema/explain.js";
export * from "./schema/issues.js";
export * from "./schema/keywords.js";
export * from "./schema/names.js";
export * from "./schema/source.js";
export * from "./suggest.js";
export * from "./typed-arrays.js";
