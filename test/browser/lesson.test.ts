/**
 * Lesson mode in chromium: `mesosim lesson run 2` (the DRF lesson) started as
 * a process prints its URL, and the page opens on the lesson's first caption
 * with the cluster paused. "next" resumes the cluster and the box follows the
 * steps as they play; back re-shows an earlier caption with its framework
 * marked in the frameworks table; "show answer" reveals the answer; after
 * the last step come the exercises; a reloaded page opens at the newest step.
 * Screenshots go to test/browser/screenshots/ (gitignored), to be looked at.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserPage, openPage } from "./harness.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = resolve(ROOT, "bin/mesosim.js");

/** The URL the lesson command prints on its "open" line. */
function urlOf(child: ChildProcess, timeoutMs: number): Promise<string> {
	let seen = "";
	return new Promise((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`no URL within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
		child.stdout?.on("data", (d: Buffer) => {
			seen += String(d);
			const m = /open\s+(http:\/\/\S+?)\/?\n/.exec(seen);
			if (m !== null) {
				clearTimeout(timer);
				done(m[1]!);
			}
		});
	});
}

describe("lesson mode in chromium", () => {
	let child: ChildProcess;
	let p: BrowserPage;
	let url: string;
	const text = async (selector: string) => (await p.page.locator(selector).textContent()) ?? "";
	const count = () => text("#lesson-count");

	beforeAll(async () => {
		// Speed 10: the seven steps of lesson 2 play within about five wall seconds once resumed.
		child = spawn(process.execPath, [BIN, "lesson", "run", "2", "--port", "0", "--speed", "10"], {
			cwd: ROOT,
			stdio: ["ignore", "pipe", "pipe"],
		});
		url = await urlOf(child, 60_000);
		p = await openPage(url, { width: 1400, height: 900 });
	}, 120_000);
	afterAll(async () => {
		await p?.close();
		if (child !== undefined && child.exitCode === null) child.kill("SIGTERM");
	});

	it("opens on the first caption, with the cluster paused", async () => {
		await p.page.waitForSelector("#lesson:not([hidden])");
		expect(await text("#lesson .lesson-title")).toBe("Lesson 2 · Dominant Resource Fairness");
		expect(await count()).toBe("step 1 of 7");
		expect(await text("#lesson-step-title")).toBe("One host, two users");
		expect(await text("#lesson .lesson-caption")).toContain("dominant share");
		await p.page.waitForFunction("window.__dash.store.clock.paused === true", undefined, { timeout: 10_000 });
		expect(await text("#lesson-next")).toBe("next (resume)");
		// Nothing has run yet (no framework subscribed); the one agent is outlined on the map's overlay.
		expect(await text("#frameworks-table")).toContain("No framework is subscribed yet.");
		const outlined = await p.page.evaluate(`(() => {
			const c = document.getElementById("lesson-overlay");
			const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
			return n;
		})()`);
		expect(outlined).toBeGreaterThan(0);
		await p.screenshot("lesson-step-1");
	});

	it("next resumes the cluster and the box follows the steps to the pause at the end", async () => {
		await p.page.click("#lesson-next");
		await p.page.waitForFunction(
			`document.getElementById("lesson-count").textContent === "step 7 of 7"`,
			undefined,
			{
				timeout: 30_000,
			},
		);
		expect(await text("#lesson-step-title")).toBe("Equal dominant shares");
		// Measured numbers, filled in: A runs 3 tasks and B 2.
		expect(await text("#lesson .lesson-caption")).toMatch(/A runs 3 tasks and B 2/);
		expect(p.errors).toEqual([]);
	});

	it("back re-shows an earlier caption with its framework marked, and show answer reveals the answer", async () => {
		for (let k = 0; k < 5; k++) await p.page.click("#lesson-back");
		expect(await count()).toBe("step 2 of 7");
		expect(await text("#lesson-step-title")).toBe("A's first task");
		const lit = await p.page
			.locator("#frameworks-table tr.lesson-lit")
			.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-framework")));
		expect(lit).toEqual(["A"]);
		expect(await p.page.locator("#lesson .lesson-answer").count()).toBe(0);
		await p.page.click("#lesson .lesson-show-answer");
		expect(await text("#lesson .lesson-answer")).toContain("B, whose dominant share (0/9) is the smaller.");
		await p.screenshot("lesson-step-2");
		await p.page.click("#lesson-next");
		expect(await count()).toBe("step 3 of 7");
		expect(await p.page.locator("#frameworks-table tr.lesson-lit").getAttribute("data-framework")).toBe("B");
	});

	it("after the last step, the exercises, each answer behind show answer", async () => {
		while ((await count()) !== "step 7 of 7") await p.page.click("#lesson-next");
		expect(await text("#lesson-next")).toBe("exercises");
		await p.page.click("#lesson-next");
		expect(await count()).toBe("exercises");
		expect(await p.page.locator("#lesson .lesson-question").count()).toBe(2);
		await p.page.locator("#lesson .lesson-show-answer").first().click();
		expect(await text("#lesson .lesson-answer")).toContain("A runs 4 and B 1");
		await p.screenshot("lesson-exercises");
	});

	it("a reloaded page opens at the newest played step", async () => {
		await p.page.reload();
		await p.page.waitForFunction("window.__ready === true", undefined, { timeout: 30_000 });
		expect(await count()).toBe("step 7 of 7");
		expect(p.errors).toEqual([]);
	});
});
