/**
 * FrameworkInfo and role-name validation as Mesos does it (validateRoles in
 * master/validation.cpp, roles::validate in common/roles.cpp): each problem
 * named, and the shape of a valid FrameworkInfo.
 */
import { describe, expect, it } from "vitest";
import type { FrameworkInfo } from "../../master/index.js";
import { checkFrameworkInfo, roleProblem } from "../../master/validate.js";

const MULTI = [{ type: "MULTI_ROLE" as const }];

function info(extra: Partial<FrameworkInfo>): FrameworkInfo {
	return { user: "u", name: "n", ...extra } as FrameworkInfo;
}

describe("role names", () => {
	it.each([
		[7, "role must be a string"],
		["", "role name cannot be empty"],
		["/a", "role '/a' cannot start or end with '/'"],
		["a/", "role 'a/' cannot start or end with '/'"],
		["a//b", "role 'a//b' cannot contain '//'"],
		["a/./b", "role 'a/./b' cannot have '.' or '..' as a path segment"],
		["..", "role '..' cannot have '.' or '..' as a path segment"],
		["a/-b", "role 'a/-b' cannot have a segment starting with '-'"],
		["a/*", "role 'a/*' cannot have '*' as a path segment"],
		["a b", "role 'a b' cannot contain whitespace or control characters"],
		["a\u0001", "role 'a\u0001' cannot contain whitespace or control characters"],
		["a\u007f", "role 'a\u007f' cannot contain whitespace or control characters"],
	])("%j: %s", (role, problem) => {
		expect(roleProblem(role)).toBe(problem);
	});

	it.each(["*", "eng", "eng/ml", "a-b/c.d", "x~y"])("%j is a valid role", (role) => {
		expect(roleProblem(role)).toBeNull();
	});
});

describe("FrameworkInfo", () => {
	it.each([
		[
			{ capabilities: MULTI, role: "eng", roles: ["eng"] },
			"'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable",
		],
		[
			{ capabilities: MULTI, role: "*" },
			"'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable",
		],
		[
			{ roles: ["eng"] },
			"'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
		],
		[{ capabilities: MULTI, roles: ["a", "b", "a"] }, "role 'a' appears twice in 'FrameworkInfo.roles'"],
		[{ capabilities: MULTI, roles: ["a", "b/"] }, "role 'b/' cannot start or end with '/'"],
		[{ role: "" }, "role name cannot be empty"],
		[{ failover_timeout: -1 }, "failover_timeout must be a non-negative number (got -1)"],
		[
			{ failover_timeout: "10" as unknown as number },
			"failover_timeout must be a non-negative number (got 10)",
		],
		[
			{ failover_timeout: Number.POSITIVE_INFINITY },
			"failover_timeout must be a non-negative number (got Infinity)",
		],
	] as [Partial<FrameworkInfo>, string][])("%j: %s", (extra, problem) => {
		expect(checkFrameworkInfo(info(extra))).toEqual({ problem });
	});

	it("a valid one: its roles and capabilities", () => {
		expect(checkFrameworkInfo(info({}))).toEqual({
			roles: ["*"],
			multiRole: false,
			partitionAware: false,
			gpuCapable: false,
		});
		expect(checkFrameworkInfo(info({ role: "eng", roles: [], failover_timeout: 0 }))).toMatchObject({
			roles: ["eng"],
		});
		expect(
			checkFrameworkInfo(
				info({
					roles: ["a", "b"],
					capabilities: [{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }, { type: "GPU_RESOURCES" }],
				}),
			),
		).toEqual({ roles: ["a", "b"], multiRole: true, partitionAware: true, gpuCapable: true });
		// MULTI_ROLE without roles: no role at all (Mesos allows it; it gets no offers).
		expect(checkFrameworkInfo(info({ capabilities: MULTI }))).toMatchObject({ roles: [], multiRole: true });
		expect(
			checkFrameworkInfo(info({ capabilities: MULTI, roles: "a" as unknown as string[] })),
		).toMatchObject({ roles: [] });
	});
});
