/**
 * Lesson mode (`mesosim lesson run N`): when the snapshot carries a lesson, a
 * caption box over the page shows one played step at a time (its title, the
 * caption with the measured numbers, "step k of n"), with back and next. Back
 * re-shows earlier captions; next on the newest step that paused the cluster
 * resumes it through /sim/v1 (the same call as the header's resume), and the
 * box follows the next step when it plays. The shown step's agents are
 * outlined on the map (an overlay canvas, so the map's own drawing is not
 * touched) and its frameworks and roles marked in their tables. A question
 * keeps its answer behind "show answer". After the last step, the exercises.
 *
 * A reconnecting page gets every played step in the snapshot and opens at the
 * newest one.
 */
import type { LessonView, NarrationStep } from "../protocol.js";
import { api, run } from "./api.js";
import { el } from "./dom.js";
import type { MapView } from "./map-view.js";
import { richText } from "./rich-text.js";
import "./lesson.css";

/** The smallest outline drawn around a highlighted cell (px), so one-pixel cells still show. */
const MIN_OUTLINE = 7;

export class LessonPanel {
	readonly root = el("section", { id: "lesson", "aria-label": "lesson", "aria-live": "polite" });
	readonly #overlay = el("canvas", { id: "lesson-overlay" });
	readonly #map: MapView;
	readonly #isPaused: () => boolean;
	#lesson: LessonView | null = null;
	/** Index into played of the step shown; played.length means the exercises. */
	#cursor = 0;
	/** Answers revealed, by "s<step index>" or "e<exercise index>". */
	readonly #revealed = new Set<string>();
	#minimised = false;
	#resuming = false;
	#drawnPaused: boolean | null = null;

	constructor(map: MapView, isPaused: () => boolean) {
		this.#map = map;
		this.#isPaused = isPaused;
		map.canvas.after(this.#overlay);
		this.root.hidden = true;
	}

	get active(): boolean {
		return this.#lesson !== null;
	}

	/** From a snapshot: the lesson and every step played so far (none: not a lesson). */
	setLesson(view: LessonView | undefined): void {
		const before = this.#lesson;
		const followed = before === null || this.#cursor >= before.played.length - 1;
		this.#lesson = view ?? null;
		document.body.classList.toggle("lesson-mode", view !== undefined);
		this.root.hidden = view === undefined;
		if (view === undefined) return;
		if (before === null || before.number !== view.number) this.#revealed.clear();
		if (followed || this.#cursor >= view.played.length) this.#cursor = Math.max(0, view.played.length - 1);
		this.#render();
	}

	/** A step just played: the box moves to it when the viewer was on the newest step. */
	addStep(step: NarrationStep): void {
		const l = this.#lesson;
		if (l === null || l.played.some((s) => s.index === step.index)) return;
		const followed = this.#cursor >= l.played.length - 1;
		l.played.push(step);
		if (followed) this.#cursor = l.played.length - 1;
		this.#resuming = false;
		this.#render();
	}

	/** After the page redrew its tables and map: mark the shown step's parts again. */
	afterRender(): void {
		if (this.#lesson === null) return;
		const step = this.#shownStep();
		for (const row of document.querySelectorAll<HTMLElement>("tr[data-framework]"))
			row.classList.toggle("lesson-lit", step?.frameworks.includes(row.dataset.framework ?? "") ?? false);
		for (const row of document.querySelectorAll<HTMLElement>("tr[data-role]"))
			row.classList.toggle("lesson-lit", step?.roles.includes(row.dataset.role ?? "") ?? false);
		this.#drawAgents(step?.agents ?? []);
		// The next button's label depends on whether the cluster is paused.
		if (this.#drawnPaused !== this.#isPaused()) this.#render();
	}

	#shownStep(): NarrationStep | undefined {
		return this.#lesson?.played[this.#cursor];
	}

	/** Outlines the highlighted agents' cells on the overlay, sized like the map canvas. */
	#drawAgents(agents: number[]): void {
		const o = this.#overlay;
		const c = this.#map.canvas;
		if (o.width !== c.width || o.height !== c.height) {
			o.width = c.width;
			o.height = c.height;
		}
		const ctx = o.getContext("2d");
		if (ctx === null) return;
		ctx.clearRect(0, 0, o.width, o.height);
		ctx.strokeStyle = "#ffd84a";
		ctx.lineWidth = 2;
		for (const a of agents) {
			const r = this.#map.cellRect(a);
			if (r === null) continue;
			const size = Math.max(MIN_OUTLINE, r.size + 4);
			const x = r.x + r.size / 2 - size / 2;
			const y = r.y + r.size / 2 - size / 2;
			ctx.strokeRect(x, y, size, size);
		}
	}

	#go(cursor: number): void {
		this.#cursor = cursor;
		this.#render();
		this.afterRender();
	}

	/** Next: the following played step; on the newest one, resume a paused cluster; after the last, the exercises. */
	#next(): void {
		const l = this.#lesson;
		if (l === null) return;
		if (this.#cursor < l.played.length - 1 || (this.#finished() && this.#cursor < l.played.length)) {
			this.#go(this.#cursor + 1);
			return;
		}
		if (this.#isPaused()) {
			this.#resuming = true;
			this.#render();
			void run("resume", api.resume);
		}
	}

