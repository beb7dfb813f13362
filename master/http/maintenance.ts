/**
 * The v0 maintenance endpoints (src/master/http.cpp maintenanceSchedule,
 * maintenanceStatus), which the stock web UI's Maintenance tab reads.
 * mesosim models no maintenance windows, so the schedule and the status are
 * always empty. Mesos renders them with JSON::protobuf, which leaves out
 * empty repeated fields: an empty Schedule is `{}` (not `{"windows":[]}`) and
 * an empty ClusterStatus is `{}` (no draining_machines, no down_machines).
 * Agents drained with DRAIN_AGENT are not machines in maintenance: they show
 * in /master/state's drain_info, as in Mesos.
 */
import type { FastifyInstance } from "fastify";
import type { HttpContext } from "./context.js";
import { ApiError } from "./errors.js";
import { sendJson } from "./v0.js";

/** mesos.maintenance.Schedule with no windows, as JSON::protobuf writes it. */
export const EMPTY_MAINTENANCE_SCHEDULE = Object.freeze({});
/** mesos.maintenance.ClusterStatus with no draining or down machines, as JSON::protobuf writes it. */
export const EMPTY_MAINTENANCE_STATUS = Object.freeze({});

export function registerMaintenance(app: FastifyInstance, ctx: HttpContext): void {
	app.get("/master/maintenance/schedule", async (req, reply) => {
		ctx.beforeCall();
		return sendJson(req, reply, EMPTY_MAINTENANCE_SCHEDULE);
	});
	app.post("/master/maintenance/schedule", async () => {
		throw new ApiError("MST_ERR_NOT_IMPLEMENTED", "mesosim does not model maintenance schedules");
	});
	app.get("/master/maintenance/status", async (req, reply) => {
		ctx.beforeCall();
		return sendJson(req, reply, EMPTY_MAINTENANCE_STATUS);
	});
}
