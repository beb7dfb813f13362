/**
 * `mesosim explain SCENARIO`: runs the scenario with decision recording on
 * and explains one decision: a cycle (--cycle N), an offer (--offer ID), a
 * task (--task ID: the offer it came from and the framework's choice), or a
 * framework's fate in the cycle at a time (--framework NAME --at TIME).
 * Runs are deterministic, so a second run (for --task) sees the same
 * decisions; the sink keeps only the records the question needs.
 */
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import { didYouMean } from "../../../common/suggest.js";
import type { CycleRecord, DecisionRecord, DecisionSink } from "../../../master/index.js";
import { DecisionRing } from "../../../master/index.js";
import { checkChameleonSpecs } from "../../chameleon.js";
import {
	cycleText,
	frameworkText,
	offerText,
	shortId,
	type TextOptions,
	taskText,
} from "../../explain/index.js";
import { loadScenarioFile } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import type { CliContext } from "../context.js";
import { badFlag, parseDurationFlag } from "../flags.js";
import { applyRunOverrides, parseRunOverrides } from "./run.js";

interface ExplainFlags {
	offer?: string;
	cycle?: string;
	task?: string;
	framework?: string;
	at?: string;
	agent?: string;
	visits?: string;
	seed?: string;
	duration?: string;
	json?: boolean;
}

type Question =
	| { kind: "overview" }
	| { kind: "cycle"; n: number }
	| { kind: "offer"; id: string }
	| { kind: "task"; id: string }
	| { kind: "framework"; name: string; atMs: number };

function parseQuestion(flags: ExplainFlags, scenario: Scenario): Question {
	const given = (["offer", "cycle", "task", "framework"] as const).filter((k) => flags[k] !== undefined);
	if (given.length > 1)
		throw simError("SIM_ERR_USAGE", {
			reason: `ask one thing at a time: --${given.join(" and --")} were given (see mesosim explain --help)`,
		});
	if (flags.at !== undefined && flags.framework === undefined)
		throw simError("SIM_ERR_USAGE", { reason: "--at TIME goes with --framework NAME" });
	if (flags.offer !== undefined) return { kind: "offer", id: flags.offer };
	if (flags.task !== undefined) return { kind: "task", id: flags.task };
	if (flags.cycle !== undefined) {
		const n = Number(flags.cycle);
		if (!Number.isInteger(n) || n < 1) badFlag("--cycle", flags.cycle, "a cycle number, 1 or more");
		return { kind: "cycle", n };
	}
	if (flags.framework !== undefined) {
		const names = scenario.frameworks.map((f) => f.name);
		if (!names.includes(flags.framework)) {
			const hint = didYouMean(flags.framework, names);
			badFlag(
				"--framework",
				flags.framework,
				`no framework of that name in the scenario${hint}; it has ${names.join(", ")}`,
			);
		}
		const atMs = flags.at === undefined ? scenario.durationMs : parseDurationFlag(flags.at, "--at");
		return { kind: "framework", name: flags.framework, atMs };
	}
	return { kind: "overview" };
}

/** Whether an offer id as typed ("O12", "12" or the full id) names `full`. */
function sameOffer(typed: string, full: string): boolean {
	if (typed === full) return true;
	const short = shortId(full);
	return short === typed || short === `O${typed}`;
}

/** Passes on the cycles `keep` accepts and every answer and reason (the ring indexes those of held offers only). */
function filtered(ring: DecisionRing, keep: (c: CycleRecord) => boolean): DecisionSink {
	return {
		write(record: DecisionRecord) {
			if (record.kind !== "cycle" || keep(record)) ring.write(record);
		},
	};
}

interface RunTotals {
	cycles: number;
	offers: number;
	/** Each framework's roles, by name (a cycle record names a framework only where it was tried). */
	roles: Map<string, string[]>;
}

async function runRecording(scenario: Scenario, sink: DecisionSink): Promise<RunTotals> {
	const { runSimulation, recordDecisions } = await import("../../runner/index.js");
	let cycles = 0;
	let offers = 0;
	const counting: DecisionSink = {
		write(record) {
			if (record.kind === "cycle") {
				cycles = record.cycle;
				for (const v of record.visits) offers += v.offers.length;
			}
			sink.write(record);
		},
	};
	const { sim } = runSimulation(scenario, { onBuilt: (s) => recordDecisions(s, counting) });
	const roles = new Map<string, string[]>();
	for (const fw of [...sim.master.frameworks, ...sim.master.completedFrameworks.items()])
		if (fw !== undefined) roles.set(fw.info.name, fw.roles);
	return { cycles, offers, roles };
}

function notRecorded(what: string, id: string, reason: string): never {
	throw simError("SIM_ERR_NOT_RECORDED", { what, id, reason });
}

