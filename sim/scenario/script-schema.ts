/**
 * The input schema of a scenario's `script:` (narration steps) and `lesson:`
 * (title, length, exercises), in TypeBox like the rest of schema.ts, whose
 * ScenarioSchema includes them. Meaning checks (one comparison per
 * expectation, the fields each measure takes, placeholders naming an
 * expectation) are in script-validate.ts.
 */
import { Type } from "typebox";
import { X_EXPECT, X_TYPE } from "../../common/schema/keywords.js";
import { MEASURES, SCRIPT_EVENTS } from "./script-types.js";

const DURATION_EXPECT = 'a duration such as "90s", "15m" or "1h30m", or a number of seconds';

function oneOf<const T extends readonly string[]>(values: T, description: string) {
	return Type.Union(
		values.map((v) => Type.Literal(v)),
		{ description, [X_TYPE]: values.map((v) => JSON.stringify(v)).join(" | ") },
	);
}

const Duration = (description: string) =>
	Type.Union([Type.String(), Type.Number({ minimum: 0 })], {
		description,
		[X_TYPE]: "duration",
		[X_EXPECT]: DURATION_EXPECT,
	});

/** The fields that say what is measured (shared by expectations and condition triggers). */
const measureFields = {
	measure: oneOf(MEASURES, "What is read from the run; see Measures."),
	framework: Type.Optional(Type.String({ minLength: 1, description: "The framework measured (its name)." })),
	role: Type.Optional(Type.String({ minLength: 1, description: "roleShare, roleAllocation: the role." })),
	state: Type.Optional(
		Type.String({
			minLength: 1,
			description:
				"tasks: a task state (default TASK_RUNNING); agents: active, draining, deactivated, disconnected, unreachable or gone (default active).",
		}),
	),
	resource: Type.Optional(
		oneOf(
			["cpus", "mem", "disk", "gpus"] as const,
			"roleAllocation, utilization: which resource (default cpus).",
		),
	),
};

/** The comparison fields: exactly one of equals / approx / atLeast and/or atMost. */
const checkFields = {
	equals: Type.Optional(Type.Number({ description: "The value must be exactly this." })),
	approx: Type.Optional(Type.Number({ description: "The value must be within `tolerance` of this." })),
	tolerance: Type.Optional(
		Type.Number({ minimum: 0, description: "approx: the allowed difference.", default: 0.005 }),
	),
	atLeast: Type.Optional(Type.Number({ description: "The value must be at least this." })),
	atMost: Type.Optional(Type.Number({ description: "The value must be at most this." })),
};

export const ExpectationSchema = Type.Object(
	{ ...measureFields, ...checkFields },
	{
		additionalProperties: false,
		description: "A value read from the run at this step, and what it must be.",
		[X_TYPE]: "expectation",
	},
);

export const ExpectMapSchema = Type.Record(Type.String(), ExpectationSchema, {
	description:
		"Expectations by name (letters, digits, `.`, `_`, `-`; unique in the file). Text writes `{name}` to show the measured value.",
	[X_TYPE]: "map of expectations",
});

export const TriggerSchema = Type.Object(
	{
		event: Type.Optional(oneOf(SCRIPT_EVENTS, "Wait for the next such event; see Script events.")),
		framework: Type.Optional(
			Type.String({ minLength: 1, description: "Only this framework's events / its measure." }),
		),
		state: Type.Optional(
			Type.String({ minLength: 1, description: "taskState: the task state; agentState: the agent state." }),
		),
		measure: Type.Optional(oneOf(MEASURES, "Wait until this measure passes the comparison.")),
		role: measureFields.role,
		resource: measureFields.resource,
		...checkFields,
	},
	{
		additionalProperties: false,
		description: "What the step waits for: an `event`, or a `measure` with a comparison.",
		[X_TYPE]: "trigger",
	},
);

export const HighlightSchema = Type.Object(
	{
		agents: Type.Optional(
			Type.Object(
				{
					group: Type.Optional(Type.String({ description: "Agents of this group." })),
					indices: Type.Optional(
						Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, description: "0-based agent indices." }),
					),
					ids: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
					hostnames: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
					attribute: Type.Optional(
						Type.String({ pattern: "^[^=]+=.*$", [X_EXPECT]: "name=value, e.g. rack=r3" }),
					),
				},
				{
					additionalProperties: false,
					description:
						"Agents lit on the map: a timeline agent selector without count or fraction (a highlight draws nothing at random).",
					[X_TYPE]: "agent selector",
				},
			),
		),
		frameworks: Type.Optional(
			Type.Array(Type.String({ minLength: 1 }), { description: "Frameworks marked in the table." }),
		),
		roles: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: "Roles marked." })),
	},
	{
		additionalProperties: false,
		description: "What the page lights up during the step.",
		[X_TYPE]: "highlight",
	},
);

export const ScriptStepSchema = Type.Object(
	{
		at: Type.Optional(Duration("Play at this simulated time (at once if the previous step played later).")),
		on: Type.Optional(TriggerSchema),
		title: Type.Optional(Type.String({ minLength: 1, description: "A short heading." })),
		caption: Type.Optional(
			Type.String({
				minLength: 1,
				description:
					"The narration (markdown-ish: **bold**, `code`, blank line = paragraph). `{name}` shows an expectation's measured value.",
			}),
		),
		highlight: Type.Optional(HighlightSchema),
		pause: Type.Optional(
			Type.Boolean({
				description: "Live: the cluster pauses until the learner presses next. --text goes on.",
				default: false,
			}),
		),
		question: Type.Optional(Type.String({ minLength: 1, description: "A question to the learner." })),
		answer: Type.Optional(
			Type.String({
				minLength: 1,
				description: "The answer, revealed after the question (needs `question`).",
			}),
		),
		stepBy: Type.Optional(
			oneOf(
				["cycle"] as const,
				'"cycle": the page offers a button that runs one allocation cycle (the step is about one cycle).',
			),
		),
		expect: Type.Optional(ExpectMapSchema),
	},
	{
		additionalProperties: false,
		description: "One step of the narration; steps play in order, each after the previous one.",
		[X_TYPE]: "script step",
	},
);

export const ExerciseSchema = Type.Object(
	{
		question: Type.String({ minLength: 1, description: 'The "change this and predict" question.' }),
		set: Type.Record(Type.String(), Type.Unknown(), {
			description:
				'The change: dotted paths into this file and their new values, e.g. {"frameworks.B.declineRefuseSeconds": 60}. A list is indexed by position or by the `name` / `group` of its items.',
			[X_TYPE]: "map of path to value",
		}),
		at: Type.Optional(Duration("When the expectations are read in the changed run (default: its end).")),
		expect: ExpectMapSchema,
		answer: Type.String({ minLength: 1, description: "The answer; `{name}` shows measured values." }),
	},
	{
		additionalProperties: false,
		description: "An exercise, checked by running the changed scenario.",
		[X_TYPE]: "exercise",
	},
);

export const LessonSchema = Type.Object(
	{
		title: Type.String({ minLength: 1, description: "The lesson's title." }),
		minutes: Type.Integer({ minimum: 1, description: "About how long it takes." }),
		teaches: Type.String({ minLength: 1, description: "One line: what it teaches (`mesosim lesson list`)." }),
		exercises: Type.Optional(
			Type.Array(ExerciseSchema, {
				description: "Change-and-predict exercises.",
				default: [],
				[X_TYPE]: "list of exercises",
			}),
		),
	},
	{
		additionalProperties: false,
		description: "What `mesosim lesson list` shows, and the exercises.",
		[X_TYPE]: "lesson",
	},
);
