export {
	type ActionResult,
	type AgentOperator,
	applyAction,
	controlAction,
	frameworkNamed,
	masterOperator,
	selectAgents,
} from "./apply.js";
export {
	DEFAULT_DECISION_CYCLES,
	DEFAULT_DECISION_VISITS,
	DecisionControl,
	MAX_DECISION_CYCLES,
	MAX_DECISION_VISITS,
} from "./decisions.js";
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
