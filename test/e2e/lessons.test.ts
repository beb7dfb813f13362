/**
 * Every lesson in examples/lessons/ plays headless with every expectation met
 * (its script's and its exercises', each exercise on its changed scenario),
 * its text states no number it did not measure, and the script does not
 * change the run (same event-log hash as the scenario without it).
 */
import { describe, expect, test } from "vitest";
import { lessonFiles, loadLesson, playLesson } from "../../sim/narration/index.js";
import { runScenario } from "../../sim/runner/index.js";
import { bareNumbers, parseScenario, parseText } from "../../sim/scenario/index.js";

const files = lessonFiles();

test("there are lessons", () => {
	expect(files.length).toBeGreaterThan(0);
});

describe.each(files)("lesson $number", ({ file, number }) => {
	const lesson = loadLesson(file, number);

	test("every step plays and every expectation is met", () => {
		const run = playLesson(lesson);
		const failed = run.expectations
			.filter((r) => !r.ok)
			.map((r) => `${r.name} = ${r.value} (expected ${r.expected})`);
		expect(failed).toEqual([]);
		expect(run.unplayed).toEqual([]);
		expect(run.played.length).toBe(lesson.scenario.script.length);
		// Exercises are judged on their changed scenarios.
		expect(run.exercises.length).toBe(lesson.scenario.lesson.exercises.length);
	});

	test("no number in its text that was not measured", () => {
		const texts: string[] = [lesson.scenario.lesson.title, lesson.scenario.lesson.teaches];
		for (const s of lesson.scenario.script)
			texts.push(...[s.title, s.caption, s.question, s.answer].filter((t) => t !== undefined));
		for (const e of lesson.scenario.lesson.exercises) texts.push(e.question, e.answer);
		const bare = texts.flatMap((t) => bareNumbers(parseText(t)));
		expect(bare).toEqual([]);
	});

	test("the script only watches: the run's hash is the same without it", () => {
		const withScript = playLesson(lesson).eventLogHash;
		const { script: _s, lesson: _l, ...plain } = lesson.scenario;
		expect(runScenario(plain).eventLogHash).toBe(withScript);
	});
});

test("a wrong expectation fails, naming the measured value", () => {
	const l = loadLesson(files[0]!.file, files[0]!.number);
	const step = l.scenario.script.find((s) => s.expect.length > 0)!;
	const e = step.expect[0]!;
	e.check = { kind: "equals", value: -12345 };
	const run = playLesson(l);
	const failed = run.expectations.find((r) => r.name === e.name)!;
	expect(failed.ok).toBe(false);
	expect(failed.expected).toBe("= -12345");
	expect(typeof failed.value).toBe("number");
});

test("text numbers that were not measured are refused in a lesson", () => {
	const text = `
agents: [{count: 1, cpus: 4, mem: 4096}]
frameworks: [{type: simple, name: A, tasks: {count: 2, cpus: 1, mem: 128}}]
script:
  - at: 5s
    caption: "A runs 2 tasks, {A.n} by count; \`cpus: 1\` each, on host-0"
    expect: { A.n: { measure: tasks, framework: A, equals: 2 } }
lesson: { title: t, minutes: 1, teaches: t }
`;
	expect(() => parseScenario(text, "x.yaml")).toThrow(/states "2" without measuring it/);
	expect(() => parseScenario(text.replace("A runs 2 tasks, ", ""), "x.yaml")).not.toThrow();
});
