export {
	buildSimulation,
	type FrameworkFactory,
	type FrameworkHandle,
	recordDecisions,
	registerFrameworkType,
	type Simulation,
} from "./build.js";
export { RunMetrics } from "./metrics.js";
export {
	buildReport,
	MESOSIM_VERSION,
	type RunOptions,
	type RunResult,
	runScenario,
	runSimulation,
} from "./run.js";
