export type { AndOrList, AndOrOp, CommandPlan, ParsedCommand, SimpleCommand } from "./command.js";
export { COMMAND_NOT_FOUND, parseCommand, planCommand, UNDERSTOOD_SUBSET } from "./command.js";
export type { AgentFleetOptions, FleetStats } from "./fleet.js";
export { AgentFleet, STARTUP_DELAY_LABEL } from "./fleet.js";
export type { AgentShape, CompiledShape, Template } from "./shape.js";
export {
	compileShape,
	compileTemplate,
	DEFAULT_HOSTNAME,
	DEFAULT_PORTS,
	isTemplate,
	specFor,
	TemplateError,
} from "./shape.js";
