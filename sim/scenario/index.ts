export { formatDuration, parseDuration } from "./duration.js";
export type { IssueAnchor, Locator, Path, PathSegment, ScenarioIssue } from "./issues.js";
export { formatIssue, toPointer } from "./issues.js";
export { loadScenarioFile, parseScenario } from "./load.js";
export { didYouMean, editDistance, roleNameProblem } from "./names.js";
export type {
	AgentGroupInput,
	MasterInput,
	RoleInput,
	ScenarioInput,
	SimpleFrameworkInput,
	TimelineEventInput,
} from "./schema.js";
export { ScenarioSchema } from "./schema.js";
export type { ParsedSource, SourceFormat } from "./source.js";
export { parseSource } from "./source.js";
export type {
	AgentGroup,
	AgentSelector,
	ChameleonFrameworkSpec,
	FrameworkSpec,
	FrameworkType,
	MasterConfig,
	Range,
	RoleSpec,
	ScalarQuantities,
	ScalarResourceName,
	Scenario,
	SimpleFrameworkSpec,
	SimpleTasksSpec,
	SorterKind,
	TimelineAction,
	TimelineEvent,
} from "./types.js";
export { TIMELINE_ACTIONS } from "./types.js";
export type { ValidateOptions } from "./validate.js";
export { validateScenario } from "./validate.js";
