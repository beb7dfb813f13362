/** The frameworks table and the role tree, re-rendered from each update. */
import { HEALTH_NAMES, type RoleRow } from "../protocol.js";
import { api, run } from "./api.js";
import { css, frameworkColour, HEALTH_COLOURS } from "./colors.js";
import { el, fmt } from "./dom.js";
import type { Store } from "./store.js";

const TASK_STATES = [
	"TASK_STAGING",
	"TASK_STARTING",
	"TASK_RUNNING",
	"TASK_FINISHED",
	"TASK_FAILED",
	"TASK_KILLED",
	"TASK_LOST",
];
const short = (s: string) => s.replace(/^TASK_/, "").toLowerCase();

export function renderTotals(root: HTMLElement, store: Store): void {
	const t = store.totals;
	if (t === null) return;
	const pct = (k: number) => (t.total[k]! > 0 ? fmt.pct(t.allocated[k]! / t.total[k]!) : "–");
	root.replaceChildren(
		el("span", {}, el("b", {}, t.agents), " agents"),
		...HEALTH_NAMES.slice(1)
			.map((h, k) => [h, t.byHealth[k + 1] ?? 0, k + 1] as const)
			.filter(([, n]) => n > 0)
			.map(([h, n, k]) =>
				el("span", { class: "pill", style: `border-color:${css(HEALTH_COLOURS[k]!)}` }, `${n} ${h}`),
			),
		el("span", {}, "cpus ", el("b", {}, pct(0)), ` of ${fmt.num(t.total[0]!)}`),
		el("span", {}, "mem ", el("b", {}, pct(1)), ` of ${fmt.mem(t.total[1]!)}`),
		el("span", {}, el("b", {}, t.tasksRunning), " tasks live"),
		el("span", {}, el("b", {}, t.offersOutstanding), " offers out"),
	);
}

export function renderFrameworks(root: HTMLElement, store: Store): void {
	const head = el(
		"tr",
		{},
		...["", "name", "role", "weight", "state", "offers recv", "accepted", "declined", "rescinded"].map((h) =>
			el("th", {}, h),
		),
		...TASK_STATES.map((s) => el("th", {}, short(s))),
		el("th", {}, "dom. share"),
	);
	const rows = store.frameworks.map((f) =>
		el(
			"tr",
			{ "data-framework": f.name },
			el("td", {}, el("span", { class: "swatch", style: `background:${css(frameworkColour(f.slot))}` })),
			el("td", {}, f.name),
			el("td", {}, f.roles.join(", ")),
			el("td", { class: "num" }, fmt.num(f.weight)),
			el("td", { class: `state ${f.state.replace(" ", "-")}` }, f.state),
			el("td", { class: "num" }, f.offers.received),
			el("td", { class: "num" }, f.offers.accepted),
			el("td", { class: "num" }, f.offers.declined),
			el("td", { class: "num" }, f.offers.rescinded),
			...TASK_STATES.map((s) => el("td", { class: "num" }, f.tasks[s] ?? 0)),
			el("td", { class: "num" }, fmt.pct(f.share)),
		),
	);
	const table = el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
	if (store.frameworks.length === 0)
		root.replaceChildren(table, el("p", { class: "muted" }, "No framework is subscribed yet."));
	else root.replaceChildren(table);
}

const RES = ["cpus", "mem", "disk", "gpus"];
const fmtRes = (q: number[]) => `${fmt.num(q[0] ?? 0)} cpus · ${fmt.mem(q[1] ?? 0)}`;

/** An input for one of a role's quota limits (empty: no limit). */
function quotaInput(r: RoleRow, resource: "cpus" | "mem"): HTMLInputElement {
	const v = r.quota[resource];
	return el("input", {
		type: "number",
		min: "0",
		step: "any",
		placeholder: "none",
		value: v === undefined ? "" : String(v),
		"aria-label": `${resource} quota of ${r.name}`,
	});
}

export function renderRoles(root: HTMLElement, store: Store): void {
	// Keep what the viewer is typing: no re-render while an input has focus.
	if (root.contains(document.activeElement) && document.activeElement instanceof HTMLInputElement) return;
	const rows = store.roles.map((r) => {
		const depth = r.name === "*" ? 0 : r.name.split("/").length - 1;
		const weight = el("input", {
			type: "number",
			min: "0.01",
			step: "any",
			value: String(r.weight),
			"aria-label": `weight of ${r.name}`,
		});
		const cpuQuota = quotaInput(r, "cpus");
		const memQuota = quotaInput(r, "mem");
		const quota = Object.entries(r.quota)
			.map(([k, v]) => `${k} ${k === "mem" || k === "disk" ? fmt.mem(v) : fmt.num(v)}`)
			.join(", ");
		return el(
			"tr",
			{ "data-role": r.name },
			el("td", { style: `padding-left:${8 + depth * 16}px` }, depth > 0 ? "└ " : "", r.name),
			el("td", { class: "num" }, fmt.num(r.weight)),
			el("td", {}, quota || el("span", { class: "muted" }, "none")),
			el("td", {}, fmtRes(r.allocated)),
			el("td", {}, fmtRes(r.offered)),
			el("td", { class: "num" }, fmt.pct(r.share)),
			el("td", { class: "num" }, r.frameworks),
			el(
				"td",
				{ class: "edit live-only" },
				weight,
				el(
					"button",
					{ onclick: () => void run(`weight ${r.name}`, () => api.weight(r.name, Number(weight.value))) },
					"set weight",
				),
				// Quota on top-level roles, "*" included, as Mesos 1.11 accepts it; nested
				// roles are refused (MESOS-7402) unless the master runs with hierarchicalQuota.
				depth > 0
					? null
					: el(
							"span",
							{},
							cpuQuota,
							memQuota,
							el(
								"button",
								{
									onclick: () => {
										const limits: Record<string, number> = {};
										if (cpuQuota.value !== "") limits.cpus = Number(cpuQuota.value);
										if (memQuota.value !== "") limits.mem = Number(memQuota.value);
										void run(`quota ${r.name}`, () => api.quota(r.name, limits));
									},
								},
								"set quota",
							),
						),
			),
		);
	});
	root.replaceChildren(
		el(
			"table",
			{},
			el(
				"thead",
				{},
				el(
					"tr",
					{},
					...["role", "weight", "quota limits", "allocated", "offered", "DRF share", "frameworks"].map((h) =>
						el("th", {}, h),
					),
					el("th", { class: "live-only" }, "weight · quota (cpus, mem MB)"),
				),
			),
			el("tbody", {}, ...rows),
		),
		el("p", { class: "muted" }, `Sums cover each role's subtree; ${RES.slice(0, 2).join(" and ")} shown.`),
	);
}
