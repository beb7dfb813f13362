/**
 * The resolved script of a narrated scenario (a lesson): what validateScenario
 * returns for the file's `script:` and `lesson:` after defaults and durations.
 * The input form is in script-schema.ts; docs/scenario.md, "Script", explains
 * every field with an example.
 */
import { TASK_STATES } from "../../frameworks/sdk/driver.js";
import type { AgentSelector, ScalarResourceName } from "./types.js";

/**
 * What an expectation (or a condition trigger) reads from the run. Each reads
 * the master's observable state at the moment its step plays; see
 * MEASURE_PARAMS for the fields each one takes.
 */
export const MEASURES = [
	"tasks",
	"tasksLaunched",
	"offersReceived",
	"offersAccepted",
	"offersDeclined",
	"offersRescinded",
	"offersHeld",
	"dominantShare",
	"taskShare",
	"roleShare",
	"roleAllocation",
	"agents",
	"timeToFirstOffer",
	"declineFilters",
	"suppressed",
	"time",
	"cycles",
	"offersOutstanding",
	"utilization",
] as const;
export type MeasureKind = (typeof MEASURES)[number];

export type MeasureParam = "framework" | "role" | "state" | "resource";

/** The fields each measure takes: `required` must be given, `optional` may be. */
export const MEASURE_PARAMS: Record<MeasureKind, { required: MeasureParam[]; optional: MeasureParam[] }> = {
	tasks: { required: ["framework"], optional: ["state"] },
	tasksLaunched: { required: ["framework"], optional: [] },
	offersReceived: { required: ["framework"], optional: [] },
	offersAccepted: { required: ["framework"], optional: [] },
	offersDeclined: { required: ["framework"], optional: [] },
	offersRescinded: { required: ["framework"], optional: [] },
	offersHeld: { required: ["framework"], optional: [] },
	dominantShare: { required: ["framework"], optional: [] },
	taskShare: { required: ["framework"], optional: [] },
	roleShare: { required: ["role"], optional: [] },
	roleAllocation: { required: ["role"], optional: ["resource"] },
	agents: { required: [], optional: ["state"] },
	timeToFirstOffer: { required: ["framework"], optional: [] },
	declineFilters: { required: ["framework"], optional: [] },
	suppressed: { required: ["framework"], optional: [] },
	time: { required: [], optional: [] },
	cycles: { required: [], optional: [] },
	offersOutstanding: { required: [], optional: [] },
	utilization: { required: [], optional: ["resource"] },
};

/** Agent states the `agents` measure and the `agentState` event name (the dashboard's health names). */
export const AGENT_STATES = [
	"active",
	"draining",
	"deactivated",
	"disconnected",
	"unreachable",
	"gone",
] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** Task states a `tasks` measure or a taskState event may name (the SDK's list). */
export const TASK_STATE_NAMES: readonly string[] = TASK_STATES;

export interface Measure {
	kind: MeasureKind;
	framework?: string;
	role?: string;
	/** tasks: a task state (default TASK_RUNNING); agents: an agent state (default active). */
	state?: string;
	/** roleAllocation, utilization (default cpus). */
	resource?: ScalarResourceName;
}

/** How a measured value is judged: exactly one of the forms. */
export type Check =
	| { kind: "equals"; value: number }
	| { kind: "approx"; value: number; tolerance: number }
	| { kind: "range"; atLeast?: number; atMost?: number };

export interface Expectation {
	/** Unique in the file; captions write `{name}` to show the measured value. */
	name: string;
	measure: Measure;
	check: Check;
}

/** Things that happen in the run that a step can wait for (the next one after the previous step played). */
export const SCRIPT_EVENTS = ["offer", "decline", "rescind", "taskState", "agentState", "cycle"] as const;
export type ScriptEventKind = (typeof SCRIPT_EVENTS)[number];

export type Trigger =
	/** Play at this simulated time (at once if the previous step played later). */
	| { kind: "at"; atMs: number }
	/** Play when this next happens after the previous step played. */
	| { kind: "event"; event: ScriptEventKind; framework?: string; state?: string }
	/** Play as soon as the measured value passes the check. */
	| { kind: "condition"; measure: Measure; check: Check }
	/** No trigger: right after the previous step. */
	| { kind: "next" };

export interface Highlight {
	/** Agents lit on the map (no count/fraction: a highlight draws nothing at random). */
	agents?: AgentSelector;
	frameworks?: string[];
	roles?: string[];
}

/** "cycle": the page offers a button that runs one allocation cycle (/sim/v1 clock cycle). */
export type StepBy = "cycle";

export interface ScriptStep {
	trigger: Trigger;
	title?: string;
	caption?: string;
	highlight?: Highlight;
	/** Live: the cluster pauses until the learner presses "next". Text mode goes on. */
	pause: boolean;
	question?: string;
	/** Revealed after the question ("show answer" on the page; printed after it in text mode). */
	answer?: string;
	stepBy?: StepBy;
	expect: Expectation[];
}

/** A "change this and predict" exercise: the scenario with `set` applied, run without its script. */
export interface Exercise {
	question: string;
	/** Dotted paths into the scenario file and their new values (see docs/scenario.md, "Script"). */
	set: Record<string, unknown>;
	/** When its expectations are read in the changed run (default: the end of the run). */
	atMs?: number;
	expect: Expectation[];
	answer: string;
}

export interface LessonInfo {
	title: string;
	minutes: number;
	/** One line: what the lesson teaches (`mesosim lesson list`). */
	teaches: string;
	exercises: Exercise[];
}
