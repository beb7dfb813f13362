/**
 * `mesosim lesson list | run N [--text]`: the lessons of examples/lessons/
 * (sim/narration). `run N` starts the live master with the dashboard in
 * lesson mode and prints the URL, like `mesosim demo`; `--text` plays the
 * lesson headless and prints the narration with the run's numbers, exiting
 * non-zero when an expectation fails.
 */
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import {
	type Lesson,
	lessonFiles,
	lessonPassed,
	lessonText,
	loadLesson,
	playLesson,
	summaryLine,
} from "../../narration/index.js";
import { formatTable } from "../../report/table.js";
import type { CliContext } from "../context.js";
import { serveUntilStopped } from "../serving.js";
import { parseServeFlags } from "./serve.js";

interface LessonRunFlags {
	text?: boolean;
	host?: string;
	port?: string;
	speed?: string;
}

/** The lesson numbered `wanted`, or a usage error listing the lessons there are. */
function findLesson(wanted: string): Lesson {
	const files = lessonFiles();
	const n = /^\d+$/.test(wanted) ? Number(wanted) : Number.NaN;
	const found = files.find((f) => f.number === n);
	if (found === undefined)
		throw simError("SIM_ERR_USAGE", {
			reason: `no lesson ${JSON.stringify(wanted)}; the lessons are ${files.map((f) => f.number).join(", ")} (mesosim lesson list)`,
		});
	return loadLesson(found.file, found.number);
}

export function registerLesson(program: Command, ctx: CliContext): void {
	const lesson = program
		.command("lesson")
		.description("narrated lessons on two-level scheduling (docs/teaching/)");
	lesson
		.command("list")
		.description("list the lessons")
		.action(() => {
			const rows = lessonFiles().map((f) => {
				const l = loadLesson(f.file, f.number).scenario.lesson;
				return [String(f.number), l.title, String(l.minutes), l.teaches];
			});
			ctx.stdout.write(
				formatTable(
					[
						{ head: "#", align: "right" },
						{ head: "lesson", wrap: true },
						{ head: "min", align: "right" },
						{ head: "what it teaches", wrap: true },
					],
					rows,
					ctx.columns,
				),
			);
		});
	lesson
		.command("run <number>")
		.description("take a lesson in the dashboard (prints the URL); --text prints it in the terminal")
		.option("--text", "play it headless and print the narration with the run's numbers")
		.option("--host <host>", "address to listen on", "127.0.0.1")
		.option("--port <port>", "port to listen on (0: any free port)", "5050")
		.option("--speed <x>", "simulated seconds per wall-clock second", "1")
		.action(async (number: string, flags: LessonRunFlags) => {
			const l = findLesson(number);
			if (flags.text === true) {
				const run = playLesson(l);
				ctx.stdout.write(lessonText(run));
				if (!lessonPassed(run))
					throw simError("SIM_ERR_LESSON_FAILED", { lesson: String(l.number), summary: summaryLine(run) });
				return;
			}
			const opts = parseServeFlags({
				...(flags.host === undefined ? {} : { host: flags.host }),
				...(flags.port === undefined ? {} : { port: flags.port }),
				...(flags.speed === undefined ? {} : { speed: flags.speed }),
			});
			const { liveLesson } = await import("../../../web/server/index.js");
			await serveUntilStopped(
				ctx,
				{
					scenario: l.scenario,
					host: opts.host,
					port: opts.port,
					speed: opts.speed,
					extensions: [liveLesson(l)],
				},
				(server) => {
					ctx.stdout.write(
						`mesosim lesson ${l.number}: ${l.scenario.lesson.title}\n` +
							`open    ${server.url}/\n` +
							`text    mesosim lesson run ${l.number} --text\n` +
							"stop    Ctrl-C\n",
					);
				},
			);
		});
}
