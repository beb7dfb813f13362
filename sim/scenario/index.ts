export { formatDuration, parseDuration } from "../../common/schema/duration.js";
export type { IssueAnchor, Locator, Path, PathSegment, ScenarioIssue } from "../../common/schema/issues.js";
export { formatIssue, toPointer } from "../../common/schema/issues.js";
export { roleNameProblem } from "../../common/schema/names.js";
export type { ParsedSource, SourceFormat } from "../../common/schema/source.js";
export { parseSource } from "../../common/schema/source.js";
export { didYouMean, editDistance } from "../../common/suggest.js";
export { loadScenarioFile, parseScenario } from "./load.js";
export type { PlaceholderFormat, TextPart } from "./placeholders.js";
export { bareNumbers, formatValue, parseText, placeholderNames, renderText } from "./placeholders.js";
export type {
	AgentGroupInput,
	MasterInput,
	RoleInput,
	ScenarioInput,
	SimpleFrameworkInput,
	TimelineEventInput,
} from "./schema.js";
export { ScenarioSchema } from "./schema.js";
export type {
	AgentStateName,
	Check,
	Exercise,
	Expectation,
	Highlight,
	LessonInfo,
	Measure,
	MeasureKind,
	ScriptEventKind,
	ScriptStep,
	StepBy,
	Trigger,
} from "./script-types.js";
export { AGENT_STATES, MEASURE_PARAMS, MEASURES, SCRIPT_EVENTS, TASK_STATE_NAMES } from "./script-types.js";
export { exerciseVariant } from "./script-validate.js";
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
export { AGENT_RESTART_DEFAULT_MS, validateAction, validateScenario } from "./validate.js";
