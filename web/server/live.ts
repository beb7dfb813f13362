/** The dashboard for a live server (sim/runner/live.ts): what the feed reads of the simulation and its clock. */
import type { FastifyInstance } from "fastify";
import { CATALOG, PACKAGE_NAMES } from "../../frameworks/chameleon/index.js";
import type { LiveExtension } from "../../sim/runner/live.js";
import { registerDashboard } from "./plugin.js";

export const liveDashboard: LiveExtension = async (app: FastifyInstance, { sim, driver }) => {
	const cluster = sim.master.cluster;
	await registerDashboard(app, {
		master: sim.master,
		originMs: sim.engine.originMs,
		clock: driver,
		groupOf: (a) => sim.fleet.group(cluster.local[a]!),
		tasksRunning: () => sim.fleet.liveTasks,
		catalog: PACKAGE_NAMES.map((name) => ({ name, description: CATALOG[name]!.description })),
		title: `mesosim · ${sim.scenario.name}`,
	});
};
