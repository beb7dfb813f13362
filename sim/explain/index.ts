/**
 * sim/explain — decision records for people: the trace file (`run --trace`)
 * and the text of `mesosim explain` (docs/explain.md).
 */
export {
	cycleText,
	formatResources,
	frameworkText,
	matchesAgent,
	offerText,
	shortId,
	type TextOptions,
	taskText,
	visitLines,
} from "./text.js";
export { TraceWriter } from "./trace.js";
