/** Name rules: roles (as Mesos checks them) and agent group names. Suggestions for mistyped names: common/suggest.ts. */
import { formatCount, LIMITS, limitTail, nameLengthProblem } from "../limits.js";

const ROLE_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const GROUP_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks a role name as Mesos does (src/common/roles.cpp), restricted to a
 * portable character set. Returns what is wrong, or null if it is valid.
 */
export function roleNameProblem(name: string): string | null {
	if (name === "*") return null;
	if (name === "") return "a role name must not be empty";
	// Mesos sets no bound on either; mesosim's keep reports and the role tree small (common/limits.ts).
	const length = nameLengthProblem(name);
	if (length !== null) return length;
	const depth = name.split("/").length;
	if (depth > LIMITS.roleDepth) return `a role ${formatCount(depth)} levels deep; ${limitTail("roleDepth")}`;
	if (name.startsWith("/") || name.endsWith("/")) return 'a role name must not start or end with "/"';
	for (const segment of name.split("/")) {
		if (segment === "") return 'a role name must not contain "//"';
		if (segment === "." || segment === "..") return `role segment "${segment}" is not allowed`;
		if (segment.startsWith("-")) return `role segment "${segment}" must not start with "-"`;
		if (!ROLE_SEGMENT.test(segment))
			return `role segment "${segment}" may contain only letters, digits, "_", "." and "-" (or the whole role is "*")`;
	}
	return null;
}

/** Agent group names end up in hostnames: letters, digits, "_", "." and "-". */
export function groupNameProblem(name: string): string | null {
	const length = nameLengthProblem(name);
	if (length !== null) return length;
	return GROUP_NAME.test(name) ? null : 'a group name may contain only letters, digits, "_", "." and "-"';
}
