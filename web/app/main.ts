/**
 * The dashboard page: connects to the live feed (a snapshot, then updates at
 * most 10 times a second, the map in binary frames), draws the views and
 * wires the controls to the HTTP APIs. Reconnects by itself; a new snapshot
 * replaces everything. Sets window.__ready once the first snapshot is drawn.
 */
import { FEED_PATH, FRAME, type ReportData, type ServerMessage } from "../protocol.js";
import { api, run } from "./api.js";
import { Charts } from "./charts.js";
import { COLOUR_MODES, type ColourMode, legendFor } from "./colors.js";
import { byId, el, fmt } from "./dom.js";
import { FeedView } from "./feed-view.js";
import { FrameTimer } from "./frame-timer.js";
import { LessonPanel } from "./lesson-view.js";
import { MapView } from "./map-view.js";
import { renderPanel } from "./panel.js";
import { StepView } from "./step-view.js";
import { Store } from "./store.js";
import { renderFrameworks, renderRoles, renderTotals } from "./tables.js";
import "./style.css";

declare global {
	interface Window {
		__ready?: boolean;
		__dash?: {
			store: Store;
			map: MapView;
			step: StepView;
			updates: number;
			frames: FrameTimer;
			socket: () => WebSocket | null;
		};
	}
}

function section(id: string, title: string, ...body: HTMLElement[]): HTMLElement {
	return el("section", { id, class: "view" }, el("h2", {}, title), ...body);
}

/** A view that needs the live server (hidden in a report file). */
function liveSection(id: string, title: string, ...body: HTMLElement[]): HTMLElement {
	const e = section(id, title, ...body);
	e.classList.add("live-only");
	return e;
}

const store = new Store();
const app = byId("app");
const canvas = el("canvas", { id: "map-canvas" });
const tooltip = el("div", { id: "tooltip", hidden: true });
const groupSelect = el("select", { id: "group-by", "aria-label": "group by" });
const colourSelect = el(
	"select",
	{ id: "colour-by", "aria-label": "colour by" },
	...COLOUR_MODES.map((m) => el("option", { value: m.mode }, m.label)),
);
const legend = el("div", { class: "legend", id: "legend" });
const panel = el("div", { id: "agent-panel" });
const speedInput = el("input", {
	id: "speed",
	type: "number",
	min: "0.1",
	step: "any",
	size: 5,
	"aria-label": "speed",
});
const clockText = el("span", { id: "clock" }, "–");
const connText = el("span", { id: "conn", class: "muted" }, "connecting…");
const totals = el("div", { id: "totals", class: "totals" });
const chartsRoot = el("div", { id: "charts", class: "charts" });
const frameworksRoot = el("div", { id: "frameworks-table" });
const rolesRoot = el("div", { id: "roles-table" });
const feedRoot = el("div", { id: "feed" });
const catalogRoot = el("div", { id: "catalog" });
const stepRoot = el("div", { id: "step" });
const addGroup = el("input", { placeholder: "group", size: 8, "aria-label": "agent group" });
const addCount = el("input", {
	type: "number",
	min: "1",
	value: "10",
	size: 5,
	"aria-label": "agents to add",
});

app.append(
	el(
		"header",
		{},
		el("h1", {}, "mesosim"),
		clockText,
		el(
			"span",
			{ class: "live-only controls" },
			el("button", { id: "pause", onclick: () => void run("pause", api.pause) }, "pause"),
			el("button", { id: "resume", onclick: () => void run("resume", api.resume) }, "resume"),
			el(
				"button",
				{
					id: "step",
					title: "run exactly the next allocation cycle, then stay paused",
					onclick: () => void run("step one cycle", api.cycle),
				},
				"step cycle",
			),
			el("label", {}, "speed ", speedInput),
			el("button", { onclick: () => void run("speed", () => api.speed(Number(speedInput.value))) }, "set"),
			connText,
		),
		el("span", { id: "status-line" }),
	),
	totals,
	el(
		"main",
		{},
		section(
			"map-view",
			"Cluster map",
			el(
				"div",
				{ class: "toolbar" },
				el("label", {}, "group by ", groupSelect),
				el("label", {}, "colour by ", colourSelect),
				legend,
				el("span", { class: "spacer" }),
				el(
					"span",
					{ class: "live-only" },
					addGroup,
					addCount,
					el(
						"button",
						{
							onclick: () =>
								void run("add agents", () => api.addAgents(addGroup.value.trim(), Number(addCount.value))),
						},
						"add agents",
					),
				),
			),
			el(
				"div",
				{ class: "map-row" },
				el("div", { class: "map-box" }, canvas, tooltip),
				el("aside", {}, panel),
			),
		),
		liveSection("step-view", "Step mode: why each offer went where", stepRoot),
		section("frameworks-view", "Frameworks", frameworksRoot, chartsRoot),
		section("roles-view", "Roles", rolesRoot),
		liveSection("feed-view", "Offers and events", feedRoot),
		liveSection("catalog-view", "Catalog", catalogRoot),
	),
);

