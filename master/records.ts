/** The master's internal records for frameworks, offers and tasks, and the hooks that watch them. */
import type { TimerHandle } from "../engine/index.js";
import type { BoundedList } from "./bounded.js";
import type { FrameworkFilters } from "./filters.js";
import type {
	Event,
	EventSink,
	FrameworkInfo,
	Range,
	TaskInfo,
	TaskState,
	TaskStatus,
	TaskStatusReason,
} from "./protocol/index.js";

export interface OfferRecord {
	id: string;
	/** The <n> of the id's "-O<n>". */
	num: number;
	fw: FrameworkRecord;
	role: number;
	agent: number;
	/** cpus, mem, disk, gpus */
	q: Float64Array;
	ports: Range[];
	timer: TimerHandle;
	createdAt: number;
}

export interface TaskRecord {
	id: string;
	fw: FrameworkRecord;
	agent: number;
	agentId: string;
	role: number;
	q: Float64Array;
	ports: Range[];
	info: TaskInfo;
	state: TaskState;
	/** Latest status the master knows (sent to the framework on reconcile). */
	status: TaskStatus;
	/** (state, timestamp) history as in v0 state.json. */
	statuses: { state: TaskState; timestamp: number }[];
	/** The update being forwarded and not yet acknowledged (its uuid). */
	pendingUuid: string | null;
	/** Resources were released back to the agent (terminal or lost). */
	released: boolean;
	launchedAt: number;
	unreachableTime: number | null;
	reason: TaskStatusReason | null;
}

export interface FrameworkRecord {
	idx: number;
	id: string;
	/** `{ value: id }`, frozen: shared by every offer message to this framework. */
	idValue: Readonly<{ value: string }>;
	info: FrameworkInfo;
	roles: string[];
	/** Global role indices, parallel to `roles`. */
	roleIdx: number[];
	partitionAware: boolean;
	checkpoint: boolean;
	gpuCapable: boolean;
	connected: boolean;
	active: boolean;
	removed: boolean;
	sink: EventSink | null;
	streamId: string | null;
	suppressed: Set<string>;
	filters: FrameworkFilters;
	offers: Set<OfferRecord>;
	tasks: Map<string, TaskRecord>;
	registeredAt: number;
	reregisteredAt: number | null;
	unregisteredAt: number | null;
	failoverTimer: TimerHandle;
	heartbeatTimer: TimerHandle;
	/** Terminal tasks, newest --max_completed_tasks_per_framework kept. */
	completedTasks: BoundedList<TaskRecord>;
	/** Tasks on unreachable agents, newest --max_unreachable_tasks_per_framework kept. */
	unreachableTasks: BoundedList<TaskRecord>;
	/** min_allocatable overrides per role index (from FrameworkInfo.offer_filters). */
	minAllocatable: Map<number, Partial<Record<string, number>>[]>;
	counters: {
		offersSent: number;
		offersAccepted: number;
		offersDeclined: number;
		offersRescinded: number;
		tasksLaunched: number;
		callsByType: Record<string, number>;
	};
}

export type OfferEnd = "accepted" | "declined" | "rescinded";

/** Hooks for the runner, metrics and invariant checks (all optional). */
export interface MasterObserver {
	offerMade?(offer: OfferRecord): void;
	offerEnded?(offer: OfferRecord, how: OfferEnd): void;
	taskChanged?(task: TaskRecord, previous: TaskState | null): void;
	agentChanged?(agent: number): void;
	frameworkChanged?(fw: FrameworkRecord, what: "added" | "updated" | "removed"): void;
	eventSent?(fw: FrameworkRecord, event: Event): void;
	/** An allocation cycle made its decisions; its OFFERS events are built and sent next (benchmarks time the split). */
	cycleDecided?(): void;
}
