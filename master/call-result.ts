/** The outcomes of a scheduler call, shared by the parts of the master that handle calls. */
import type { CallResult } from "./protocol/scheduler.js";

/** A refused call: the Mesos status code and a plain message. */
export function bad(status: 400 | 403 | 404 | 409 | 501 | 503, message: string): CallResult {
	return { ok: false, status, message };
}

/** 202 Accepted: the call is taken (its effects, if any, follow as events). */
export const ACCEPTED: CallResult = { ok: true, status: 202 };
