// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * Step mode in chromium, on the DRF paper's example (examples/drf-paper.yaml:
 * one agent of <9 cpus, 18 GB>, user A in role a, user B in role b): a step
 * runs exactly one allocation cycle with decisions recorded; the panel lists
 * the roles in DRF order (lowest weighted share first) and names the
 * framework offered, which is the lower-share role's; the visited agent is
 * selected on the map; an offer's answer and an offer or task clicked in the
 * feed open their why.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../sim/scenario/index.js";
import { type Dashboard, openDashboard } from "./harness.js";

const DRF_PAPER = join(import.meta.dirname, "../../examples/drf-paper.yaml");

describe("dashboard step mode", () => {
	let d: Dashboard;
	const json = async (path: string): Promise<any> => (await fetch(`${d.server.url}${path}`)).json();
	const runs = async () => (await json("/metrics/snapshot"))["allocator/mesos/allocation_runs"] as number;

	/** Clicks an id's link in the feed (once the feed shows it), waits for the why panel to show `text`. */
	const openFromFeed = async (id: string, text: string) => {
		const link = d.page.locator("#feed-list a.why", { hasText: id }).first();
		await link.waitFor({ timeout: 10_000 });
		await link.click();
		await d.page.waitForFunction(
			`document.getElementById("step-why").textContent.includes(${JSON.stringify(text)})`,
			undefined,
			{ timeout: 10_000 },
		);
	};

	/** Clicks a step mode button and waits until the status line says its call is done. */
	const press = async (button: string, what: string) => {
		await d.page.evaluate(`document.getElementById("status-line").textContent = ""`);
		await d.page.click(button);
		await d.page.waitForFunction(`document.getElementById("status-line").textContent === "${what}: done"`);
	};

	beforeAll(async () => {
		d = await openDashboard(loadScenarioFile(DRF_PAPER), { speed: 1, height: 1100, paused: true });
	}, 120_000);
	afterAll(async () => {
		await d?.close();
	});

	it("a step runs one cycle and shows its roles in DRF order with the lower-share role's framework offered", async () => {
		await press("#step-pause", "pause before next cycle");
		expect((await json("/sim/v1/decisions")).recording).toBe(true);
		const before = await runs();
		await press("#step-run", "step");
		expect(await runs()).toBe(before + 1);

		// What the page shows is what the master recorded for that cycle.
		const newest = (await json("/sim/v1/decisions?last=1")).cycles[0];
		const visit = newest.visits[0];
		expect(await d.page.textContent("#step-info")).toContain(`cycle ${newest.cycle}`);
		const shown = await d.page.$$eval("#step-roles tr.role", (rows) =>
			rows.map((r) => ({
				role: r.getAttribute("data-role"),
				share: r.querySelector(".pct")?.textContent,
				verdict: r.lastElementChild?.textContent,
			})),
		);
		expect(shown.map((r) => r.role)).toEqual(visit.roles.map((r: any) => r.role));
		const shares = visit.roles.map((r: any) => r.share);
		expect(shares).toEqual([...shares].sort((a: number, b: number) => a - b));
		expect(shown[0]!.verdict).toBe("offered");
		expect(shown[0]!.share).toBe(`${(visit.roles[0].share * 100).toFixed(1)}%`);
		const offered = visit.roles[0].role === "a" ? "A" : "B";
		const offer = await d.page.textContent("#step-visit .step-offer");
		expect(offer).toContain(`${visit.offers[0].offer_id} to ${offered} (role ${visit.roles[0].role})`);
		// The framework's answer to it (in-process frameworks answer at once) and its own words.
		await d.page.waitForFunction(
			`document.querySelector("#step-visit [data-answer]").textContent.includes("ACCEPT")`,
		);
		expect(await d.page.textContent("#step-visit [data-answer]")).toContain("“launched tasks from it”");
		// The visited agent is selected on the map, its panel open.
		await d.page.waitForFunction("window.__dash.map.selected.has(0)");
		await d.page.waitForSelector("#agent-panel h3");
		expect(await d.page.textContent("#agent-panel h3")).toContain(visit.hostname);
		await d.screenshot("step-mode", "#step-view");
		await d.screenshot("step-mode-page");
		expect(d.errors).toEqual([]);
	});

	it("steps back to an earlier cycle, and opens an offer's and a task's why from the feed", async () => {
		await press("#step-run", "step");
		const info = async () => (await d.page.textContent("#step-info")) ?? "";
		const held = (await json("/sim/v1/decisions?last=50")).cycles;
		expect(await info()).toContain(`cycle ${held.at(-1).cycle}`);
		await d.page.click("#step-prev-cycle");
		expect(await info()).toContain(`cycle ${held.at(-2).cycle}`);

		// The feed lists the accept and the launch of the newest cycle's offer with their ids as links.
		const offerId = held.at(-1).visits[0].offers[0].offer_id as string;
		await openFromFeed(offerId, "answer");
		const why = (await d.page.textContent("#step-why")) ?? "";
		expect(why).toContain(`why: offer ${offerId}`);
		expect(why).toContain("ACCEPT");
		const taskId = (await json(`/sim/v1/decisions/offers/${offerId}`)).answer.task_ids[0] as string;
		await openFromFeed(taskId, "launched by");
		expect(await d.page.textContent("#step-why")).toContain(`why: task ${taskId}`);
		await d.screenshot("step-mode-why", "#step-view");
		expect(d.errors).toEqual([]);
	});
});