const map = new MapView(canvas, store);
const charts = new Charts(chartsRoot, store);
const frames = new FrameTimer();
const lesson = new LessonPanel(map, () => store.clock.paused);
document.body.append(lesson.root);
/** An agent asked for by id (step mode's visit): selected on the map when its index comes back. */
let pendingAgentId: string | null = null;
const step = new StepView(stepRoot, {
	showAgent: (id) => {
		pendingAgentId = id;
		if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "agent", id }));
	},
	reasons: () => store.reasons,
});
const openWhy = (what: "offer" | "task", id: string) =>
	void (what === "offer" ? step.showOffer(id) : step.showTask(id));
const feed = new FeedView(feedRoot, openWhy);
let socket: WebSocket | null = null;
let detailIndex = -1;

window.__dash = { store, map, step, updates: 0, frames, socket: () => socket };
renderPanel(panel, null, [], openWhy);

let legendKey = "";
/** Redraws the legend when its entries changed (not at every update: that costs a relayout). */
function renderLegend(): void {
	const entries = legendFor(map.mode, store.frameworks);
	const key = entries.map((e) => `${e.colour} ${e.label}`).join("\u0000");
	if (key === legendKey) return;
	legendKey = key;
	legend.replaceChildren(
		...entries.map((e) =>
			el("span", { class: "key" }, el("span", { class: "swatch", style: `background:${e.colour}` }), e.label),
		),
	);
}

function renderGroupOptions(): void {
	const keys = store.layout.keys;
	const current = groupSelect.value || map.groupKey;
	groupSelect.replaceChildren(
		el("option", { value: "" }, "nothing"),
		...keys.map((k) => el("option", { value: k }, k)),
	);
	map.groupKey = keys.includes(current) ? current : (keys[0] ?? "");
	groupSelect.value = map.groupKey;
}

function renderCatalog(): void {
	const installed = new Set(store.frameworks.map((f) => f.name));
	const rows = store.catalog.map((p) => {
		const name = el("input", { placeholder: p.name, size: 12, "aria-label": `name for ${p.name}` });
		const instances = el("input", {
			type: "number",
			min: "0",
			placeholder: "default",
			size: 6,
			"aria-label": `instances of ${p.name}`,
		});
		return el(
			"tr",
			{ "data-package": p.name },
			el("td", {}, el("b", {}, p.name)),
			el("td", { class: "muted" }, p.description),
			el("td", {}, installed.has(p.name) ? el("span", { class: "pill" }, "installed") : ""),
			el(
				"td",
				{ class: "edit" },
				name,
				instances,
				el(
					"button",
					{
						"data-install": p.name,
						onclick: () =>
							void run(`install ${p.name}`, () =>
								api.install(
									p.name,
									name.value.trim(),
									instances.value === "" ? undefined : Number(instances.value),
								),
							),
					},
					"install",
				),
			),
		);
	});
	const uninstall = store.frameworks.map((f) =>
		el(
			"button",
			{
				"data-uninstall": f.name,
				onclick: () => void run(`uninstall ${f.name}`, () => api.uninstall(f.name)),
			},
			`uninstall ${f.name}`,
		),
	);
	catalogRoot.replaceChildren(
		el("table", {}, el("tbody", {}, ...rows)),
		el(
			"div",
			{ class: "actions" },
			el("span", { class: "muted" }, "installed frameworks:"),
			...(uninstall.length > 0 ? uninstall : [el("span", { class: "muted" }, "none")]),
		),
	);
}

let catalogKey = "";
function renderAll(full: boolean): void {
	const mode = document.body.classList.contains("report")
		? "end of a headless run"
		: `×${store.clock.speed}${store.clock.paused ? " · paused" : ""}`;
	clockText.textContent = `t = ${fmt.time(store.clock.t)} · ${mode}`;
	clockText.className = store.clock.paused ? "paused" : "";
	if (document.activeElement !== speedInput) speedInput.value = String(store.clock.speed);
	renderTotals(totals, store);
	if (full) renderGroupOptions();
	map.draw(full);
	renderLegend();
	renderFrameworks(frameworksRoot, store);
	renderRoles(rolesRoot, store);
	charts.update();
	const key = store.frameworks.map((f) => f.name).join("\u0000") + store.catalog.length;
	if (full || key !== catalogKey) {
		catalogKey = key;
		if (!catalogRoot.contains(document.activeElement)) renderCatalog();
	}
	if (detailIndex >= 0) requestDetail(detailIndex);
	lesson.afterRender();
}

function requestDetail(index: number): void {
	if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "agent", index }));
}

