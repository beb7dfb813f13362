/** The terminal form of a played lesson (`mesosim lesson run N --text`): narration, numbers, questions, answers. */
import type { ExerciseRun, LessonRun } from "./lesson.js";
import type { ExpectationResult, PlayedStep } from "./types.js";

function clock(ms: number): string {
	const s = Math.floor(ms / 1000);
	const frac = ms % 1000 === 0 ? "" : `.${String(ms % 1000).padStart(3, "0")}`;
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}${frac}`;
}

/** Markdown-ish to plain text: `code` and **bold** marks dropped, paragraphs kept, indented. */
function plain(text: string, indent = "  "): string {
	return text
		.trimEnd()
		.replace(/\*\*([^*]+)\*\*/g, "$1")
		.replace(/`([^`]+)`/g, "$1")
		.split("\n")
		.map((line) => (line.trim() === "" ? "" : indent + line.trim()))
		.join("\n");
}

function expectationLine(r: ExpectationResult): string {
	const value = r.value === null ? "no value" : String(Number(r.value.toFixed(6)));
	return `    ${r.ok ? "ok  " : "FAIL"} ${r.name} = ${value} (expected ${r.expected})`;
}

function stepText(step: PlayedStep): string {
	const lines = [
		`[${clock(step.tMs)}] step ${step.index + 1}${step.title === undefined ? "" : `: ${step.title}`}`,
	];
	if (step.caption !== undefined) lines.push(plain(step.caption));
	if (step.question !== undefined) lines.push("  Question:", plain(step.question, "    "));
	if (step.answer !== undefined) lines.push("  Answer:", plain(step.answer, "    "));
	for (const r of step.expectations) lines.push(expectationLine(r));
	return lines.join("\n");
}

function exerciseText(e: ExerciseRun, k: number): string {
	const lines = [`Exercise ${k + 1}:`, plain(e.question), "  Answer:", plain(e.answer, "    ")];
	for (const r of e.expectations) lines.push(expectationLine(r));
	return lines.join("\n");
}

/** The whole narration; the last line says how many expectations were met. */
export function lessonText(run: LessonRun): string {
	const { lesson } = run;
	const info = lesson.scenario.lesson;
	const parts = [
		`Lesson ${lesson.number}: ${info.title} (about ${info.minutes} minutes)\n${plain(info.teaches)}`,
	];
	for (const step of run.played) parts.push(stepText(step));
	for (const i of run.unplayed)
		parts.push(`step ${i + 1} did not play: its trigger never came before the run ended`);
	run.exercises.forEach((e, k) => {
		parts.push(exerciseText(e, k));
	});
	parts.push(summaryLine(run));
	return `${parts.join("\n\n")}\n`;
}

export function summaryLine(run: LessonRun): string {
	const all = run.expectations.length;
	const met = run.expectations.filter((r) => r.ok).length;
	const unplayed = run.unplayed.length === 0 ? "" : `; ${run.unplayed.length} step(s) did not play`;
	return met === all
		? `${met} expectations met${unplayed}`
		: `${met} of ${all} expectations met, ${all - met} failed${unplayed}`;
}

/** True when every expectation was met and every step played. */
export function lessonPassed(run: LessonRun): boolean {
	return run.unplayed.length === 0 && run.expectations.every((r) => r.ok);
}
