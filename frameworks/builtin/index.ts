export * from "./simple.js";
