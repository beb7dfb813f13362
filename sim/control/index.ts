export { type ActionResult, applyAction, controlAction, frameworkNamed, selectAgents } from "./apply.js";
export { badControl, ControlError, notFound } from "./errors.js";
