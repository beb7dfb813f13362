/**
 * The live feed of allocation cycles, offers, launches, status updates and
 * faults. Filter by kind, framework or agent; pausing the feed stops only the
 * list (new events wait in a bounded buffer), never the cluster.
 */
import { FEED_KINDS, type FeedEvent } from "../protocol.js";
import { type Child, el, fmt } from "./dom.js";
import { whyLink } from "./step-view.js";

/** Opens the why of an offer or a task (step mode's panel). */
export type OpenWhy = (what: "offer" | "task", id: string) => void;

const SHOWN = 300;
const WAITING = 2000;

export class FeedView {
	readonly #list: HTMLElement;
	readonly #kind: HTMLSelectElement;
	readonly #framework: HTMLInputElement;
	readonly #agent: HTMLInputElement;
	readonly #pause: HTMLButtonElement;
	readonly #info: HTMLElement;
	#events: FeedEvent[] = [];
	#waiting: FeedEvent[] = [];
	#paused = false;
	#dropped = 0;
	readonly #openWhy: OpenWhy;

	constructor(root: HTMLElement, openWhy: OpenWhy) {
		this.#openWhy = openWhy;
		this.#kind = el(
			"select",
			{ "aria-label": "kind", onchange: () => this.#render() },
			el("option", { value: "" }, "all kinds"),
			...FEED_KINDS.map((k) => el("option", { value: k }, k)),
		);
		this.#framework = el("input", {
			placeholder: "framework",
			"aria-label": "framework filter",
			oninput: () => this.#render(),
		});
		this.#agent = el("input", {
			placeholder: "agent #",
			"aria-label": "agent filter",
			size: 7,
			oninput: () => this.#render(),
		});
		this.#pause = el("button", { id: "feed-pause", onclick: () => this.#toggle() }, "pause feed");
		this.#info = el("span", { class: "muted" });
		this.#list = el("ol", { class: "feed", id: "feed-list" });
		root.replaceChildren(
			el("div", { class: "toolbar" }, this.#kind, this.#framework, this.#agent, this.#pause, this.#info),
			this.#list,
		);
	}

	get paused(): boolean {
		return this.#paused;
	}

	#toggle(): void {
		this.#paused = !this.#paused;
		this.#pause.textContent = this.#paused ? "resume feed" : "pause feed";
		if (!this.#paused) {
			this.#push(this.#waiting);
			this.#waiting = [];
		}
		this.#render();
	}

	#push(events: FeedEvent[]): void {
		this.#events.push(...events);
		if (this.#events.length > WAITING) this.#events.splice(0, this.#events.length - WAITING);
	}

	add(events: FeedEvent[], dropped: number): void {
		this.#dropped += dropped;
		if (events.length === 0 && dropped === 0) return;
		if (this.#paused) {
			this.#waiting.push(...events);
			if (this.#waiting.length > WAITING) {
				this.#dropped += this.#waiting.length - WAITING;
				this.#waiting.splice(0, this.#waiting.length - WAITING);
			}
			this.#info.textContent = `${this.#waiting.length} new while paused`;
			return;
		}
		this.#push(events);
		// Only the new events' items are made and the oldest dropped, so the
		// browser shapes and lays out the new text only, not SHOWN items per update.
		this.#list.prepend(...this.#items(events));
		while (this.#list.childElementCount > SHOWN) this.#list.lastElementChild!.remove();
		this.#showInfo();
	}

	/** The event's text with its offer or task id as a link to its why. */
	#text(e: FeedEvent): Child[] {
		const what = e.offer !== undefined ? "offer" : e.task !== undefined ? "task" : null;
		const id = e.offer ?? e.task;
		const at = id === undefined ? -1 : e.text.indexOf(id);
		if (what === null || id === undefined || at < 0) return [e.text];
		return [e.text.slice(0, at), whyLink(id, () => this.#openWhy(what, id)), e.text.slice(at + id.length)];
	}

	/** List items for the events that pass the filter, newest first, at most SHOWN. */
	#items(events: FeedEvent[]): HTMLElement[] {
		const kind = this.#kind.value;
		const fw = this.#framework.value.trim().toLowerCase();
		const agentText = this.#agent.value.trim();
		const agent = agentText === "" ? null : Number(agentText);
		const shown: HTMLElement[] = [];
		for (let i = events.length - 1; i >= 0 && shown.length < SHOWN; i--) {
			const e = events[i]!;
			if (kind !== "" && e.kind !== kind) continue;
			if (fw !== "" && !(e.framework ?? "").toLowerCase().includes(fw)) continue;
			if (agent !== null && e.agent !== agent) continue;
			shown.push(
				el(
					"li",
					{ class: `k-${e.kind}` },
					el("time", {}, fmt.time(e.t)),
					el("span", { class: "kind" }, e.kind),
					...this.#text(e),
				),
			);
		}
		return shown;
	}

	#render(): void {
		this.#list.replaceChildren(...this.#items(this.#events));
		this.#showInfo();
	}

	#showInfo(): void {
		if (!this.#paused)
			this.#info.textContent = this.#dropped > 0 ? `${this.#dropped} events not shown (rate cap)` : "";
	}
}
