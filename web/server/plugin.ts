/**
 * The dashboard on the live master's fastify app: the page at `/`, its bundled
 * script and style under /dashboard/, and the live feed WebSocket at
 * FEED_PATH (@fastify/websocket). The feed ticks on the wall clock (this is a
 * driver-level plugin) at `updateHz` ≤ 10; the timer starts when the app is
 * ready and stops when it closes, where every viewer's socket is closed too.
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import { FEED_PATH, MAX_CLIENT_MESSAGE } from "../protocol.js";
import { webBundle } from "./bundle.js";
import { DashboardFeed, type FeedOptions } from "./feed.js";
import { ASSET_PREFIX, dashboardPage } from "./page.js";

export const MAX_UPDATE_HZ = 10;
export const DEFAULT_UPDATE_HZ = 4;

export interface DashboardOptions extends FeedOptions {
	/** Updates per wall second (default 4, at most 10). */
	updateHz?: number;
	title?: string;
}

declare module "fastify" {
	interface FastifyInstance {
		dashboard: DashboardFeed;
	}
}

export async function registerDashboard(
	app: FastifyInstance,
	opts: DashboardOptions,
): Promise<DashboardFeed> {
	const hz = Math.min(MAX_UPDATE_HZ, Math.max(0.1, opts.updateHz ?? DEFAULT_UPDATE_HZ));
	const bundle = await webBundle();
	const html = dashboardPage(bundle, { title: opts.title ?? "mesosim" });
	const feed = new DashboardFeed(opts);
	app.decorate("dashboard", feed);
	await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
	const immutable = "public, max-age=31536000, immutable";
	app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(html));
	app.get(`${ASSET_PREFIX}app.${bundle.hash}.js`, async (_req, reply) =>
		reply.type("text/javascript; charset=utf-8").header("Cache-Control", immutable).send(bundle.js),
	);
	app.get(`${ASSET_PREFIX}app.${bundle.hash}.css`, async (_req, reply) =>
		reply.type("text/css; charset=utf-8").header("Cache-Control", immutable).send(bundle.css),
	);
	app.register(async (scope) => {
		scope.get(FEED_PATH, { websocket: true }, (socket) => {
			// Listeners first (ws delivers messages from the next tick on), then the snapshot.
			socket.on("message", (data, isBinary) => feed.receive(socket, data as Buffer, isBinary));
			socket.on("close", () => feed.detach(socket));
			socket.on("error", () => feed.detach(socket));
			feed.attach(socket);
		});
	});
	let timer: NodeJS.Timeout | null = null;
	app.addHook("onReady", async () => {
		timer = setInterval(() => feed.tick(), 1000 / hz);
	});
	app.addHook("preClose", async () => {
		if (timer !== null) clearInterval(timer);
		timer = null;
		feed.dispose();
	});
	return feed;
}
