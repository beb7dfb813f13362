/**
 * Step mode: pause the cluster before the next allocation cycle, run exactly
 * one with decisions recorded (/sim/v1/decisions), then walk the recorded
 * cycle agent by agent: the visited agent lights up on the map, the roles in
 * the order the allocator tried them with their weighted DRF shares, each
 * framework's verdict in plain words, the offers made and what the framework
 * answered. Back and forth through the cycles the ring holds. Any offer or
 * task on the page opens its "why" here.
 *
 * Record times are the master's clock; the page shows simulated time
 * (time - originMs) as the rest of the page does.
 */
import { api, run } from "./api.js";
import { type Child, el, fmt } from "./dom.js";

// What the page reads of the decision records (master/protocol/decisions.ts, docs/api.md "Decisions").
interface Res {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
}
interface FrameworkTry {
	framework: string;
	share: number;
	verdict: string;
	filter?: {
		until: number;
		set_by: { call: string; offer_id: string; refuse_seconds: number } | null;
	};
}
interface RoleTry {
	role: string;
	weight: number;
	share: number;
	verdict: string;
	capped_by?: string;
	frameworks: FrameworkTry[];
}
interface OfferMade {
	offer_id: string;
	framework: string;
	role: string;
	resources: Res;
}
interface Visit {
	agent_id: string;
	hostname: string;
	free: Res;
	skipped?: string;
	roles: RoleTry[];
	offers: OfferMade[];
}
interface Cycle {
	cycle: number;
	time: number;
	sorter: string;
	ineligible: { framework: string; role: string; reason: string }[];
	visits: Visit[];
}
interface Answer {
	time: number;
	framework: string;
	call: string;
	refuse_seconds: number | null;
	filter_until: number | null;
	task_ids: string[];
}
interface OfferWhy {
	offer: OfferMade;
	cycle: number;
	time: number;
	visit: Visit;
	answer: Answer | null;
	reasons: { reason: string; detail: string }[];
}
interface TaskWhy {
	task_id: string;
	answer: Answer;
	offers: OfferWhy[];
}
interface DecisionStatus {
	recording: boolean;
	held: number;
	oldest: number | null;
	originMs: number;
	cycles: Cycle[];
}

/** Cycles the page asks the ring to keep, and reads back. */
const KEEP = 50;
/** An unanswered offer is asked about again this often, this many times. */
const ANSWER_RETRY_MS = 400;
const ANSWER_TRIES = 10;

export interface StepHooks {
	/** Lights up an agent on the map by its agent id. */
	showAgent(agentId: string): void;
	/** Plain words for reason codes (the snapshot's). */
	reasons(): { pass: Record<string, string>; framework: Record<string, string> };
}

export class StepView {
	readonly #root: HTMLElement;
	readonly #hooks: StepHooks;
	readonly #info = el("span", { id: "step-info", class: "muted" });
	readonly #visit = el("div", { id: "step-visit", class: "step-visit" });
	readonly #why = el("div", { id: "step-why", class: "step-why" });
	#cycles: Cycle[] = [];
	#originMs = 0;
	#recording = false;
	#cycleAt = -1;
	#visitAt = 0;

