export type { EngineOptions, EventHandler, TimerHandle } from "./engine.js";
export { Engine } from "./engine.js";
export { EventHeap } from "./heap.js";
export { Rng, RngStreams } from "./rng.js";
