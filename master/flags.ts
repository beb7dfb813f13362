/** Master flags with Mesos's defaults (src/master/flags.cpp). Durations in ms. */
export interface MasterFlags {
	allocationIntervalMs: number;
	offerTimeoutMs: number | null;
	agentPingTimeoutMs: number;
	maxAgentPingTimeouts: number;
	/** Any one of these quantity sets makes resources allocatable. */
	minAllocatable: Partial<Record<"cpus" | "mem" | "disk" | "gpus", number>>[];
	maxCompletedFrameworks: number;
	maxCompletedTasksPerFramework: number;
	maxUnreachableTasksPerFramework: number;
	roleSorter: "drf" | "random";
	frameworkSorter: "drf" | "random";
	fairSharingExcludedResourceNames: string[];
	heartbeatIntervalMs: number;
	/** Frameworks without GPU_RESOURCES get no offers from GPU agents (Mesos --filter_gpu_resources). */
	filterGpuResources: boolean;
	/**
	 * At most `permits` agents per `perMs` are marked unreachable after failing
	 * health checks (Mesos --agent_removal_rate_limit); null: no limit.
	 */
	agentRemovalRateLimit: { permits: number; perMs: number } | null;
	/**
	 * Mesos --agent_reregister_timeout (at least 10 minutes). Reported only:
	 * Mesos uses it after a master failover and for an agent that answers pings
	 * but never reregisters, neither of which mesosim simulates.
	 */
	agentReregisterTimeoutMs: number;
	hostname: string;
	port: number;
}

export const DEFAULT_FLAGS: MasterFlags = {
	allocationIntervalMs: 1000,
	offerTimeoutMs: null,
	agentPingTimeoutMs: 15_000,
	maxAgentPingTimeouts: 5,
	minAllocatable: [{ cpus: 0.01 }, { mem: 32 }],
	maxCompletedFrameworks: 50,
	maxCompletedTasksPerFramework: 1000,
	maxUnreachableTasksPerFramework: 1000,
	roleSorter: "drf",
	frameworkSorter: "drf",
	fairSharingExcludedResourceNames: [],
	heartbeatIntervalMs: 15_000,
	filterGpuResources: true,
	agentRemovalRateLimit: null,
	agentReregisterTimeoutMs: 600_000,
	hostname: "mesosim-master",
	port: 5050,
};

export function withDefaults(flags: Partial<MasterFlags> | undefined): MasterFlags {
	return { ...DEFAULT_FLAGS, ...(flags ?? {}) };
}
