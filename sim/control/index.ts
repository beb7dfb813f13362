export {
	type ActionResult,
	type AgentOperator,
	applyAction,
	controlAction,
	frameworkNamed,
	masterOperator,
	selectAgents,
} from "./apply.js";
export { badControl, ControlError, notFound } from "./errors.js";
export {
	CONTROL_PREFIX,
	type ControlClock,
	type ControlOptions,
	clusterStatus,
	controlPlugin,
	MAX_SPEED,
	MIN_SPEED,
	nextCycleAt,
} from "./http.js";
