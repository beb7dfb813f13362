// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * The dashboard's controls in chromium. Every control calls the same HTTP API
 * as curl (/sim/v1, docs/api.md "Simulator control"; the Mesos operator API
 * for weights and quota), so these tests need the live control API on the
 * master: crashing an agent from its panel, installing a catalog package,
 * pausing the clock and stepping one allocation cycle.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH } from "../../web/protocol.js";
import { type Dashboard, openDashboard } from "./harness.js";
import { smallCluster } from "./scenarios.js";

describe("dashboard controls", () => {
	let d: Dashboard;
	const json = async (path: string): Promise<any> => (await fetch(`${d.server.url}${path}`)).json();
	const simTime = async () => (await json("/sim/v1/status")).simTimeMs as number;

	beforeAll(async () => {
		// Fast enough that an agent is declared unreachable (75 s simulated) in a couple of wall seconds.
		d = await openDashboard(smallCluster(), { speed: 50 });
	}, 120_000);
	afterAll(async () => {
		await d?.close();
	});

	it("crashing an agent from its panel turns its cell unreachable, and /master/state agrees", async () => {
		const agent = 2;
		const cell = (await d.page.evaluate(`window.__dash.map.cellRect(${agent})`)) as { x: number; y: number };
		await d.page.locator("#map-canvas").click({ position: { x: cell.x + 1, y: cell.y + 1 } });
		await d.page.waitForSelector("#agent-panel h3");
		const hostname = (await d.page.evaluate(
			`document.querySelector("#agent-panel h3").firstChild.textContent.trim()`,
		)) as string;
		await d.page.click('#agent-panel button[data-action="crash"]');
		await d.page.waitForFunction(
			`window.__dash.store.channel("health")[${agent}] === ${HEALTH.UNREACHABLE}`,
			undefined,
			{ timeout: 30_000 },
		);
		const state = await json("/master/state");
		expect(state.slaves.map((s: any) => s.hostname)).not.toContain(hostname);
		await d.page.selectOption("#colour-by", "health");
		await d.screenshot("crashed-agent", "#map-view");
		expect(d.errors).toEqual([]);
	});

	it("installing a package from the catalog adds it to the frameworks table and to /master/frameworks", async () => {
		await d.page.click('#catalog-view button[data-install="jenkins"]');
		await d.page.waitForSelector('#frameworks-table tr[data-framework="jenkins"]', { timeout: 30_000 });
		const frameworks = await json("/master/frameworks");
		expect(frameworks.frameworks.map((f: any) => f.name)).toContain("jenkins");
		await d.screenshot("catalog-installed", "#catalog-view");
	});

	it("pause stops the simulated clock; resume starts it again", async () => {
		await d.page.click("#pause");
		await d.page.waitForFunction("window.__dash.store.clock.paused === true", undefined, { timeout: 10_000 });
		const t0 = await simTime();
		await new Promise((r) => setTimeout(r, 500));
		expect(await simTime()).toBe(t0);
		await d.page.click("#resume");
		await d.page.waitForFunction("window.__dash.store.clock.paused === false", undefined, {
			timeout: 10_000,
		});
		await new Promise((r) => setTimeout(r, 300));
		expect(await simTime()).toBeGreaterThan(t0);
	});

	it("step runs through the next periodic allocation cycle and stops there", async () => {
		await d.page.click("#pause");
		await d.page.waitForFunction("window.__dash.store.clock.paused === true", undefined, { timeout: 10_000 });
		const runs = async () => (await json("/metrics/snapshot"))["allocator/mesos/allocation_runs"] as number;
		const before = await runs();
		const { nextCycleMs } = await json("/sim/v1/status");
		await d.page.click("#step");
		// The line keeps the last call's words ("pause: done") until this one ends.
		await d.page.waitForFunction(
			`document.getElementById("status-line").textContent === "step one cycle: done"`,
		);
		// The clock stands at that cycle's time. Cycles that events asked for in
		// between (a task's end, a revive) count as allocation runs too.
		expect(await simTime()).toBe(nextCycleMs);
		expect(await runs()).toBeGreaterThanOrEqual(before + 1);
		await d.page.click("#resume");
	});
});
