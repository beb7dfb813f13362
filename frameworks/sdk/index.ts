/** Public surface of the framework SDK. */
export * from "./calls.js";
export * from "./driver.js";
export * from "./inprocess.js";
export * from "./offer-filters.js";
export type * from "./scheduler.js";
export * from "./tasks.js";
export type * from "./transport.js";
