/**
 * Authentication and the failover principal check (master/http/auth.ts,
 * scheduler.ts checkSubscriber): 401 with WWW-Authenticate when credentials
 * are required and missing or wrong, 403 when the principal is not the
 * framework's, and no takeover of another principal's framework.
 */
import { afterEach, describe, expect, it } from "vitest";
import { basicAuthorization } from "../../frameworks/sdk/http/transport.js";
import { parseCredentials } from "../../master/http/index.js";
import { cluster, JSON_HEADERS, subscribe, type TestCluster } from "./helpers.js";

let c: TestCluster | null = null;
afterEach(async () => {
	await c?.close();
	c = null;
});

const CREDENTIALS = new Map([
	["alice", "a-secret"],
	["bob", "b-secret"],
]);

function subscribeBody(info: Record<string, unknown>): string {
	const body: Record<string, unknown> = {
		type: "SUBSCRIBE",
		subscribe: { framework_info: { user: "u", name: "n", ...info } },
	};
	if (info.id !== undefined) body.framework_id = info.id;
	return JSON.stringify(body);
}

async function trySubscribe(tc: TestCluster, info: Record<string, unknown>, authorization?: string) {
	const res = await tc.app.inject({
		method: "POST",
		url: "/api/v1/scheduler",
		headers: {
			...JSON_HEADERS,
			accept: "application/json",
			...(authorization === undefined ? {} : { authorization }),
		},
		payload: subscribeBody(info),
		payloadAsStream: true,
	});
	let body = "";
	if (res.statusCode !== 200) for await (const chunk of res.stream()) body += String(chunk);
	else res.stream().destroy();
	return { status: res.statusCode, body, headers: res.headers };
}

describe("failover without authentication", () => {
	it("a subscriber naming another principal cannot take a framework over", async () => {
		c = await cluster();
		const owner = await subscribe(c.app, { principal: "alice", failover_timeout: 3600 });
		const hijack = await trySubscribe(c, { id: { value: owner.frameworkId }, principal: "mallory" });
		expect(hijack.status).toBe(403);
		expect(hijack.body).toContain("principal 'alice'");
		const none = await trySubscribe(c, { id: { value: owner.frameworkId } });
		expect(none.status).toBe(403);
		// The owner's own failover still works.
		const again = await trySubscribe(c, { id: { value: owner.frameworkId }, principal: "alice" });
		expect(again.status).toBe(200);
	});
});

describe("with --authenticate-frameworks", () => {
	const auth = { credentials: CREDENTIALS, frameworks: true, readwrite: true, readonly: false };

	it('401 without or with wrong credentials, with WWW-Authenticate: Basic realm="mesos"', async () => {
		c = await cluster({ app: { auth } });
		for (const authorization of [
			undefined,
			basicAuthorization("alice", "wrong"),
			basicAuthorization("eve", "x"),
			"Bearer t",
		]) {
			const r = await trySubscribe(c, { principal: "alice" }, authorization);
			expect(r.status).toBe(401);
			expect(r.headers["www-authenticate"]).toBe('Basic realm="mesos"');
		}
		expect(
			(await trySubscribe(c, { principal: "alice" }, basicAuthorization("alice", "a-secret"))).status,
		).toBe(200);
	});

	it("403 when FrameworkInfo names another principal, or another principal fails a framework over", async () => {
		c = await cluster({ app: { auth } });
		const alice = basicAuthorization("alice", "a-secret");
		const bob = basicAuthorization("bob", "b-secret");
		expect((await trySubscribe(c, { principal: "alice" }, bob)).status).toBe(403);
		const first = await trySubscribe(c, { principal: "alice", failover_timeout: 3600 }, alice);
		expect(first.status).toBe(200);
		const id = c.sim.master.frameworks[0]!.id;
		// Bob copies the id and the principal from /master/frameworks: still refused.
		const hijack = await trySubscribe(c, { id: { value: id }, principal: "alice" }, bob);
		expect(hijack.status).toBe(403);
		const hijack2 = await trySubscribe(c, { id: { value: id } }, bob);
		expect(hijack2.status).toBe(403);
		expect((await trySubscribe(c, { id: { value: id }, principal: "alice" }, alice)).status).toBe(200);
	});

	it("operator calls that change something need credentials; /master/health does not", async () => {
		c = await cluster({ app: { auth } });
		const teardown = JSON.stringify({ type: "TEARDOWN", teardown: { framework_id: { value: "x" } } });
		const post = (payload: string, authorization?: string) =>
			c!.app.inject({
				method: "POST",
				url: "/api/v1",
				headers: { ...JSON_HEADERS, ...(authorization === undefined ? {} : { authorization }) },
				payload,
			});
		const refused = await post(teardown);
		expect(refused.statusCode).toBe(401);
		expect(refused.headers["www-authenticate"]).toBe('Basic realm="mesos"');
		expect((await post(teardown, basicAuthorization("bob", "b-secret"))).statusCode).toBe(400); // unknown framework
		expect((await post(JSON.stringify({ type: "GET_HEALTH" }))).statusCode).toBe(200); // readonly not required
		expect((await c.app.inject({ method: "GET", url: "/master/health" })).statusCode).toBe(200);
	});
});

describe("credentials files (Mesos's formats)", () => {
	it("reads JSON and 'principal secret' lines, and names what is wrong", () => {
		expect(parseCredentials('{"credentials":[{"principal":"a","secret":"s"}]}')).toEqual(
			new Map([["a", "s"]]),
		);
		expect(parseCredentials("a s\nb t\n")).toEqual(
			new Map([
				["a", "s"],
				["b", "t"],
			]),
		);
		expect(() => parseCredentials('{"credentials":[{"principal":"a"}]}')).toThrow(
			/credentials\[0\]: 'secret'/,
		);
		expect(() => parseCredentials("a s\na t")).toThrow(/appears twice/);
		expect(() => parseCredentials("")).toThrow(/no credentials/);
	});
});
