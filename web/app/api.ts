/**
 * Every control on the page calls the same validated HTTP APIs as curl and the
 * CLI: /sim/v1 for the clock, agents and packages (docs/api.md, "Simulator
 * control"); the Mesos operator API (POST /api/v1) for weights and quota.
 */
async function request(path: string, init: RequestInit): Promise<unknown> {
	const res = await fetch(path, init);
	const text = await res.text();
	if (!res.ok) throw new Error(`${res.status} ${path}: ${text || res.statusText}`);
	return text === "" ? null : JSON.parse(text);
}

function post(path: string, body: unknown = {}): Promise<unknown> {
	return request(path, {
		method: "POST",
		headers: { "Content-Type": "application/json", Accept: "application/json" },
		body: JSON.stringify(body),
	});
}

function get(path: string): Promise<unknown> {
	return request(path, { headers: { Accept: "application/json" } });
}

export type AgentAction =
	| "crash"
	| "start"
	| "restart"
	| "partition"
	| "heal"
	| "drain"
	| "deactivate"
	| "reactivate";
export const AGENT_ACTIONS: { action: AgentAction; label: string }[] = [
	{ action: "crash", label: "crash" },
	{ action: "start", label: "boot" },
	{ action: "restart", label: "restart agent process" },
	{ action: "partition", label: "partition" },
	{ action: "heal", label: "heal" },
	{ action: "drain", label: "drain" },
];

const SIM = "/sim/v1";

export const api = {
	pause: () => post(`${SIM}/clock/pause`),
	/** Runs every event before the next allocation cycle, then holds the clock paused. */
	toNextCycle: () => post(`${SIM}/clock/step`),
	resume: () => post(`${SIM}/clock/resume`),
	/** Runs exactly the next allocation cycle, then holds the clock paused. */
	cycle: () => post(`${SIM}/clock/cycle`),
	speed: (speed: number) => post(`${SIM}/clock/speed`, { speed }),
	agents: (action: AgentAction, hostnames: string[]) =>
		post(`${SIM}/agents/${action}`, { agents: { hostnames } }),
	addAgents: (group: string, count: number) => post(`${SIM}/agents/add`, { group, count }),
	install: (pkg: string, name?: string, instances?: number) =>
		post(`${SIM}/packages/install`, {
			package: pkg,
			...(name ? { name } : {}),
			...(instances === undefined ? {} : { instances }),
		}),
	uninstall: (framework: string) => post(`${SIM}/packages/uninstall`, { framework }),
	/** Decision recording (docs/api.md, "Decisions"): status and the last cycles, one offer's or task's why. */
	decisions: (last: number) => get(`${SIM}/decisions?last=${last}`),
	recordDecisions: (cycles: number) => post(`${SIM}/decisions`, { record: true, cycles }),
	offerWhy: (id: string) => get(`${SIM}/decisions/offers/${encodeURIComponent(id)}`),
	taskWhy: (id: string) => get(`${SIM}/decisions/tasks/${encodeURIComponent(id)}`),
	weight: (role: string, weight: number) =>
		post("/api/v1", { type: "UPDATE_WEIGHTS", update_weights: { weight_infos: [{ role, weight }] } }),
	quota: (role: string, limits: Record<string, number>) =>
		post("/api/v1", {
			type: "UPDATE_QUOTA",
			update_quota: {
				quota_configs: [
					{ role, limits: Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, { value: v }])) },
				],
			},
		}),
};

/** Runs a control call and shows its outcome in the page's status line. */
export async function run(what: string, call: () => Promise<unknown>): Promise<boolean> {
	const line = document.getElementById("status-line");
	try {
		await call();
		if (line !== null) {
			line.textContent = `${what}: done`;
			line.className = "ok";
		}
		return true;
	} catch (err) {
		if (line !== null) {
			line.textContent = `${what}: ${(err as Error).message}`;
			line.className = "error";
		}
		return false;
	}
}
