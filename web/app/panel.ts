/** An agent's panel: resources, attributes, tasks, offers, decline filters, and the agent actions. */
import type { AgentDetail } from "../protocol.js";
import { AGENT_ACTIONS, api, run } from "./api.js";
import { el, fmt } from "./dom.js";
import type { OpenWhy } from "./feed-view.js";
import { whyLink } from "./step-view.js";

const res = (q: number[]) =>
	`${fmt.num(q[0] ?? 0)} cpus · ${fmt.mem(q[1] ?? 0)} · ${fmt.mem(q[2] ?? 0)} disk${(q[3] ?? 0) > 0 ? ` · ${q[3]} gpus` : ""}`;

/** A heading and a table of rows (a string is one plain cell), or "none". */
function list(title: string, rows: (HTMLTableCellElement | string)[][]): HTMLElement[] {
	const body =
		rows.length === 0
			? el("p", { class: "muted" }, "none")
			: el(
					"table",
					{},
					...rows.map((cells) =>
						el("tr", {}, ...cells.map((c) => (typeof c === "string" ? el("td", {}, c) : c))),
					),
				);
	return [el("h4", {}, title), body];
}

export function renderPanel(
	root: HTMLElement,
	d: AgentDetail | null,
	selection: string[],
	openWhy: OpenWhy,
): void {
	if (d === null) {
		root.replaceChildren(
			el("p", { class: "muted" }, "Click an agent on the map (shift-click to select several)."),
		);
		return;
	}
	const targets = selection.length > 0 ? selection : [d.hostname];
	const actions = el(
		"div",
		{ class: "actions" },
		el("span", { class: "muted" }, targets.length > 1 ? `${targets.length} selected:` : "this agent:"),
		...AGENT_ACTIONS.map((a) =>
			el(
				"button",
				{
					"data-action": a.action,
					onclick: () =>
						void run(`${a.label} ${targets.length} agent(s)`, () => api.agents(a.action, targets)),
				},
				a.label,
			),
		),
	);
	root.replaceChildren(
		el("h3", {}, d.hostname, " ", el("span", { class: `health h-${d.health}` }, d.health)),
		el("div", { class: "muted mono" }, `#${d.index} · ${d.id}`),
		actions,
		el(
			"table",
			{ class: "kv" },
			el("tr", {}, el("th", {}, "total"), el("td", {}, res(d.total))),
			el("tr", {}, el("th", {}, "allocated"), el("td", {}, res(d.allocated))),
			el("tr", {}, el("th", {}, "offered"), el("td", {}, res(d.offered))),
			...Object.entries(d.attributes).map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))),
		),
		...list(
			`tasks (${d.tasksTotal})`,
			d.tasks.map((t) => [
				el(
					"td",
					{},
					whyLink(t.id, () => openWhy("task", t.id)),
				),
				t.framework,
				t.state.replace("TASK_", ""),
				el("td", { class: "num" }, `${fmt.num(t.cpus)} cpus`),
			]),
		),
		...list(
			`outstanding offers (${d.offers.length})`,
			d.offers.map((o) => [
				el(
					"td",
					{},
					whyLink(o.id, () => openWhy("offer", o.id)),
				),
				o.framework,
				o.role,
				`${fmt.num(o.cpus)} cpus · ${fmt.mem(o.mem)}`,
				`since ${fmt.time(o.since)}`,
			]),
		),
		...list(
			`decline filters (${d.filters.length})`,
			d.filters.map((f) => [f.framework, f.role, `until ${fmt.time(f.until)}`]),
		),
	);
}
