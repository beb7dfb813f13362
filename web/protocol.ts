/**
 * The dashboard's wire format, shared by the server feed (web/server) and the
 * browser app (web/app): the one module both sides import, so it uses neither
 * Node nor DOM types.
 *
 * Text frames carry JSON messages (ServerMessage, ClientMessage). Binary frames
 * carry the agent map as typed arrays:
 *
 *   offset 0  u32 frame kind (FRAME)          little-endian, as every field
 *   offset 4  u32 byte length L of the meta JSON
 *   offset 8  meta JSON (UTF-8), then zero padding to a multiple of 4
 *   then      each array of meta.arrays in order, each padded to a multiple of 4
 *
 * so every array can be viewed in place (no copy) by the reader.
 *
 * The map has one byte per agent per channel (MAP_CHANNELS); a MAP_FULL frame
 * holds every agent, a MAP_DELTA frame the changed agents' indices (u32) and
 * their new bytes. LAYOUT holds, per attribute key, a u16 value index per
 * agent (for grouping), sent on connect and when agents are added.
 */

export const FEED_PATH = "/dashboard/feed";

/** Binary frame kinds. */
export const FRAME = { MAP_FULL: 1, MAP_DELTA: 2, LAYOUT: 3 } as const;
export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

/** Per-agent byte channels of the map, in frame order. */
export const MAP_CHANNELS = ["health", "cpu", "mem", "framework", "offers"] as const;
export type MapChannel = (typeof MAP_CHANNELS)[number];

/** Health byte values (the map's "health" channel). */
export const HEALTH = {
	NONE: 0,
	ACTIVE: 1,
	DRAINING: 2,
	DEACTIVATED: 3,
	DISCONNECTED: 4,
	UNREACHABLE: 5,
	GONE: 6,
} as const;
export const HEALTH_NAMES = [
	"none",
	"active",
	"draining",
	"deactivated",
	"disconnected",
	"unreachable",
	"gone",
] as const;

/** cpu and mem channels: allocated / total scaled to 0..ALLOC_SCALE. */
export const ALLOC_SCALE = 255;
/** framework channel: 0 = none, else 1 + (framework index mod FRAMEWORK_SLOTS). */
export const FRAMEWORK_SLOTS = 254;

export type ArrayKind = "u8" | "u16" | "u32";
export type WireArray = Uint8Array | Uint16Array | Uint32Array;

export interface FrameMeta {
	arrays?: { kind: ArrayKind; length: number }[];
	[key: string]: unknown;
}

export interface MapFullMeta {
	count: number;
	t: number;
}
export interface MapDeltaMeta {
	count: number;
	t: number;
	changed: number;
}
export interface LayoutMeta {
	count: number;
	/** Attribute keys ("group" first: the scenario's agent group). */
	keys: string[];
	/** Per key, the value names its u16 indices point into. */
	values: string[][];
}

const pad4 = (n: number) => (n + 3) & ~3;
const kindOf = (a: WireArray): ArrayKind =>
	a instanceof Uint8Array ? "u8" : a instanceof Uint16Array ? "u16" : "u32";
const BYTES: Record<ArrayKind, number> = { u8: 1, u16: 2, u32: 4 };

/** One binary frame: kind, meta JSON and the arrays (copied in, 4-byte aligned). */
export function encodeFrame(kind: FrameKind, meta: object, arrays: readonly WireArray[]): Uint8Array {
	const full = { ...meta, arrays: arrays.map((a) => ({ kind: kindOf(a), length: a.length })) };
	const json = new TextEncoder().encode(JSON.stringify(full));
	let size = 8 + pad4(json.length);
	for (const a of arrays) size += pad4(a.byteLength);
	const out = new Uint8Array(size);
	const view = new DataView(out.buffer);
	view.setUint32(0, kind, true);
	view.setUint32(4, json.length, true);
	out.set(json, 8);
	let at = 8 + pad4(json.length);
	for (const a of arrays) {
		out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
		at += pad4(a.byteLength);
	}
	return out;
}

