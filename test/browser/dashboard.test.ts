// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers and page values
/**
 * The dashboard in a real browser (Debian's chromium through playwright-core):
 * the page loads without a console error, the map shows every agent the master
 * knows, the frameworks and roles views agree with the master's own endpoints,
 * a click on a cell opens that agent's panel, a dropped connection resumes, and
 * at 60,000 agents the page records its frame times. A screenshot of each view
 * is saved in test/browser/screenshots/ (gitignored) to be looked at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchDashboard } from "./bench.js";
import { type Dashboard, openDashboard } from "./harness.js";
import { smallCluster } from "./scenarios.js";

const VIEWS = ["map-view", "frameworks-view", "roles-view", "feed-view", "catalog-view"];

describe("dashboard in chromium", () => {
	let d: Dashboard;
	const json = async (path: string): Promise<any> => (await fetch(`${d.server.url}${path}`)).json();
	/** Waits for n more updates from the feed. */
	const updates = async (n: number) => {
		const start = (await d.page.evaluate("window.__dash.updates")) as number;
		await d.page.waitForFunction(`window.__dash.updates >= ${start + n}`, undefined, { timeout: 30_000 });
	};

	beforeAll(async () => {
		d = await openDashboard(smallCluster(), { speed: 10 });
		await updates(8);
	}, 120_000);
	afterAll(async () => {
		await d?.close();
	});

	it("loads with no console error and draws every view; a screenshot of each is saved", async () => {
		expect(d.errors).toEqual([]);
		for (const id of VIEWS) expect(await d.page.locator(`#${id}`).isVisible(), id).toBe(true);
		for (const id of VIEWS) await d.screenshot(id, `#${id}`);
		await d.screenshot("page");
		expect(d.errors).toEqual([]);
	});

	it("the map shows every agent the master knows, one cell each", async () => {
		const state = await json("/master/state");
		const page = (await d.page.evaluate(
			"({ count: window.__dash.store.count, groups: window.__dash.map.groupCount, draws: window.__dash.map.drawTimes.length, hit: window.__dash.map.agentAt(window.__dash.map.cellRect(5).x, window.__dash.map.cellRect(5).y) })",
		)) as { count: number; groups: number; draws: number; hit: number };
		expect(page.count).toBe(state.slaves.length);
		expect(page.groups).toBe(2); // grouped by agent group: web, db
		expect(page.draws).toBeGreaterThan(0);
		expect(page.hit).toBe(5); // hit-testing inverts drawing
	});

	it("a narrower window lays the map out at the new width, and every cell still hits its own agent", async () => {
		const widthOf = () => d.page.evaluate("window.__dash.map.canvas.width") as Promise<number>;
		const before = await widthOf();
		await d.page.setViewportSize({ width: 900, height: 1000 });
		await d.page.waitForFunction(`window.__dash.map.canvas.width < ${before}`, undefined, {
			timeout: 10_000,
		});
		const misses = await d.page.evaluate(`(() => {
			const m = window.__dash.map, out = [];
			for (let a = 0; a < window.__dash.store.count; a++) {
				const r = m.cellRect(a);
				if (r === null || m.agentAt(r.x + r.size - 1, r.y + r.size - 1) !== a) out.push(a);
			}
			return out;
		})()`);
		expect(misses).toEqual([]);
		await d.page.setViewportSize({ width: 1400, height: 1000 });
		await d.page.waitForFunction(`window.__dash.map.canvas.width === ${before}`, undefined, {
			timeout: 10_000,
		});
		expect(d.errors).toEqual([]);
	});

	it("the frameworks table and the role tree agree with /master/frameworks and /master/roles", async () => {
		await updates(1);
		const frameworks = await json("/master/frameworks");
		const names = frameworks.frameworks.map((f: any) => f.name).sort();
		const rows = await d.page
			.locator("#frameworks-table tbody tr")
			.evaluateAll((trs) =>
				trs.map((tr) => (tr as unknown as { dataset: { framework: string } }).dataset.framework).sort(),
			);
		expect(rows).toEqual(names);
		const roles = await d.page
			.locator("#roles-table tbody tr")
			.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { role: string } }).dataset.role));
		const master = await json("/master/roles");
		expect([...roles].sort()).toEqual(master.roles.map((r: any) => r.name).sort());
		expect(roles).toContain("infra");
		const running = (await d.page.evaluate(
			"window.__dash.store.frameworks.reduce((n, f) => n + (f.tasks.TASK_RUNNING ?? 0), 0)",
		)) as number;
		expect(running).toBeGreaterThan(0);
	});

	it("the feed lists allocation cycles and launches, and its filter narrows it to one kind", async () => {
		await d.page.waitForFunction("document.querySelectorAll('#feed-list li.k-cycle').length > 0", undefined, {
			timeout: 30_000,
		});
		await d.page.selectOption("#feed select", "cycle");
		const kinds = await d.page
			.locator("#feed-list li .kind")
			.evaluateAll((els) => [...new Set(els.map((e) => e.textContent))]);
		expect(kinds).toEqual(["cycle"]);
		await d.page.selectOption("#feed select", "");
		// New events are prepended as they come: the list stays newest first and bounded.
		await updates(3);
		const times = await d.page
			.locator("#feed-list li time")
			.evaluateAll((els) => els.map((e) => e.textContent!));
		expect(times.length).toBeLessThanOrEqual(300);
		expect(times).toEqual([...times].sort().reverse());
	});

	it("a click on a cell opens that agent's panel", async () => {
		const cell = (await d.page.evaluate("window.__dash.map.cellRect(3)")) as { x: number; y: number };
		await d.page.locator("#map-canvas").click({ position: { x: cell.x + 1, y: cell.y + 1 } });
		await d.page.waitForSelector("#agent-panel h3", { timeout: 10_000 });
		const state = await json("/master/state");
		const index = (await d.page.evaluate("[...window.__dash.map.selected][0]")) as number;
		expect(index).toBe(3);
		const host = await d.page.locator("#agent-panel h3").textContent();
		const hostnames = state.slaves.map((s: any) => s.hostname);
		expect(hostnames.some((h: string) => host?.startsWith(h))).toBe(true);
		await d.screenshot("agent-panel", "#map-view");
	});

	it("a dropped connection resumes with a new snapshot", async () => {
		await d.page.evaluate("window.__dash.socket().close()");
		await d.page.waitForFunction("document.getElementById('conn').textContent === 'live'", undefined, {
			timeout: 15_000,
		});
		await updates(2);
		expect(d.errors).toEqual([]);
	});
});

describe("dashboard at 60,000 agents", () => {
	it("records the page's frame times and the server's update build times", async () => {
		const r = await benchDashboard(60_000, 8, 5, "map-60000");
		expect(r.updates).toBeGreaterThan(0);
		expect(r.mapDraws).toBeGreaterThan(0);
		expect(r.mapDrawMs.p50).toBeGreaterThan(0);
		expect(r.frameMs.p50).toBeGreaterThan(r.updateMs.p50);
		expect(r.buildMs.p50).toBeGreaterThanOrEqual(0);
		expect(r.count).toBe(60_000);
	}, 240_000);
});
