/**
 * `mesosim run SCENARIO --html FILE`: one self-contained HTML file with the
 * dashboard's charts and the final map of a headless run, no server needed.
 * A feed is attached to the master before the run (observer hooks: reading
 * only, so the run's report and event-log hash do not change) and sampled at
 * each progress step; at the end its snapshot and map frames are inlined into
 * the page with the bundled app, which draws them instead of connecting.
 */
import type { Simulation } from "../../sim/runner/build.js";
import type { ReportData } from "../protocol.js";
import { webBundle } from "./bundle.js";
import { DashboardFeed } from "./feed.js";
import { dashboardPage } from "./page.js";

export class HtmlReport {
	readonly #feed: DashboardFeed;
	readonly #sim: Simulation;

	/** Attach before the run starts (RunOptions.onBuilt). */
	constructor(sim: Simulation, samples = 240) {
		this.#sim = sim;
		this.#feed = new DashboardFeed({
			master: sim.master,
			clock: { speed: 0 },
			groupOf: (a) => sim.fleet.group(sim.master.cluster.local[a]!),
			tasksRunning: () => sim.fleet.liveTasks,
			historySize: samples + 16,
			sampleEveryMs: Math.max(1, Math.floor(sim.scenario.durationMs / samples)),
		});
	}

	/** A chart sample, at most every duration / samples of simulated time (RunOptions.onProgress). */
	sample(): void {
		this.#feed.tick();
	}

	async html(): Promise<string> {
		this.#feed.tick();
		const data: ReportData = this.#feed.reportData();
		return dashboardPage(await webBundle(), {
			title: `mesosim report · ${this.#sim.scenario.name}`,
			inline: true,
			report: data,
		});
	}
}