export interface DecodedFrame<M = FrameMeta> {
	kind: number;
	meta: M;
	arrays: WireArray[];
}

/** Reads a frame made by encodeFrame; the arrays are views on `buf`. Throws on a malformed frame. */
export function decodeFrame<M = FrameMeta>(buf: ArrayBuffer): DecodedFrame<M> {
	if (buf.byteLength < 8) throw new Error("frame shorter than its header");
	const view = new DataView(buf);
	const kind = view.getUint32(0, true);
	const len = view.getUint32(4, true);
	if (8 + len > buf.byteLength) throw new Error("frame meta runs past its end");
	const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, len))) as FrameMeta;
	const arrays: WireArray[] = [];
	let at = 8 + pad4(len);
	for (const d of meta.arrays ?? []) {
		const bytes = d.length * BYTES[d.kind];
		if (at + bytes > buf.byteLength) throw new Error("frame array runs past its end");
		arrays.push(
			d.kind === "u8"
				? new Uint8Array(buf, at, d.length)
				: d.kind === "u16"
					? new Uint16Array(buf, at, d.length)
					: new Uint32Array(buf, at, d.length),
		);
		at += pad4(bytes);
	}
	return { kind, meta: meta as M, arrays };
}

// ---- JSON messages ---------------------------------------------------------

export interface ClockView {
	/** Simulated ms. */
	t: number;
	speed: number;
	paused: boolean;
}

export type FrameworkState = "active" | "suppressed" | "disconnected" | "failing over";

export interface FrameworkRow {
	id: string;
	name: string;
	/** 1 + index mod FRAMEWORK_SLOTS: the map's framework channel value. */
	slot: number;
	roles: string[];
	weight: number;
	state: FrameworkState;
	offers: { received: number; accepted: number; declined: number; rescinded: number };
	tasks: Record<string, number>;
	share: number;
}

export interface RoleRow {
	name: string;
	/** Parent role name, or null for a top-level role. */
	parent: string | null;
	weight: number;
	/** Quota limits (only the limited resources). */
	quota: Record<string, number>;
	/** cpus, mem, disk, gpus summed over the subtree. */
	allocated: number[];
	offered: number[];
	/** DRF dominant share of the role (its subtree) among its siblings. */
	share: number;
	frameworks: number;
}

export interface TotalsView {
	agents: number;
	byHealth: number[];
	/** cpus, mem, disk, gpus */
	total: number[];
	allocated: number[];
	offered: number[];
	tasksRunning: number;
	offersOutstanding: number;
}

/** One point of the charts: simulated time, utilisation, rates per simulated second. */
export interface Sample {
	t: number;
	cpu: number;
	mem: number;
	offersMade: number;
	offersAccepted: number;
	offersDeclined: number;
	launches: number;
	failures: number;
	/** Dominant share per framework id. */
	shares: Record<string, number>;
}

export type FeedKind = "cycle" | "accept" | "decline" | "rescind" | "launch" | "status" | "fault";
export const FEED_KINDS: readonly FeedKind[] = [
	"cycle",
	"accept",
	"decline",
	"rescind",
	"launch",
	"status",
	"fault",
];

export interface FeedEvent {
	t: number;
	kind: FeedKind;
	framework: string | null;
	agent: number | null;
	text: string;
	/** The offer or task the event is about: the page opens its "why" (/sim/v1/decisions) on a click. */
	offer?: string;
	task?: string;
}

export interface Fault {
	t: number;
	text: string;
}

interface LiveState {
	clock: ClockView;
	frameworks: FrameworkRow[];
	roles: RoleRow[];
	totals: TotalsView;
	events: FeedEvent[];
	/** Feed events not sent (over the per-update cap, or skipped for a slow socket). */
	dropped: number;
}

export interface SnapshotMessage extends LiveState {
	type: "snapshot";
	history: Sample[];
	faults: Fault[];
	catalog: { name: string; description: string }[];
	/** Present when the server plays a lesson: its title and the steps played so far. */
	lesson?: LessonView;
	/** Plain words for the decision records' reason codes (step mode), keyed by code. */
	reasons: { pass: Record<string, string>; framework: Record<string, string> };
}

