/** Validation rules for FrameworkInfo and role names (src/common/validation.cpp, master/validation.cpp). */
import type { FrameworkInfo } from "./protocol/messages.js";

/** Mesos role name rules; returns a problem or null. */
export function roleProblem(role: unknown): string | null {
	if (typeof role !== "string") return "role must be a string";
	if (role === "*") return null;
	if (role.length === 0) return "role name cannot be empty";
	if (role.startsWith("/") || role.endsWith("/")) return `role '${role}' cannot start or end with '/'`;
	for (const seg of role.split("/")) {
		if (seg === "") return `role '${role}' cannot contain '//'`;
		if (seg === "." || seg === "..") return `role '${role}' cannot have '.' or '..' as a path segment`;
		if (seg.startsWith("-")) return `role '${role}' cannot have a segment starting with '-'`;
		if (seg === "*") return `role '${role}' cannot have '*' as a path segment`;
		if (/\s/.test(seg) || [...seg].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
			return `role '${role}' cannot contain whitespace or control characters`;
	}
	return null;
}

export interface FrameworkShape {
	roles: string[];
	multiRole: boolean;
	partitionAware: boolean;
	gpuCapable: boolean;
}

/** Checks a FrameworkInfo; returns the derived shape or a problem. */
export function checkFrameworkInfo(info: FrameworkInfo): FrameworkShape | { problem: string } {
	const list: unknown = info.capabilities ?? [];
	// The HTTP schema refuses these first; callers in-process (the harness, the
	// in-process transport) reach here directly, and the offer code reads every entry.
	if (!Array.isArray(list)) return { problem: "'FrameworkInfo.capabilities' must be a list" };
	const bad = list.findIndex((c) => typeof c !== "object" || c === null || Array.isArray(c));
	if (bad >= 0) {
		return {
			problem: `'FrameworkInfo.capabilities' entry ${bad} must be an object (got ${JSON.stringify(list[bad])})`,
		};
	}
	const caps = new Set((list as { type?: unknown }[]).map((c) => c.type));
	const multiRole = caps.has("MULTI_ROLE");
	const f = info.failover_timeout;
	if (f !== undefined && (typeof f !== "number" || !Number.isFinite(f) || f < 0)) {
		return { problem: `failover_timeout must be a non-negative number (got ${String(f)})` };
	}
	let roles: string[];
	if (multiRole) {
		// Set at all, even to "*": Mesos checks has_role() (validateRoles in master/validation.cpp).
		if (info.role !== undefined) {
			return { problem: "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable" };
		}
		roles = Array.isArray(info.roles) ? info.roles : [];
	} else {
		if (Array.isArray(info.roles) && info.roles.length > 0) {
			return {
				problem: "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
			};
		}
		roles = [info.role ?? "*"];
	}
	const seen = new Set<string>();
	for (const r of roles) {
		const p = roleProblem(r);
		if (p !== null) return { problem: p };
		if (seen.has(r)) return { problem: `role '${r}' appears twice in 'FrameworkInfo.roles'` };
		seen.add(r);
	}
	return {
		roles,
		multiRole,
		partitionAware: caps.has("PARTITION_AWARE"),
		gpuCapable: caps.has("GPU_RESOURCES"),
	};
}
