/**
 * Takes the pictures of docs/dashboard.md: the chameleon datacenter example
 * (200 agents, a dozen workloads) after a minute of simulated time, and a
 * 60,000-agent cluster filling up; step mode on the DRF paper's example. Not
 * a test:
 *
 *   npx tsx test/browser/docs-screenshots.ts         # writes docs/img/dashboard/*.png
 *   npx tsx test/browser/docs-screenshots.ts lesson  # only lesson.png (lesson 2 in lesson mode)
 *   npx tsx test/browser/docs-screenshots.ts step    # only step.png (step mode)
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { lessonFiles, loadLesson } from "../../sim/narration/index.js";
import { loadScenarioFile } from "../../sim/scenario/index.js";
import { liveLesson } from "../../web/server/index.js";
import { openDashboard } from "./harness.js";
import { bigCluster } from "./scenarios.js";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "docs/img/dashboard");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const keep = (from: string, name: string) => copyFileSync(from, join(OUT, `${name}.png`));

/** Lesson 2 in lesson mode, on its second step (A's first task, A marked), the answer shown. */
async function lessonPicture(): Promise<void> {
	const file = lessonFiles().find((f) => f.number === 2)!;
	const lesson = loadLesson(file.file, file.number);
	const d = await openDashboard(lesson.scenario, {
		speed: 10,
		width: 1400,
		height: 900,
		extensions: [liveLesson(lesson)],
	});
	try {
		await d.page.click("#lesson-next");
		await d.page.waitForFunction(`document.getElementById("lesson-count").textContent === "step 7 of 7"`);
		for (let k = 0; k < 5; k++) await d.page.click("#lesson-back");
		await d.page.click("#lesson .lesson-show-answer");
		await sleep(600);
		const path = join(OUT, "lesson.png");
		await d.page.screenshot({ path });
	} finally {
		await d.close();
	}
}

/** Step mode: two cycles stepped, the first offer's why opened from the feed. */
async function stepModePicture(): Promise<void> {
	const d = await openDashboard(loadScenarioFile(join(ROOT, "examples/drf-paper.yaml")), {
		width: 1400,
		height: 900,
		paused: true,
	});
	try {
		const done = `document.getElementById("status-line").textContent === "step: done"`;
		await d.page.click("#step-pause");
		for (let i = 0; i < 3; i++) {
			await d.page.evaluate(`document.getElementById("status-line").textContent = ""`);
			await d.page.click("#step-run");
			await d.page.waitForFunction(done);
		}
		await d.page.click("#feed-list li.k-decline a.why, #feed-list li.k-accept a.why");
		await d.page.waitForFunction(`document.getElementById("step-why").textContent.includes("answer")`);
		await d.page.addStyleTag({ content: "header { position: static; }" });
		await sleep(600);
		keep(await d.screenshot("docs-step", "#step-view"), "step");
	} finally {
		await d.close();
	}
}

async function main(): Promise<void> {
	mkdirSync(OUT, { recursive: true });
	if (process.argv[2] !== "step") await lessonPicture();
	if (process.argv[2] === "lesson") return;
	await stepModePicture();
	if (process.argv[2] === "step") return;
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
