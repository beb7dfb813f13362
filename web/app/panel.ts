/** An agent's panel: resources, attributes, tasks, offers, decline filters, and the agent actions. */
import type { AgentDetail } from "../protocol.js";
import { AGENT_ACTIONS, api, run } from "./api.js";
import { el, fmt } from "./dom.js";

const res = (q: number[]) =>
	`${fmt.num(q[0] ?? 0)} cpus · ${fmt.mem(q[1] ?? 0)} · ${fmt.mem(q[2] ?? 0)} disk${(q[3] ?? 0) > 0 ? ` · ${q[3]} gpus` : ""}`;

export function renderPanel(root: HTMLElement, d: AgentDetail | null, selection: string[]): void {
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
		el("h4", {}, `tasks (${d.tasksTotal})`),
		d.tasks.length === 0
			? el("p", { class: "muted" }, "none")
			: el(
					"table",
					{},
					...d.tasks.map((t) =>
						el(
							"tr",
							{},
							el("td", { class: "mono" }, t.id),
							el("td", {}, t.framework),
							el("td", {}, t.state.replace("TASK_", "")),
							el("td", { class: "num" }, `${fmt.num(t.cpus)} cpus`),
						),
					),
				),
		el("h4", {}, `outstanding offers (${d.offers.length})`),
		d.offers.length === 0
			? el("p", { class: "muted" }, "none")
			: el(
					"table",
					{},
					...d.offers.map((o) =>
						el(
							"tr",
							{},
							el("td", { class: "mono" }, o.id),
							el("td", {}, o.framework),
							el("td", {}, o.role),
							el("td", {}, `${fmt.num(o.cpus)} cpus · ${fmt.mem(o.mem)}`),
							el("td", {}, `since ${fmt.time(o.since)}`),
						),
					),
				),
		el("h4", {}, `decline filters (${d.filters.length})`),
		d.filters.length === 0
			? el("p", { class: "muted" }, "none")
			: el(
					"table",
					{},
					...d.filters.map((f) =>
						el(
							"tr",
							{},
							el("td", {}, f.framework),
							el("td", {}, f.role),
							el("td", {}, `until ${fmt.time(f.until)}`),
						),
					),
				),
	);
}
