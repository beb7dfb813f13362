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
	 * Not a Mesos flag: a mesosim extension for teaching. Mesos 1.11's allocator
	 * caps an offer only by the allocated role's own quota limit (getQuota(role)
	 * in hierarchical.cpp) and refuses quota on nested roles (MESOS-7402). With
	 * this on, nested roles may have quota and every ancestor's limit caps its
	 * subtree as well — hierarchical quota as Mesos planned it.
	 */
	hierarchicalQuota: boolean;
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
	hierarchicalQuota: false,
	agentRemovalRateLimit: null,
	agentReregisterTimeoutMs: 600_000,
	hostname: "mesosim-master",
	port: 5050,
};

export function withDefaults(flags: Partial<MasterFlags> | undefined): MasterFlags {
	return { ...DEFAULT_FLAGS, ...(flags ?? {}) };
}