	constructor(root: HTMLElement, hooks: StepHooks) {
		this.#root = root;
		this.#hooks = hooks;
		const button = (id: string, title: string, label: string, onclick: () => void) =>
			el("button", { id, title, onclick }, label);
		root.replaceChildren(
			el(
				"div",
				{ class: "toolbar" },
				button(
					"step-pause",
					"run everything before the next allocation cycle, then stay paused (records decisions)",
					"pause before next cycle",
					() => void run("pause before next cycle", () => this.#pauseBefore()),
				),
				button(
					"step-run",
					"run exactly one allocation cycle, recording why each offer goes where",
					"step one cycle",
					() => void run("step", () => this.step()),
				),
				el("span", { class: "spacer-s" }),
				button("step-prev-cycle", "previous recorded cycle", "◀ cycle", () => this.#move(-1, 0)),
				button("step-next-cycle", "next recorded cycle", "cycle ▶", () => this.#move(1, 0)),
				button("step-prev-visit", "previous agent visited", "◀ agent", () => this.#move(0, -1)),
				button("step-next-visit", "next agent visited", "agent ▶", () => this.#move(0, 1)),
				this.#info,
			),
			el("div", { class: "step-row" }, this.#visit, this.#why),
		);
		this.#render();
	}

	/** Reads the ring's status and cycles; shows `which` (the newest by default, else the same cycle number). */
	async refresh(which: "newest" | "same" = "newest"): Promise<void> {
		const shown = this.#cycles[this.#cycleAt]?.cycle;
		const s = (await api.decisions(KEEP)) as DecisionStatus;
		this.#cycles = s.cycles;
		this.#originMs = s.originMs;
		this.#recording = s.recording;
		const same = which === "same" ? s.cycles.findIndex((c) => c.cycle === shown) : -1;
		if (same >= 0) this.#cycleAt = same;
		else {
			this.#cycleAt = s.cycles.length - 1;
			this.#visitAt = this.#firstVisitWithOffers();
		}
		this.#render();
	}

	/** Runs exactly the next allocation cycle with recording on, and shows it. */
	async step(): Promise<void> {
		await this.#record();
		await api.cycle();
		await this.refresh("newest");
	}

	async #pauseBefore(): Promise<void> {
		await this.#record();
		await api.toNextCycle();
		await this.refresh("same");
	}

	async #record(): Promise<void> {
		if (!this.#recording) await api.recordDecisions(KEEP);
		this.#recording = true;
	}

	#firstVisitWithOffers(): number {
		const visits = this.#cycles[this.#cycleAt]?.visits ?? [];
		return Math.max(
			0,
			visits.findIndex((v) => v.offers.length > 0),
		);
	}

	#move(dCycle: number, dVisit: number): void {
		if (this.#cycles.length === 0) return;
		if (dCycle !== 0) {
			this.#cycleAt = Math.min(this.#cycles.length - 1, Math.max(0, this.#cycleAt + dCycle));
			this.#visitAt = this.#firstVisitWithOffers();
		} else {
			const n = this.#cycles[this.#cycleAt]!.visits.length;
			this.#visitAt = Math.min(n - 1, Math.max(0, this.#visitAt + dVisit));
		}
		this.#render();
	}

	#t(time: number): string {
		return `t = ${fmt.time(time - this.#originMs)}`;
	}

	#render(): void {
		const cycle = this.#cycles[this.#cycleAt];
		if (cycle === undefined) {
			this.#info.textContent = this.#recording ? "recording: no cycle yet" : "recording is off";
			this.#visit.replaceChildren(
				el(
					"p",
					{ class: "muted" },
					"Step one cycle: the clock pauses, decisions are recorded (the last 50 cycles are kept) and the cycle is shown agent by agent.",
				),
			);
			return;
		}
		const visit = cycle.visits[this.#visitAt];
		this.#info.textContent =
			`cycle ${cycle.cycle} (${this.#cycleAt + 1} of ${this.#cycles.length} held) · ${this.#t(cycle.time)} · ` +
			`agent ${cycle.visits.length === 0 ? 0 : this.#visitAt + 1} of ${cycle.visits.length} visited` +
			(this.#recording ? "" : " · recording is off");
		const ineligible = cycle.ineligible.map((i) =>
			el("li", {}, `${i.framework} (role ${i.role}): ${this.#pass(i.reason)}`),
		);
		this.#visit.replaceChildren(
			...(visit === undefined ? [el("p", { class: "muted" }, "no agent was visited in this cycle")] : []),
			...(visit === undefined ? [] : this.#visitView(visit, cycle.sorter)),
			...(ineligible.length > 0
				? [el("h4", {}, "not in this cycle"), el("ul", { class: "plain" }, ...ineligible)]
				: []),
		);
		if (visit !== undefined) {
			this.#hooks.showAgent(visit.agent_id);
			for (const offer of visit.offers) void this.#fillAnswer(offer.offer_id);
		}
	}

	#pass(code: string): string {
		return this.#hooks.reasons().pass[code] ?? code;
	}

	/** One visit: the agent, the roles in the order tried with their shares, the frameworks' verdicts, the offers. */
	#visitView(visit: Visit, sorter: string, withOffers = true): HTMLElement[] {
		const rows: HTMLElement[] = [];
		visit.roles.forEach((r, i) => {
			rows.push(
				el(
					"tr",
					{ class: "role", "data-role": r.role },
					el("td", { class: "num" }, String(i + 1)),
					el("td", {}, el("b", {}, r.role), el("span", { class: "muted" }, ` weight ${fmt.num(r.weight)}`)),
					el("td", {}, shareBar(r.share)),
					el("td", { class: verdictClass(r.verdict) }, this.#roleVerdict(r)),
				),
			);
			for (const f of r.frameworks)
				rows.push(
					el(
						"tr",
						{ class: "framework", "data-framework": f.framework },
						el("td", {}),
						el("td", {}, `↳ ${f.framework}`),
						el("td", {}, shareBar(f.share)),
						el("td", { class: verdictClass(f.verdict) }, this.#frameworkVerdict(f)),
					),
				);
		});
		const offers = visit.offers.map((o) =>
			el(
				"div",
				{ class: "step-offer", "data-offer": o.offer_id },
				el(
					"div",
					{},
					this.#offerLink(o.offer_id),
					` to ${o.framework} (role ${o.role}): ${res(o.resources)}`,
				),
				el("div", { class: "answer muted", "data-answer": o.offer_id }, "answer: …"),
			),
		);
		return [
			el(
				"h3",
				{},
				visit.hostname,
				el("span", { class: "muted mono" }, ` ${visit.agent_id}`),
				el("span", { class: "muted" }, ` · free ${res(visit.free)}`),
			),
			...(visit.skipped === undefined
				? []
				: [el("p", { class: "verdict-pass" }, `not offered: ${this.#pass(visit.skipped)}`)]),
			el(
				"h4",
				{},
				sorter === "drf" ? "roles in DRF order (lowest weighted share first)" : "roles in the order tried",
			),
			visit.roles.length === 0
				? el("p", { class: "muted" }, "none")
				: el("table", { class: "drf", id: "step-roles" }, el("tbody", {}, ...rows)),
			...(withOffers
				? [
						el("h4", {}, `offers made (${visit.offers.length})`),
						...(offers.length === 0 ? [el("p", { class: "muted" }, "none")] : offers),
					]
				: []),
		];
	}

	#roleVerdict(r: RoleTry): string {
		if (r.verdict === "OFFERED") return "offered";
		if (r.verdict === "NO_FRAMEWORK") return "every framework passed";
		const capped = r.capped_by === undefined ? "" : ` (limited by ${r.capped_by})`;
		return `${this.#pass(r.verdict)}${capped}`;
	}

	#frameworkVerdict(f: FrameworkTry): Child {
		if (f.verdict === "OFFERED") return "offered";
		const words = this.#pass(f.verdict);
		if (f.filter === undefined) return words;
		const by = f.filter.set_by;
		return el(
			"span",
			{},
			`${words}: until ${fmt.time(f.filter.until - this.#originMs)}`,
			by === null
				? " (set before recording began)"
				: el(
						"span",
						{},
						` (refuse ${by.refuse_seconds} s, ${by.call} of `,
						this.#offerLink(by.offer_id),
						")",
					),
		);
	}

	#offerLink(id: string): HTMLElement {
		return whyLink(id, () => void this.showOffer(id));
	}