	#finished(): boolean {
		const l = this.#lesson;
		return l !== null && l.played.length >= l.total;
	}

	#render(): void {
		const l = this.#lesson;
		if (l === null) return;
		const paused = this.#isPaused();
		this.#drawnPaused = paused;
		const atExercises = this.#cursor >= l.played.length && l.played.length > 0;
		const step = this.#shownStep();
		const head = el(
			"div",
			{ class: "lesson-head" },
			el("span", { class: "lesson-title" }, `Lesson ${l.number} · ${l.title}`),
			el(
				"span",
				{ class: "lesson-count", id: "lesson-count" },
				atExercises ? "exercises" : `step ${this.#cursor + 1} of ${l.total}`,
			),
			el(
				"button",
				{
					class: "lesson-min",
					title: this.#minimised ? "show the lesson" : "hide the lesson text",
					onclick: () => {
						this.#minimised = !this.#minimised;
						this.#render();
					},
				},
				this.#minimised ? "▴" : "▾",
			),
		);
		if (this.#minimised) {
			this.root.replaceChildren(head);
			return;
		}
		const body = atExercises ? this.#exercises(l) : step === undefined ? this.#waiting() : this.#step(step);
		this.root.replaceChildren(head, ...body, this.#nav(l, paused, atExercises));
	}

	#waiting(): HTMLElement[] {
		return [el("p", { class: "muted" }, "The lesson starts with its first step.")];
	}

	#step(step: NarrationStep): HTMLElement[] {
		const out: HTMLElement[] = [];
		if (step.title !== undefined) out.push(el("h3", { id: "lesson-step-title" }, step.title));
		if (step.caption !== undefined)
			out.push(el("div", { class: "lesson-caption" }, ...richText(step.caption)));
		if (step.question !== undefined)
			out.push(this.#question(`s${step.index}`, "Question", step.question, step.answer));
		else if (step.answer !== undefined)
			out.push(el("div", { class: "lesson-caption" }, ...richText(step.answer)));
		// Stepping one cycle is about the cluster now: offered on the newest step only.
		if (step.stepBy === "cycle" && step.index === this.#lesson?.played.at(-1)?.index)
			out.push(
				el(
					"p",
					{ class: "lesson-cycle" },
					"This step is about one allocation cycle. ",
					el(
						"button",
						{
							title: "run exactly the next allocation cycle, then stay paused",
							onclick: () => void run("run one cycle", api.cycle),
						},
						"run one cycle",
					),
				),
			);
		if (step.expectations.length > 0)
			out.push(
				el(
					"p",
					{ class: "lesson-checked muted" },
					`Numbers checked by the run: ${step.expectations
						.map((e) => `${e.name} ${e.ok ? "✓" : `✗ (expected ${e.expected})`}`)
						.join(" · ")}`,
				),
			);
		return out;
	}

	#question(key: string, label: string, question: string, answer: string | undefined): HTMLElement {
		const shown = this.#revealed.has(key);
		const box = el("div", { class: "lesson-question" }, el("b", {}, `${label}: `), ...richText(question));
		if (answer === undefined) return box;
		if (shown)
			box.append(el("div", { class: "lesson-answer" }, el("b", {}, "Answer: "), ...richText(answer)));
		else
			box.append(
				el(
					"button",
					{
						class: "lesson-show-answer",
						onclick: () => {
							this.#revealed.add(key);
							this.#render();
						},
					},
					"show answer",
				),
			);
		return box;
	}

	#exercises(l: LessonView): HTMLElement[] {
		return [
			el("h3", {}, "Change this and predict"),
			el(
				"p",
				{ class: "muted" },
				"Edit the lesson's scenario as each exercise says and run it (",
				el("code", {}, `mesosim lesson run ${l.number} --text`),
				" prints the answers with their measured numbers).",
			),
			...l.exercises.map((e, k) => this.#question(`e${k}`, `Exercise ${k + 1}`, e.question, e.answer)),
		];
	}

	#nav(l: LessonView, paused: boolean, atExercises: boolean): HTMLElement {
		const newest = this.#cursor >= l.played.length - 1;
		let label = "next";
		let enabled = true;
		let hint = "";
		if (atExercises) enabled = false;
		else if (newest && this.#finished()) {
			label = "exercises";
			enabled = l.exercises.length > 0;
			if (!enabled) hint = "the end of the lesson";
		} else if (newest && this.#resuming) {
			enabled = false;
			hint = "running until the next step…";
		} else if (newest && paused) label = "next (resume)";
		else if (newest) {
			enabled = false;
			hint = "the next step comes when the run reaches it…";
		}
		return el(
			"div",
			{ class: "lesson-nav" },
			el(
				"button",
				{ id: "lesson-back", disabled: this.#cursor === 0, onclick: () => this.#go(this.#cursor - 1) },
				"back",
			),
			el("button", { id: "lesson-next", disabled: !enabled, onclick: () => this.#next() }, label),
			el("span", { class: "muted" }, hint),
		);
	}
}
