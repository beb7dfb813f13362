import { describe, expect, it } from "vitest";
import { interopPlan } from "../helpers/interop.js";

describe("interop test plan (npm test needs only Node; CI needs Go)", () => {
	it("runs when Go and mesos-go are there", () => {
		expect(interopPlan(null, {})).toEqual({ run: true });
	});

	it("skips with a one-line notice naming what to install when they are missing", () => {
		const plan = interopPlan("the Go toolchain (go) is not installed", {});
		expect(plan.run).toBe(false);
		if (plan.run) return;
		expect(plan.notice).not.toContain("\n");
		expect(plan.notice).toContain("go) is not installed");
		expect(plan.notice).toContain("golang-go golang-github-mesos-mesos-go-dev");
	});

	it("with MESOSIM_REQUIRE_INTEROP=1 (CI) it runs anyway, so a missing toolchain fails", () => {
		expect(interopPlan("go is missing", { MESOSIM_REQUIRE_INTEROP: "1" })).toEqual({ run: true });
	});

	it(".ci/run requires the interop test", async () => {
		const { readFileSync } = await import("node:fs");
		expect(readFileSync(".ci/run", "utf8")).toMatch(/^export MESOSIM_REQUIRE_INTEROP=1$/m);
	});
});
