/**
 * Lessons: scenario files with a script and a `lesson:` block in
 * examples/lessons/, named NN-name.yaml. Loading keeps the parsed file beside
 * the resolved scenario (exercises change the file); playing headless runs
 * the scenario with its script, then each exercise's changed scenario.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simError } from "../../common/errors.js";
import { runSimulation } from "../runner/index.js";
import {
	type Exercise,
	exerciseVariant,
	type LessonInfo,
	parseSource,
	parseText,
	renderText,
	type Scenario,
	type ScriptStep,
	validateScenario,
} from "../scenario/index.js";
import { ScriptPlayer } from "./player.js";
import type { ExpectationResult, PlayedStep } from "./types.js";

export const LESSONS_DIR = fileURLToPath(new URL("../../examples/lessons/", import.meta.url));

const LESSON_FILE = /^(\d+)-[\w.-]+\.ya?ml$/;

export interface Lesson {
	number: number;
	file: string;
	scenario: Scenario & { lesson: LessonInfo; script: ScriptStep[] };
	/** The parsed file (exercises apply their changes to it). */
	raw: unknown;
}

/** Lesson files in `dir`, by number: [number, path]. */
export function lessonFiles(dir = LESSONS_DIR): { number: number; file: string }[] {
	const out: { number: number; file: string }[] = [];
	for (const name of readdirSync(dir)) {
		const m = LESSON_FILE.exec(name);
		if (m !== null) out.push({ number: Number(m[1]), file: join(dir, name) });
	}
	return out.sort((a, b) => a.number - b.number);
}

/** Reads and validates a lesson file; SimError when it is not a valid lesson. */
export function loadLesson(file: string, number: number): Lesson {
	const text = readFileSync(file, "utf8");
	const { value, locate } = parseSource(text, file);
	const scenario = validateScenario(value, { sourceName: file, locate });
	if (scenario.lesson === undefined || scenario.script === undefined)
		throw simError("SIM_ERR_USAGE", {
			reason: `${file} is not a lesson: it needs a "lesson:" block and a "script:"`,
		});
	return { number, file, scenario: scenario as Lesson["scenario"], raw: value };
}

/** Every lesson in `dir`, loaded. */
export function loadLessons(dir = LESSONS_DIR): Lesson[] {
	return lessonFiles(dir).map((f) => loadLesson(f.file, f.number));
}

export interface ExerciseRun {
	question: string;
	answer: string;
	expectations: ExpectationResult[];
}

export interface LessonRun {
	lesson: Lesson;
	played: PlayedStep[];
	/** Steps whose trigger never came before the run ended (indices). */
	unplayed: number[];
	exercises: ExerciseRun[];
	/** Every expectation judged, the script's and the exercises'. */
	expectations: ExpectationResult[];
	eventLogHash: string;
}

/** Plays a lesson headless: its scenario with the script, then each exercise's changed scenario. */
export function playLesson(lesson: Lesson): LessonRun {
	let player: ScriptPlayer | undefined;
	const { report } = runSimulation(lesson.scenario, {
		onBuilt: (sim) => {
			player = new ScriptPlayer(sim, lesson.scenario.script);
			player.start();
		},
	});
	const p = player!;
	const played = p.played.slice();
	const values = p.values;
	const unplayed = lesson.scenario.script.map((_, i) => i).slice(played.length);
	const exercises = lesson.scenario.lesson.exercises.map((e) => playExercise(lesson, e, values));
	return {
		lesson,
		played,
		unplayed,
		exercises,
		expectations: [...played.flatMap((s) => s.expectations), ...exercises.flatMap((e) => e.expectations)],
		eventLogHash: report.eventLogHash,
	};
}

/** Runs the changed scenario of an exercise and reads its expectations at `at` (default: the end). */
function playExercise(lesson: Lesson, e: Exercise, values: ReadonlyMap<string, number | null>): ExerciseRun {
	const variant = exerciseVariant(lesson.raw, e.set);
	if ("problem" in variant) throw simError("SIM_ERR_USAGE", { reason: `${lesson.file}: ${variant.problem}` });
	const scenario = validateScenario(variant.input, { sourceName: lesson.file });
	const step: ScriptStep = {
		trigger: { kind: "at", atMs: e.atMs ?? scenario.durationMs },
		pause: false,
		expect: e.expect,
		answer: e.answer,
	};
	let player: ScriptPlayer | undefined;
	runSimulation(scenario, {
		onBuilt: (sim) => {
			player = new ScriptPlayer(sim, [step], { values });
			player.start();
		},
	});
	const played = player!.played[0];
	const expectations =
		played?.expectations ??
		e.expect.map((x) => ({
			name: x.name,
			value: null,
			expected: "(not read: the run ended first)",
			ok: false,
		}));
	return {
		question: renderText(parseText(e.question), (name) => values.get(name) ?? null),
		answer: played?.answer ?? e.answer,
		expectations,
	};
}
