/**
 * The master describing itself: build information (/version, GET_VERSION),
 * its flags under Mesos's names (src/master/flags.cpp; /master/flags,
 * GET_FLAGS), its MasterInfo and address (include/mesos/v1/mesos.proto).
 * mesosim serves everything, agents' pages included, from 127.0.0.1 on the
 * master's port.
 */
import type { Master } from "../../master.js";
import type { Json } from "./quantities.js";

/** Build information reported by /version and GET_VERSION (the Mesos version mesosim follows). */
export const BUILD_INFO = {
	build_date: "2024-08-23 00:00:00",
	build_time: 1724371200,
	build_user: "mesosim",
	git_sha: "c1b42f79",
	git_branch: "mesosim",
} as const;

export const MESOSIM_COMPONENT = "mesosim";

/** MasterInfo.Capability types the master reports. */
export const MASTER_CAPABILITIES: readonly string[] = ["AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"];

export function masterAddress(m: Master): string {
	return `127.0.0.1:${m.masterInfo().port}`;
}

/** The master's libprocess pid, `master@ip:port`. */
export function masterPid(m: Master): string {
	return `master@${masterAddress(m)}`;
}

/** MasterInfo.address. */
export function masterAddressJson(m: Master): Json {
	const mi = m.masterInfo();
	return { hostname: mi.hostname, ip: "127.0.0.1", port: mi.port };
}

/** Mesos's Duration format (stout): the largest unit that is at least 1. */
export function formatMesosDuration(ms: number | null): string {
	if (ms === null) return "none";
	const units: [number, string][] = [
		[7 * 86_400_000, "weeks"],
		[86_400_000, "days"],
		[3_600_000, "hrs"],
		[60_000, "mins"],
		[1000, "secs"],
		[1, "ms"],
	];
	for (const [size, name] of units) if (ms >= size) return `${Number((ms / size).toFixed(6))}${name}`;
	return "0ns";
}

/** The master's flags under Mesos's names (src/master/flags.cpp). */
export function masterFlags(m: Master): Record<string, string> {
	const f = m.flags;
	const minAlloc = f.minAllocatable
		.map((q) =>
			Object.entries(q)
				.map(([k, v]) => `${k}:${v}`)
				.join(";"),
		)
		.join("|");
	return {
		allocation_interval: formatMesosDuration(f.allocationIntervalMs),
		offer_timeout: formatMesosDuration(f.offerTimeoutMs),
		agent_ping_timeout: formatMesosDuration(f.agentPingTimeoutMs),
		max_agent_ping_timeouts: String(f.maxAgentPingTimeouts),
		agent_reregister_timeout: formatMesosDuration(f.agentReregisterTimeoutMs),
		// Mesos lists an optional flag only when it is set.
		...(f.agentRemovalRateLimit === null
			? {}
			: {
					agent_removal_rate_limit: `${f.agentRemovalRateLimit.permits}/${formatMesosDuration(f.agentRemovalRateLimit.perMs)}`,
				}),
		min_allocatable_resources: minAlloc,
		max_completed_frameworks: String(f.maxCompletedFrameworks),
		max_completed_tasks_per_framework: String(f.maxCompletedTasksPerFramework),
		max_unreachable_tasks_per_framework: String(f.maxUnreachableTasksPerFramework),
		max_operator_event_stream_subscribers: "1000",
		role_sorter: f.roleSorter,
		framework_sorter: f.frameworkSorter,
		fair_sharing_excluded_resource_names: f.fairSharingExcludedResourceNames.join(","),
		filter_gpu_resources: String(f.filterGpuResources),
		hostname: f.hostname,
		port: String(f.port),
		authenticate_frameworks: "false",
		authenticate_http_frameworks: "false",
		authenticate_http_readonly: "false",
		authenticate_http_readwrite: "false",
		registry: "in_memory",
		quiet: "false",
		version: "false",
	};
}

export function versionInfo(m: Master): Json {
	return { version: m.masterInfo().version, ...BUILD_INFO };
}

export function masterInfoV1(m: Master): Json {
	const mi = m.masterInfo();
	return {
		...mi,
		address: masterAddressJson(m),
		capabilities: MASTER_CAPABILITIES.map((type) => ({ type })),
	};
}