function onMessage(ev: MessageEvent): void {
	const at = performance.now();
	if (ev.data instanceof ArrayBuffer) {
		frames.arrived(at);
		if (store.applyFrame(ev.data) === FRAME.LAYOUT) renderGroupOptions();
		return;
	}
	const msg = JSON.parse(String(ev.data)) as ServerMessage;
	switch (msg.type) {
		case "snapshot":
			store.applySnapshot(msg);
			lesson.setLesson(msg.lesson);
			renderAll(true);
			if (!window.__ready) void run("step mode", () => step.refresh());
			window.__ready = true;
			frames.discard();
			break;
		case "update":
			frames.arrived(at);
			store.applyUpdate(msg);
			feed.add(msg.events, msg.dropped);
			renderAll(false);
			window.__dash!.updates++;
			frames.handled();
			break;
		case "agent":
			if (msg.agent !== null && msg.agent.id === pendingAgentId) {
				// Step mode's visited agent: it becomes the selection and its panel opens.
				pendingAgentId = null;
				map.selected.clear();
				selectedHostnames.clear();
				map.selected.add(msg.index);
				detailIndex = msg.index;
				map.draw(true);
			}
			if (msg.agent !== null && map.selected.has(msg.index))
				selectedHostnames.set(msg.index, msg.agent.hostname);
			if (msg.index === detailIndex)
				renderPanel(
					panel,
					msg.agent,
					selectedHostnames.size > 1 ? [...selectedHostnames.values()] : [],
					openWhy,
				);
			return;
		case "narration":
			lesson.addStep(msg.step);
			lesson.afterRender();
			return;
	}
}

let retryMs = 500;
function connect(): void {
	const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${FEED_PATH}`;
	const ws = new WebSocket(url);
	ws.binaryType = "arraybuffer";
	socket = ws;
	ws.onopen = () => {
		retryMs = 500;
		connText.textContent = "live";
		connText.className = "ok";
	};
	ws.onmessage = onMessage;
	ws.onclose = (e) => {
		connText.textContent = `disconnected${e.reason ? ` (${e.reason})` : ""}; retrying…`;
		connText.className = "error";
		setTimeout(connect, retryMs);
		retryMs = Math.min(5000, retryMs * 2);
	};
}

// ---- map interaction ---------------------------------------------------------

/** Selected agents' hostnames, filled from their detail answers. */
const selectedHostnames = new Map<number, string>();

function canvasXY(e: MouseEvent): [number, number] {
	const r = canvas.getBoundingClientRect();
	return [
		Math.floor(((e.clientX - r.left) * canvas.width) / r.width),
		Math.floor(((e.clientY - r.top) * canvas.height) / r.height),
	];
}

canvas.addEventListener("mousemove", (e) => {
	const [x, y] = canvasXY(e);
	const a = map.agentAt(x, y);
	if (a < 0) {
		tooltip.hidden = true;
		return;
	}
	const attrs = store.layout.keys.map(
		(k, i) => `${k}=${store.layout.values[i]![store.layoutColumns[i]![a]!] ?? ""}`,
	);
	const fw = store.frameworkBySlot(store.channel("framework")[a]!);
	tooltip.replaceChildren(
		el("b", {}, `agent #${a}`),
		el("div", {}, attrs.join(" · ")),
		el(
			"div",
			{},
			`${["none", "active", "draining", "deactivated", "disconnected", "unreachable", "gone"][store.channel("health")[a]!]} · cpu ${Math.round((store.channel("cpu")[a]! / 255) * 100)}% · mem ${Math.round((store.channel("mem")[a]! / 255) * 100)}%`,
		),
		el(
			"div",
			{},
			`${fw === undefined ? "no tasks" : `mostly ${fw.name}`} · ${store.channel("offers")[a]} offers`,
		),
	);
	tooltip.hidden = false;
	tooltip.style.left = `${e.offsetX + 14}px`;
	tooltip.style.top = `${e.offsetY + 14}px`;
});
canvas.addEventListener("mouseleave", () => {
	tooltip.hidden = true;
});
canvas.addEventListener("click", (e) => {
	const [x, y] = canvasXY(e);
	const a = map.agentAt(x, y);
	if (a < 0) return;
	if (!e.shiftKey) {
		map.selected.clear();
		selectedHostnames.clear();
	}
	map.selected.add(a);
	detailIndex = a;
	requestDetail(a);
	map.draw(true);
});

groupSelect.addEventListener("change", () => {
	map.groupKey = groupSelect.value;
	map.draw(true);
});
colourSelect.addEventListener("change", () => {
	map.mode = colourSelect.value as ColourMode;
	map.draw();
	renderLegend();
});
window.addEventListener("resize", () => {
	map.draw(true);
	charts.resize();
});

/** A report file (`mesosim run --html`): the run's final state, drawn once, no server. */
function showReport(data: ReportData): void {
	document.body.classList.add("report");
	const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
	store.applyFrame(bytes(data.layout));
	store.applyFrame(bytes(data.map));
	store.applySnapshot(data.snapshot);
	renderAll(true);
	window.__ready = true;
}

const reportData = document.getElementById("report-data");
if (reportData === null) connect();
else showReport(JSON.parse(reportData.textContent ?? "null") as ReportData);
