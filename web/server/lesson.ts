/**
 * A lesson on the live master (`mesosim lesson run N`): the dashboard, plus
 * the lesson's script played on the live simulation (sim/narration). Each
 * played step goes to the page through the feed; a step with `pause` pauses
 * the clock (the same pause as /sim/v1's), and the page's "next" resumes it.
 * The exercises' text (questions and answers with their measured numbers)
 * comes from playing the lesson headless once at start: each exercise is a
 * changed scenario that the live run never plays.
 */

import type { Lesson } from "../../sim/narration/index.js";
import { playLesson, ScriptPlayer } from "../../sim/narration/index.js";
import type { LiveExtension } from "../../sim/runner/live.js";
import { liveDashboard } from "./live.js";

export function liveLesson(lesson: Lesson): LiveExtension {
	return async (app, live) => {
		await liveDashboard(app, live);
		const feed = app.dashboard;
		const info = lesson.scenario.lesson;
		feed.startLesson({
			number: lesson.number,
			title: info.title,
			minutes: info.minutes,
			total: lesson.scenario.script.length,
			exercises: playLesson(lesson).exercises.map((e) => ({ question: e.question, answer: e.answer })),
		});
		const player = new ScriptPlayer(live.sim, lesson.scenario.script, {
			onPlay: (step) => {
				if (step.pause) live.driver.pause();
				feed.narrate(step);
			},
		});
		player.start();
	};
}