	/**
	 * Fills an offer's answer box. The answer comes after the cycle (a remote
	 * framework's call, or an in-process one's on a later turn of the event
	 * loop), so an offer not answered yet is asked again a few times while
	 * its box is on the page.
	 */
	async #fillAnswer(offerId: string): Promise<void> {
		for (let attempt = 0; attempt < ANSWER_TRIES; attempt++) {
			if (attempt > 0) await new Promise((r) => setTimeout(r, ANSWER_RETRY_MS));
			let why: OfferWhy | null = null;
			try {
				why = (await api.offerWhy(offerId)) as OfferWhy;
			} catch {}
			const box = this.#visit.querySelector(`[data-answer="${CSS.escape(offerId)}"]`);
			if (box === null) return;
			box.className = "answer";
			box.replaceChildren(...(why === null ? ["answer: not held any more"] : this.#answerView(why)));
			if (why === null || why.answer !== null) return;
		}
	}

	/** What the framework did with an offer, and its own words. */
	#answerView(why: OfferWhy): (Node | string)[] {
		const a = why.answer;
		if (a === null)
			return [el("span", { class: "muted" }, "answer: none yet (not answered, rescinded or expired)")];
		const words = this.#hooks.reasons().framework;
		const refuse = a.refuse_seconds === null ? "default filter (5 s)" : `refuse ${a.refuse_seconds} s`;
		const filter =
			a.filter_until === null
				? "no filter left"
				: `filter until ${fmt.time(a.filter_until - this.#originMs)}`;
		return [
			el(
				"div",
				{},
				el("b", { class: a.call === "ACCEPT" ? "verdict-ok" : "verdict-pass" }, `${a.framework} ${a.call}`),
				` at ${this.#t(a.time)} · ${refuse} · ${filter}`,
				...(a.task_ids.length > 0
					? [" · tasks ", ...a.task_ids.flatMap((t, i) => [i > 0 ? ", " : "", this.#taskLink(t)])]
					: []),
			),
			...why.reasons.map((r) =>
				el("div", { class: "reason" }, `“${words[r.reason] ?? r.reason}”`, ` ${r.detail}`),
			),
		];
	}

	#taskLink(id: string): HTMLElement {
		return whyLink(id, () => void this.showTask(id));
	}

	/** Opens one offer's why (where it came from, what became of it) in the side panel. */
	async showOffer(id: string): Promise<void> {
		await this.#showWhy(`offer ${id}`, async () => {
			const why = (await api.offerWhy(id)) as OfferWhy;
			return this.#offerWhyView(why);
		});
	}

