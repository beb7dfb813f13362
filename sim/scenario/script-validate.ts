/**
 * The meaning pass for a scenario's `script:` and `lesson:` (their shape is
 * checked by the schema first): durations to ms, one comparison per
 * expectation, the fields each measure takes, names that exist (frameworks,
 * roles, agent groups), expectation names unique and every `{name}` in the
 * text naming an expectation of its step or an earlier one, and for lessons
 * no number in the text that was not measured. Each exercise's change is
 * applied to the file and the changed scenario validated too.
 */
import { parseDuration } from "../../common/schema/duration.js";
import type { IssueList, Path } from "../../common/schema/issues.js";
import { suggestion } from "../../common/suggest.js";
import { bareNumbers, parseText, placeholderNames } from "./placeholders.js";
import type { ExpectationInput, LessonInput, ScriptStepInput, TriggerInput } from "./schema.js";
import {
	AGENT_STATES,
	type Check,
	type Exercise,
	type Expectation,
	type LessonInfo,
	MEASURE_PARAMS,
	type Measure,
	type MeasureKind,
	type MeasureParam,
	type ScriptEventKind,
	type ScriptStep,
	TASK_STATE_NAMES,
	type Trigger,
} from "./script-types.js";
import { setPath } from "./set-path.js";
import type { ScalarResourceName } from "./types.js";

/** What the script may refer to, from the rest of the scenario. */
export interface ScriptContext {
	frameworks: readonly string[];
	roles: readonly string[];
	groups: readonly string[];
	/** Validates a changed copy of the file (an exercise); returns its problems' messages. */
	validateVariant: (input: unknown) => string[];
}

const DEFAULT_TOLERANCE = 0.005;
const EXPECTATION_NAME = /^[A-Za-z0-9_.-]+$/;

export class ScriptResolver {
	readonly #issues: IssueList;
	readonly #ctx: ScriptContext;
	readonly #names = new Set<string>();
	readonly #strictNumbers: boolean;

	constructor(issues: IssueList, ctx: ScriptContext, strictNumbers: boolean) {
		this.#issues = issues;
		this.#ctx = ctx;
		this.#strictNumbers = strictNumbers;
	}

