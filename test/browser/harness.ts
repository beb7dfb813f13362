/**
 * Browser test harness: a live master with the dashboard on a free port, and
 * Debian's chromium driven by playwright-core (no browser download). Console
 * errors and page errors are collected so a test can assert there were none.
 * Screenshots go to test/browser/screenshots/ (gitignored).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type LiveExtension, type LiveServer, startLive } from "../../sim/runner/live.js";
import type { Scenario } from "../../sim/scenario/index.js";
import { liveDashboard } from "../../web/server/index.js";

export const CHROMIUM = process.env.MESOSIM_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = resolve(import.meta.dirname, "screenshots");

export interface BrowserPage {
	browser: Browser;
	page: Page;
	/** Console errors and uncaught page errors seen so far. */
	errors: string[];
	screenshot(name: string, selector?: string): Promise<string>;
	close(): Promise<void>;
}

export interface Dashboard extends BrowserPage {
	server: LiveServer;
}

interface PageOptions {
	width?: number;
	height?: number;
}

/** Chromium on the dashboard at `url`, once its first snapshot is drawn. */
export async function openPage(url: string, opts: PageOptions = {}): Promise<BrowserPage> {
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
	});
	const page = await browser.newPage({
		viewport: { width: opts.width ?? 1400, height: opts.height ?? 1000 },
	});
	const errors: string[] = [];
	page.on("console", (m) => {
		if (m.type() === "error") errors.push(m.text());
	});
	page.on("pageerror", (e) => errors.push(String(e)));
	await page.goto(url);
	await page.waitForFunction("window.__ready === true", undefined, { timeout: 30_000 });
	mkdirSync(SCREENSHOTS, { recursive: true });
	return {
		browser,
		page,
		errors,
		async screenshot(name, selector) {
			const path = join(SCREENSHOTS, `${name}.png`);
			if (selector === undefined) await page.screenshot({ path, fullPage: true });
			else await page.locator(selector).screenshot({ path });
			return path;
		},
		async close() {
			await browser.close();
		},
	};
}

export async function openDashboard(
	scenario: Scenario,
	opts: PageOptions & { speed?: number; extensions?: readonly LiveExtension[]; paused?: boolean } = {},
): Promise<Dashboard> {
	const server = await startLive({
		scenario,
		host: "127.0.0.1",
		port: 0,
		speed: opts.speed ?? 1,
		extensions: opts.extensions ?? [liveDashboard],
	});
	// Paused from the start: what the page shows does not depend on how long it took to load.
	if (opts.paused === true) server.driver.pause();
	const p = await openPage(server.url, opts);
	return {
		...p,
		server,
		async close() {
			await p.close();
			await server.close();
		},
	};
}