	/** Opens one task's why: the answer that launched it and the offers it came from. */
	async showTask(id: string): Promise<void> {
		await this.#showWhy(`task ${id}`, async () => {
			const why = (await api.taskWhy(id)) as TaskWhy;
			return [
				el(
					"p",
					{},
					`launched by ${why.answer.framework}'s ${why.answer.call} at ${this.#t(why.answer.time)}, from:`,
				),
				...why.offers.flatMap((o) => this.#offerWhyView(o)),
			];
		});
	}

	#offerWhyView(why: OfferWhy): HTMLElement[] {
		return [
			el(
				"p",
				{},
				el("b", {}, why.offer.offer_id),
				` to ${why.offer.framework} (role ${why.offer.role}) in cycle ${why.cycle} at ${this.#t(why.time)}: ${res(why.offer.resources)}`,
			),
			...this.#visitView(why.visit, "drf", false),
			el("h4", {}, "answer"),
			el("div", { class: "answer" }, ...this.#answerView(why)),
		];
	}

	async #showWhy(title: string, body: () => Promise<HTMLElement[]>): Promise<void> {
		this.#why.replaceChildren(el("h3", {}, `why: ${title}`), el("p", { class: "muted" }, "…"));
		this.#root.scrollIntoView({ behavior: "smooth", block: "start" });
		try {
			this.#why.replaceChildren(el("h3", {}, `why: ${title}`), ...(await body()));
		} catch (err) {
			this.#why.replaceChildren(
				el("h3", {}, `why: ${title}`),
				el("p", { class: "error" }, (err as Error).message),
			);
		}
	}
}

const res = (r: Res) =>
	`${fmt.num(r.cpus)} cpus · ${fmt.mem(r.mem)}${r.disk > 0 ? ` · ${fmt.mem(r.disk)} disk` : ""}${r.gpus > 0 ? ` · ${r.gpus} gpus` : ""}`;

function verdictClass(verdict: string): string {
	return verdict === "OFFERED" ? "verdict-ok" : "verdict-pass";
}

function shareBar(share: number): HTMLElement {
	return el(
		"span",
		{ class: "share", title: `weighted dominant share ${fmt.pct(share)}` },
		el(
			"span",
			{ class: "track" },
			el("span", { class: "bar", style: `width:${Math.min(100, share * 100).toFixed(1)}%` }),
		),
		el("span", { class: "pct" }, fmt.pct(share)),
	);
}

/** An offer or task id that opens its why. */
export function whyLink(id: string, open: () => void): HTMLElement {
	return el(
		"a",
		{
			href: "#",
			class: "why mono",
			title: "why?",
			onclick: (e: Event) => {
				e.preventDefault();
				open();
			},
		},
		id,
	);
}
