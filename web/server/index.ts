/** The dashboard's server side: bundle, page, feed and the fastify registration. */
export { inputHash, type WebBundle, webBundle } from "./bundle.js";
export { DashboardFeed, type FeedClock, type FeedOptions, type FeedSocket } from "./feed.js";
export { liveLesson } from "./lesson.js";
export { liveDashboard } from "./live.js";
export { AgentMap } from "./map.js";
export { ASSET_PREFIX, dashboardPage } from "./page.js";
export { type DashboardOptions, DEFAULT_UPDATE_HZ, MAX_UPDATE_HZ, registerDashboard } from "./plugin.js";
export { HtmlReport } from "./report.js";
