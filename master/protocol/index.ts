export * from "./agent.js";
export * from "./decisions.js";
export * from "./messages.js";
export * from "./resources.js";
export * from "./scheduler.js";
