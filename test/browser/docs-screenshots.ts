/**
 * Takes the pictures of docs/dashboard.md: the chameleon datacenter example
 * (200 agents, a dozen workloads) after a minute of simulated time, and a
 * 60,000-agent cluster filling up. Not a test:
 *
 *   npx tsx test/browser/docs-screenshots.ts    # writes docs/img/dashboard/*.png
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadScenarioFile } from "../../sim/scenario/index.js";
import { openDashboard } from "./harness.js";
import { bigCluster } from "./scenarios.js";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "docs/img/dashboard");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
	mkdirSync(OUT, { recursive: true });
	const keep = (from: string, name: string) => copyFileSync(from, join(OUT, `${name}.png`));
	const d = await openDashboard(loadScenarioFile(join(ROOT, "examples/chameleon-datacenter.yaml")), {
		speed: 20,
		width: 1400,
		height: 900,
	});
	try {
		await sleep(6000);
		await d.page.selectOption("#group-by", "rack");
		await d.page.selectOption("#colour-by", "framework");
		const cell = (await d.page.evaluate("window.__dash.map.cellRect(170)")) as { x: number; y: number };
		await d.page.locator("#map-canvas").click({ position: { x: cell.x + 2, y: cell.y + 2 } });
		await d.page.waitForSelector("#agent-panel h3");
		await sleep(600);
		keep(await d.screenshot("docs-map", "#map-view"), "map");
		keep(await d.screenshot("docs-frameworks", "#frameworks-view"), "frameworks");
		keep(await d.screenshot("docs-roles", "#roles-view"), "roles");
		await d.page.selectOption("#feed select", "");
		keep(await d.screenshot("docs-feed", "#feed-view"), "feed");
		keep(await d.screenshot("docs-catalog", "#catalog-view"), "catalog");
	} finally {
		await d.close();
	}
	const big = await openDashboard(bigCluster(60_000), { speed: 5, width: 1400, height: 900 });
	try {
		await sleep(8000);
		await big.page.selectOption("#group-by", "zone");
		await sleep(500);
		keep(await big.screenshot("docs-map-60000", "#map-view"), "map-60000");
	} finally {
		await big.close();
	}
}

await main();
