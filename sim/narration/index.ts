/** Narrated scenarios (lessons): the script player, the measures it reads, headless play and its text form. */
export {
	type ExerciseRun,
	LESSONS_DIR,
	type Lesson,
	type LessonRun,
	lessonFiles,
	loadLesson,
	loadLessons,
	playLesson,
} from "./lesson.js";
export { agentStateName, describeCheck, MeasureReader, passes } from "./measures.js";
export { type PlayerOptions, ScriptPlayer } from "./player.js";
export { lessonPassed, lessonText, summaryLine } from "./text.js";
export type { ExpectationResult, PlayedStep } from "./types.js";
