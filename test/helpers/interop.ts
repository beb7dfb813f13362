/**
 * Whether the mesos-go interop test (test/interop/mesos-go.test.ts) runs.
 * `npm test` needs only Node: without Go or the mesos-go sources the test is
 * skipped with a one-line notice saying what to install. CI (.ci/run) sets
 * MESOSIM_REQUIRE_INTEROP=1, and then a missing toolchain is a failure.
 */
export const INTEROP_INSTALL =
	"apt-get install -y golang-go golang-github-mesos-mesos-go-dev (or run bash .ci/run, which installs them)";

export type InteropPlan = { run: true } | { run: false; notice: string };

/** `missing`: what is missing (null: Go and mesos-go are there). */
export function interopPlan(
	missing: string | null,
	env: Readonly<Record<string, string | undefined>>,
): InteropPlan {
	if (env.MESOSIM_SKIP_INTEROP === "1")
		return { run: false, notice: "mesos-go interop test skipped: MESOSIM_SKIP_INTEROP=1" };
	if (missing === null || env.MESOSIM_REQUIRE_INTEROP === "1") return { run: true };
	return { run: false, notice: `mesos-go interop test skipped: ${missing}; to run it: ${INTEROP_INSTALL}` };
}