export function registerExplain(program: Command, ctx: CliContext): void {
	program
		.command("explain")
		.description("run a scenario and explain its decisions: why an offer went where, why a task landed where")
		.argument("<scenario>", "scenario file (.yaml, .yml or .json)")
		.option("--cycle <n>", "explain allocation cycle N: every agent visited, roles and frameworks in order")
		.option("--offer <id>", 'explain one offer ("O12", or the full id as in the trace)')
		.option(
			"--task <id>",
			"why this task landed on its agent: the offer it came from and the framework's choice",
		)
		.option("--framework <name>", "what happened to this framework in the cycle at --at")
		.option(
			"--at <time>",
			'with --framework: the last cycle at or before this simulated time, e.g. "30s" (default: the end)',
		)
		.option("--agent <host>", "with --cycle: only this agent's visit (hostname or agent id)")
		.option("--visits <n>", "visits shown in full per cycle (default 5)")
		.option("--seed <n>", "seed for every random stream (overrides the file's seed)")
		.option("--duration <d>", "simulated time to run (overrides the file)")
		.option("--json", "print the decision records asked for as JSON instead of text")
		.action(async (file: string, flags: ExplainFlags) => {
			const overrides = parseRunOverrides(flags);
			let maxVisits = 5;
			if (flags.visits !== undefined) {
				maxVisits = Number(flags.visits);
				if (!Number.isInteger(maxVisits) || maxVisits < 1)
					badFlag("--visits", flags.visits, "a whole number, 1 or more");
			}
			const loaded = loadScenarioFile(file);
			checkChameleonSpecs(loaded, file);
			const scenario = applyRunOverrides(loaded, overrides);
			const question = parseQuestion(flags, scenario);
			const text: TextOptions = { originMs: 0, maxVisits };
			const out = (value: unknown, rendered: string) =>
				ctx.stdout.write(flags.json === true ? `${JSON.stringify(value, null, 2)}\n` : rendered);
			const ring = new DecisionRing({ maxCycles: 1, maxVisits: Number.POSITIVE_INFINITY });

			switch (question.kind) {
				case "overview": {
					let first: CycleRecord | null = null;
					const totals = await runRecording(
						scenario,
						filtered(ring, (c) => {
							if (first !== null || !c.visits.some((v) => v.offers.length > 0)) return false;
							first = c;
							return true;
						}),
					);
					const c = ring.last(1)[0];
					if (c === undefined)
						notRecorded("offer", "(any)", `the run made no offer in ${totals.cycles} cycles`);
					ctx.stdout.write(
						flags.json === true
							? `${JSON.stringify(c, null, 2)}\n`
							: `${scenario.name}: ${totals.cycles} allocation cycles, ${totals.offers} offers. The first cycle that made an offer:\n\n${cycleText(c, text, flags.agent)}\nAsk about one decision with --cycle N, --offer ID, --task ID or --framework NAME --at TIME.\n`,
					);
					return;
				}
				case "cycle": {
					const totals = await runRecording(
						scenario,
						filtered(ring, (c) => c.cycle === question.n),
					);
					const c = ring.cycle(question.n);
					if (c === undefined)
						notRecorded("cycle", String(question.n), `the run had ${totals.cycles} cycles`);
					out(c, cycleText(c, text, flags.agent));
					return;
				}
				case "framework": {
					const originMs = 0;
					const totals = await runRecording(
						scenario,
						filtered(ring, (c) => c.time - originMs <= question.atMs),
					);
					const c = ring.last(1)[0];
					if (c === undefined) notRecorded("cycle", `at ${flags.at}`, "no allocation cycle ran by then");
					out(c, frameworkText(c, question.name, totals.roles.get(question.name) ?? [], text));
					return;
				}
				case "offer": {
					let fullId: string | null = null;
					const totals = await runRecording(
						scenario,
						filtered(ring, (c) => {
							for (const v of c.visits)
								for (const o of v.offers)
									if (sameOffer(question.id, o.offer_id)) {
										fullId = o.offer_id;
										return true;
									}
							return false;
						}),
					);
					const why = fullId === null ? undefined : ring.offer(fullId);
					if (why === undefined)
						notRecorded(
							"offer",
							question.id,
							`the run made ${totals.offers} offers, O0 to O${Math.max(0, totals.offers - 1)}`,
						);
					out(why, offerText(why, text));
					return;
				}
				case "task": {
					// First run: which offers launched the task. Second run (the same decisions): their cycle.
					let offerIds: string[] | null = null;
					await runRecording(scenario, {
						write(record) {
							if (offerIds === null && record.kind === "answer" && record.task_ids.includes(question.id))
								offerIds = record.offer_ids;
						},
					});
					if (offerIds === null)
						notRecorded("task", question.id, "no ACCEPT of the run launched a task of that id");
					const wanted = new Set<string>(offerIds);
					const all = new DecisionRing({
						maxCycles: Number.POSITIVE_INFINITY,
						maxVisits: Number.POSITIVE_INFINITY,
					});
					await runRecording(
						scenario,
						filtered(all, (c) => c.visits.some((v) => v.offers.some((o) => wanted.has(o.offer_id)))),
					);
					const why = all.task(question.id);
					if (why === undefined)
						notRecorded("task", question.id, "its offer was made before recording began");
					out(why, taskText(why, text));
					return;
				}
			}
		});
}
