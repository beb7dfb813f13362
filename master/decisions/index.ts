/**
 * master/decisions — decision records: why each offer went where
 * (docs/explain.md). The shapes and reason codes are published in
 * master/protocol/decisions.ts.
 *
 *   recorder.ts  DecisionRecorder: the allocator's calls and the frameworks' answers → records
 *   ring.ts      DecisionRing: the last N cycles and what was answered to their offers (live master)
 */
export { DecisionRecorder, type RecorderHost, summary } from "./recorder.js";
export { DecisionRing, type OfferWhy, type RingLimits, type TaskWhy } from "./ring.js";