/** One played step of a lesson's script (sim/narration PlayedStep): text filled in with measured values. */
export interface NarrationStep {
	index: number;
	/** Simulated ms since the start. */
	tMs: number;
	title?: string;
	caption?: string;
	question?: string;
	answer?: string;
	/** The cluster was paused when the step played; "next" resumes it. */
	pause: boolean;
	/** "cycle": the step is about one allocation cycle (the page offers "run one cycle"). */
	stepBy?: string;
	/** Highlighted agents (map cell indices), frameworks and roles (names). */
	agents: number[];
	frameworks: string[];
	roles: string[];
	expectations: { name: string; value: number | null; expected: string; ok: boolean }[];
}

export interface LessonView {
	number: number;
	title: string;
	minutes: number;
	/** Steps in the script. */
	total: number;
	played: NarrationStep[];
	/** "Change this and predict" exercises, shown after the last step; text filled in from a headless run. */
	exercises: LessonExercise[];
}

export interface LessonExercise {
	question: string;
	answer: string;
}

/** A lesson step just played (sent at once, not with the next update). */
export interface NarrationMessage {
	type: "narration";
	step: NarrationStep;
}

export interface UpdateMessage extends LiveState {
	type: "update";
	sample: Sample | null;
	faults: Fault[];
}

export interface AgentDetail {
	index: number;
	id: string;
	hostname: string;
	health: string;
	attributes: Record<string, string>;
	total: number[];
	allocated: number[];
	offered: number[];
	tasks: { id: string; framework: string; state: string; cpus: number; mem: number }[];
	tasksTotal: number;
	offers: { id: string; framework: string; role: string; cpus: number; mem: number; since: number }[];
	filters: { framework: string; role: string; until: number }[];
}

export interface AgentMessage {
	type: "agent";
	agent: AgentDetail | null;
	index: number;
}

export type ServerMessage = SnapshotMessage | UpdateMessage | AgentMessage | NarrationMessage;

/** A headless run's report page: the final snapshot and map frames (base64), drawn without a server. */
export interface ReportData {
	snapshot: SnapshotMessage;
	layout: string;
	map: string;
}

/**
 * Browser -> server: the only message a page sends, naming the agent by its
 * map index or by its agent id (step mode knows the id); the answer is an
 * AgentMessage with the index (-1 and agent null for an unknown id).
 */
export type AgentRequest = { type: "agent"; index: number } | { type: "agent"; id: string };
export type ClientMessage = AgentRequest;

/** Longest agent id a page may send. */
export const MAX_AGENT_ID = 256;

/** Close codes the feed uses (RFC 6455 §7.4.1). */
export const CLOSE = { UNSUPPORTED: 1003, POLICY: 1008, TOO_BIG: 1009 } as const;

/** Largest client message the feed reads (bytes). */
export const MAX_CLIENT_MESSAGE = 1024;

/** Parses a client message; a string naming what is wrong when it is not one. */
export function parseClientMessage(text: string): ClientMessage | string {
	let msg: unknown;
	try {
		msg = JSON.parse(text);
	} catch {
		return "message is not JSON";
	}
	if (msg === null || typeof msg !== "object" || Array.isArray(msg)) return "message must be a JSON object";
	const m = msg as Record<string, unknown>;
	if (m.type !== "agent") return `unknown message type ${JSON.stringify(m.type)}`;
	if (m.index === undefined && m.id !== undefined) {
		if (typeof m.id !== "string" || m.id === "" || m.id.length > MAX_AGENT_ID)
			return `agent.id must be a string of 1 to ${MAX_AGENT_ID} characters`;
		return { type: "agent", id: m.id };
	}
	if (!Number.isInteger(m.index) || (m.index as number) < 0)
		return "agent.index must be a non-negative integer";
	return { type: "agent", index: m.index as number };
}