	script(steps: ScriptStepInput[]): ScriptStep[] {
		return steps.map((s, k) => this.#step(s, ["script", k]));
	}

	lesson(l: LessonInput, rawScenario: unknown): LessonInfo {
		const known = new Set(this.#names);
		const exercises = (l.exercises ?? []).map((e, k) =>
			this.#exercise(e, ["lesson", "exercises", k], known, rawScenario),
		);
		return { title: l.title, minutes: l.minutes, teaches: l.teaches, exercises };
	}

	#duration(raw: string | number, path: Path): number {
		try {
			return parseDuration(raw);
		} catch (err) {
			this.#issues.add(path, (err as Error).message);
			return 0;
		}
	}

	#step(s: ScriptStepInput, path: Path): ScriptStep {
		if (s.at !== undefined && s.on !== undefined)
			this.#issues.add([...path, "on"], 'give "at" or "on", not both', { anchor: "key" });
		if (s.answer !== undefined && s.question === undefined)
			this.#issues.add([...path, "answer"], 'an "answer" needs a "question"', { anchor: "key" });
		const trigger: Trigger =
			s.at !== undefined
				? { kind: "at", atMs: this.#duration(s.at, [...path, "at"]) }
				: s.on !== undefined
					? this.#trigger(s.on, [...path, "on"])
					: { kind: "next" };
		const expect = this.#expectations(s.expect ?? {}, [...path, "expect"]);
		for (const e of expect) this.#names.add(e.name);
		for (const field of ["title", "caption", "question", "answer"] as const) {
			const text = s[field];
			if (text !== undefined) this.#text(text, [...path, field], this.#names);
		}
		const step: ScriptStep = { trigger, pause: s.pause ?? false, expect };
		if (s.title !== undefined) step.title = s.title;
		if (s.caption !== undefined) step.caption = s.caption;
		if (s.question !== undefined) step.question = s.question;
		if (s.answer !== undefined) step.answer = s.answer;
		if (s.stepBy !== undefined) step.stepBy = s.stepBy;
		if (s.highlight !== undefined) {
			const h = s.highlight;
			h.frameworks?.forEach((f, i) => {
				this.#known(f, this.#ctx.frameworks, "framework", [...path, "highlight", "frameworks", i]);
			});
			h.roles?.forEach((r, i) => {
				this.#known(r, this.#ctx.roles, "role", [...path, "highlight", "roles", i]);
			});
			if (h.agents?.group !== undefined)
				this.#known(h.agents.group, this.#ctx.groups, "agent group", [
					...path,
					"highlight",
					"agents",
					"group",
				]);
			step.highlight = {
				...(h.agents === undefined ? {} : { agents: { ...h.agents } }),
				...(h.frameworks === undefined ? {} : { frameworks: [...h.frameworks] }),
				...(h.roles === undefined ? {} : { roles: [...h.roles] }),
			};
		}
		return step;
	}

	#trigger(on: TriggerInput, path: Path): Trigger {
		if ((on.event === undefined) === (on.measure === undefined)) {
			this.#issues.add(
				path,
				'give "event" (e.g. {event: offer, framework: A}) or "measure" with a comparison',
			);
			return { kind: "next" };
		}
		const event = on.event as ScriptEventKind | undefined;
		if (event !== undefined) {
			for (const key of ["role", "resource", "equals", "approx", "tolerance", "atLeast", "atMost"] as const)
				if (on[key] !== undefined)
					this.#issues.add([...path, key], `"${key}" does not apply to an event trigger`, { anchor: "key" });
			const t: Trigger = { kind: "event", event };
			if (on.framework !== undefined) {
				this.#known(on.framework, this.#ctx.frameworks, "framework", [...path, "framework"]);
				t.framework = on.framework;
			}
			if (event === "taskState" || event === "agentState") {
				if (on.state === undefined)
					this.#issues.add(
						path,
						`${event} needs "state" (e.g. ${event === "taskState" ? "TASK_LOST" : "unreachable"})`,
					);
				else this.#state(event === "taskState" ? "tasks" : "agents", on.state, [...path, "state"]);
				if (on.state !== undefined) t.state = on.state;
			} else if (on.state !== undefined)
				this.#issues.add([...path, "state"], `"state" applies to taskState and agentState only`, {
					anchor: "key",
				});
			if (event === "agentState" && on.framework !== undefined)
				this.#issues.add([...path, "framework"], `"framework" does not apply to agentState`, {
					anchor: "key",
				});
			return t;
		}
		const { measure, check } = this.#measured(on as ExpectationInput, path);
		return { kind: "condition", measure, check };
	}

	#expectations(map: Record<string, ExpectationInput>, path: Path): Expectation[] {
		const out: Expectation[] = [];
		for (const [name, e] of Object.entries(map)) {
			const p = [...path, name];
			if (!EXPECTATION_NAME.test(name))
				this.#issues.add(
					p,
					`expectation name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-"`,
					{
						anchor: "key",
					},
				);
			if (this.#names.has(name) || out.some((o) => o.name === name))
				this.#issues.add(
					p,
					`expectation name ${JSON.stringify(name)} is used twice (names are unique in the file)`,
					{
						anchor: "key",
					},
				);
			out.push({ name, ...this.#measured(e, p) });
		}
		return out;
	}

	#measured(e: ExpectationInput, path: Path): { measure: Measure; check: Check } {
		const kind = e.measure as MeasureKind;
		const rule = MEASURE_PARAMS[kind];
		const params: MeasureParam[] = ["framework", "role", "state", "resource"];
		for (const key of params) {
			if (e[key] !== undefined && !rule.required.includes(key) && !rule.optional.includes(key))
				this.#issues.add([...path, key], `"${key}" does not apply to measure ${kind}`, { anchor: "key" });
		}
		for (const key of rule.required)
			if (e[key] === undefined) this.#issues.add(path, `measure ${kind} needs "${key}"`);
		const measure: Measure = { kind };
		if (e.framework !== undefined) {
			this.#known(e.framework, this.#ctx.frameworks, "framework", [...path, "framework"]);
			measure.framework = e.framework;
		}
		if (e.role !== undefined) {
			this.#known(e.role, this.#ctx.roles, "role", [...path, "role"]);
			measure.role = e.role;
		}
		if (e.state !== undefined && (kind === "tasks" || kind === "agents")) {
			this.#state(kind, e.state, [...path, "state"]);
			measure.state = e.state;
		}
		if (e.resource !== undefined) measure.resource = e.resource as ScalarResourceName;
		return { measure, check: this.#check(e, path) };
	}

	#check(e: ExpectationInput, path: Path): Check {
		const given = (["equals", "approx", "atLeast", "atMost"] as const).filter((k) => e[k] !== undefined);
		const ranged = given.every((k) => k === "atLeast" || k === "atMost");
		if (given.length === 0 || (!ranged && given.length > 1)) {
			this.#issues.add(
				path,
				given.length === 0
					? "an expectation needs a comparison: equals, approx (with tolerance), atLeast or atMost"
					: `give one comparison (equals, approx, or atLeast and/or atMost), not ${given.join(" and ")}`,
			);
			return { kind: "range" };
		}
		if (e.tolerance !== undefined && e.approx === undefined)
			this.#issues.add([...path, "tolerance"], '"tolerance" goes with "approx"', { anchor: "key" });
		if (e.equals !== undefined) return { kind: "equals", value: e.equals };
		if (e.approx !== undefined)
			return { kind: "approx", value: e.approx, tolerance: e.tolerance ?? DEFAULT_TOLERANCE };
		if (e.atLeast !== undefined && e.atMost !== undefined && e.atLeast > e.atMost)
			this.#issues.add([...path, "atMost"], `atMost ${e.atMost} is below atLeast ${e.atLeast}`);
		return {
			kind: "range",
			...(e.atLeast === undefined ? {} : { atLeast: e.atLeast }),
			...(e.atMost === undefined ? {} : { atMost: e.atMost }),
		};
	}

	#state(kind: "tasks" | "agents", state: string, path: Path): void {
		const valid: readonly string[] = kind === "tasks" ? TASK_STATE_NAMES : AGENT_STATES;
		if (!valid.includes(state))
			this.#issues.add(
				path,
				`unknown ${kind === "tasks" ? "task" : "agent"} state ${JSON.stringify(state)}${suggestion(state, valid)} (one of ${valid.join(", ")})`,
			);
	}

	#known(name: string, known: readonly string[], what: string, path: Path): void {
		// "*" is always a role.
		if (known.includes(name) || (what === "role" && name === "*")) return;
		this.#issues.add(path, `unknown ${what} ${JSON.stringify(name)}${suggestion(name, known)}`);
	}

	/** Checks placeholders (they must name a known expectation) and, in a lesson, bare numbers. */
	#text(text: string, path: Path, known: ReadonlySet<string>): void {
		let parts: ReturnType<typeof parseText>;
		try {
			parts = parseText(text);
		} catch (err) {
			this.#issues.add(path, (err as Error).message);
			return;
		}
		for (const name of placeholderNames(parts))
			if (!known.has(name))
				this.#issues.add(
					path,
					`{${name}} names no expectation of this step or an earlier one${suggestion(name, [...known])}`,
				);
		if (!this.#strictNumbers) return;
		const bare = bareNumbers(parts);
		if (bare.length > 0)
			this.#issues.add(
				path,
				`lesson text states ${bare.map((b) => JSON.stringify(b)).join(", ")} without measuring it: show a measured value with {name} of an expectation, or put a value the scenario file sets in a \`code span\``,
			);
	}

	#exercise(
		e: NonNullable<LessonInput["exercises"]>[number],
		path: Path,
		scriptNames: ReadonlySet<string>,
		rawScenario: unknown,
	): Exercise {
		const expect = this.#expectations(e.expect, [...path, "expect"]);
		for (const x of expect) this.#names.add(x.name);
		const known = new Set([...scriptNames, ...expect.map((x) => x.name)]);
		this.#text(e.question, [...path, "question"], scriptNames);
		this.#text(e.answer, [...path, "answer"], known);
		const variant = exerciseVariant(rawScenario, e.set);
		if ("problem" in variant) this.#issues.add([...path, "set"], variant.problem);
		else
			for (const message of this.#ctx.validateVariant(variant.input))
				this.#issues.add([...path, "set"], `the changed scenario is not valid: ${message}`);
		const out: Exercise = { question: e.question, set: { ...e.set }, expect, answer: e.answer };
		if (e.at !== undefined) out.atMs = this.#duration(e.at, [...path, "at"]);
		return out;
	}
}

/**
 * The parsed scenario file with an exercise's change applied and without its
 * script and lesson (the changed run is judged only by the exercise's own
 * expectations). Returns a message when a path leads nowhere.
 */
export function exerciseVariant(
	rawScenario: unknown,
	set: Record<string, unknown>,
): { input: unknown } | { problem: string } {
	const copy = structuredClone(rawScenario) as Record<string, unknown>;
	delete copy.script;
	delete copy.lesson;
	for (const [path, value] of Object.entries(set)) {
		const problem = setPath(copy, path, structuredClone(value));
		if (problem !== null) return { problem };
	}
	return { input: copy };
}
