/**
 * Dashboard benchmark (not a timed test): a live master with N agents (default
 * 60,000) and one browser viewer for D wall seconds; prints the server's time
 * to build one update (p50, p95, max), bytes per second to the viewer, and the
 * browser's times p50 and p95: the map draw; the whole update (from the map
 * frame's arrival to the end of handling the JSON update, map painted); the
 * style, layout and paint of the frame after it; and the frame (update + render).
 * See web/app/frame-timer.ts for how the page takes them.
 *
 *   npx tsx test/browser/bench.ts [agents=60000] [seconds=20] [speed=5]
 *
 * Results and the machine are recorded in docs/benchmarks.md ("Dashboard").
 */
import { performance } from "node:perf_hooks";
import { openDashboard } from "./harness.js";
import { bigCluster } from "./scenarios.js";

interface Quantiles {
	p50: number;
	p95: number;
}

export interface DashboardBench {
	agents: number;
	seconds: number;
	updates: number;
	/** Agents the page's map holds. */
	count: number;
	mapDraws: number;
	buildMs: { p50: number; p95: number; max: number };
	bytesPerSecond: number;
	mapDrawMs: Quantiles;
	updateMs: Quantiles;
	renderMs: Quantiles;
	frameMs: Quantiles;
	skipped: number;
}

function quantile(xs: number[], q: number): number {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const quantiles = (xs: number[]): Quantiles => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95) });

/** Runs the benchmark; `screenshot` names a picture of the map view taken at the end. */
export async function benchDashboard(
	agents: number,
	seconds: number,
	speed: number,
	screenshot?: string,
): Promise<DashboardBench> {
	const d = await openDashboard(bigCluster(agents), { speed });
	try {
		const feed = d.server.app.dashboard;
		// Measure from here: the snapshot (once per viewer) is not part of the steady rate.
		const bytes0 = feed.stats.bytesSent;
		feed.stats.buildMs.length = 0;
		await d.page.evaluate("window.__dash.map.drawTimes.length = 0; window.__dash.frames.clear()");
		const t0 = performance.now();
		await new Promise((r) => setTimeout(r, seconds * 1000));
		const wall = (performance.now() - t0) / 1000;
		const bytes = feed.stats.bytesSent - bytes0;
		const page = (await d.page.evaluate(
			"({ draw: window.__dash.map.drawTimes.slice(), update: window.__dash.frames.update.slice(), render: window.__dash.frames.render.slice(), frame: window.__dash.frames.frame.slice(), count: window.__dash.store.count })",
		)) as { draw: number[]; update: number[]; render: number[]; frame: number[]; count: number };
		if (screenshot !== undefined) await d.screenshot(screenshot, "#map-view");
		const build = feed.stats.buildMs;
		return {
			agents,
			seconds: wall,
			updates: page.update.length,
			count: page.count,
			mapDraws: page.draw.length,
			buildMs: { p50: quantile(build, 0.5), p95: quantile(build, 0.95), max: Math.max(...build) },
			bytesPerSecond: bytes / wall,
			mapDrawMs: quantiles(page.draw),
			updateMs: quantiles(page.update),
			renderMs: quantiles(page.render),
			frameMs: quantiles(page.frame),
			skipped: feed.stats.skipped,
		};
	} finally {
		await d.close();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const [agents = 60_000, seconds = 20, speed = 5] = process.argv.slice(2).map(Number);
	const r = await benchDashboard(agents, seconds, speed);
	const f = (x: number) => x.toFixed(2);
	console.log(
		`dashboard: ${r.agents} agents, ${r.seconds.toFixed(1)} s wall, ${r.updates} updates, node ${process.version}`,
	);
	console.log(
		`  update build (server)  p50 ${f(r.buildMs.p50)} ms  p95 ${f(r.buildMs.p95)} ms  max ${f(r.buildMs.max)} ms`,
	);
	console.log(
		`  bytes to one viewer    ${(r.bytesPerSecond / 1024).toFixed(1)} KB/s  (skipped updates: ${r.skipped})`,
	);
	const line = (name: string, q: Quantiles) =>
		console.log(`  ${name.padEnd(23)}p50 ${f(q.p50)} ms  p95 ${f(q.p95)} ms`);
	line("map draw (browser)", r.mapDrawMs);
	line("whole update (browser)", r.updateMs);
	line("render (browser)", r.renderMs);
	line("frame (browser)", r.frameMs);
}
