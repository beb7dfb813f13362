/**
 * `mesosim run --html`: the report file is one self-contained page (nothing
 * fetched, not even from a server: it is opened as a file), draws the charts
 * and the final map in chromium without a console error, and recording it
 * changes nothing of the run (same event-log hash).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { runSimulation } from "../../sim/runner/index.js";
import { HtmlReport } from "../../web/server/index.js";
import { CHROMIUM, SCREENSHOTS } from "./harness.js";
import { smallCluster } from "./scenarios.js";

const dir = mkdtempSync(join(tmpdir(), "mesosim-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("html report of a headless run", () => {
	it("is one self-contained page with the charts and the final map, and the run is unchanged", async () => {
		const scenario = { ...smallCluster(), durationMs: 120_000 };
		const plain = runSimulation(scenario).report;
		let recorder: HtmlReport | null = null;
		const run = runSimulation(scenario, {
			onBuilt: (sim) => {
				recorder = new HtmlReport(sim);
			},
			onProgress: () => recorder?.sample(),
		});
		expect(run.report.eventLogHash).toBe(plain.eventLogHash);
		const html = await (recorder as HtmlReport | null)!.html();
		const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
		expect(urls).toEqual(["data:,"]);
		const file = join(dir, "report.html");
		writeFileSync(file, html);

		const browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
		});
		try {
			const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
			const errors: string[] = [];
			const requests: string[] = [];
			page.on("console", (m) => {
				if (m.type() === "error") errors.push(m.text());
			});
			page.on("pageerror", (e) => errors.push(String(e)));
			page.on("request", (r) => requests.push(r.url()));
			await page.goto(`file://${file}`);
			await page.waitForFunction("window.__ready === true", undefined, { timeout: 20_000 });
			const drawn = (await page.evaluate(
				"({ count: window.__dash.store.count, samples: window.__dash.store.history.length, charts: document.querySelectorAll('#charts .uplot').length, feedShown: getComputedStyle(document.getElementById('feed-view')).display })",
			)) as { count: number; samples: number; charts: number; feedShown: string };
			expect(drawn.count).toBe(run.sim.master.cluster.size);
			expect(drawn.samples).toBeGreaterThan(50);
			expect(drawn.charts).toBe(4);
			expect(drawn.feedShown).toBe("none"); // the live-only views are hidden
			expect(requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:"))).toEqual([]);
			expect(errors).toEqual([]);
			mkdirSync(SCREENSHOTS, { recursive: true });
			await page.screenshot({ path: join(SCREENSHOTS, "report.png"), fullPage: true });
		} finally {
			await browser.close();
		}
	}, 120_000);
});
