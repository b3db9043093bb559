#!/usr/bin/env node
// oauth.mjs — connect the official TypeScript MCP SDK's OAuth client to learnd's /mcp by
// URL alone, the way Claude or another MCP client does, with the consent page driven in
// headless Chromium the way a person would:
//
//   discovery (the 401 of /mcp → protected resource metadata → authorization server
//   metadata) → dynamic client registration → authorization with PKCE → the consent page:
//   paste an API key, Approve → the code at our loopback redirect → token exchange →
//   tools/list and two tool calls as the person → refresh with rotation → the rotated
//   refresh token is refused.
//
//   node oauth.mjs <mcpURL> <apiKey> <learnerName> <learnerId> <screenshotPath>
//
// Success: prints one JSON summary line and exits 0, the consent page screenshotted as the
// person was about to approve. Failure: the reason on stderr, exit 1 (2 for bad usage),
// the page screenshotted as it was then. Bounded under 90 s.
//
// The browser is Debian's Chromium ($CHROMIUM_PATH, default /usr/bin/chromium;
// scripts/ensure-browser.sh installs it, and the packages here).
import { createServer } from "node:http";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { chromium } from "playwright-core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  UnauthorizedError,
  auth,
  refreshAuthorization,
  discoverAuthorizationServerMetadata,
} from "@modelcontextprotocol/sdk/client/auth.js";

const OVERALL_MS = 85_000;
const STEP_MS = 20_000;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const CLIENT_NAME = "learnd e2e (TypeScript MCP SDK)";

const [mcpArg, apiKey, learnerName, learnerId, shotArg] = process.argv.slice(2);
if (!mcpArg || !apiKey || !learnerName || !learnerId || !shotArg) {
  process.stderr.write("usage: node oauth.mjs <mcpURL> <apiKey> <learnerName> <learnerId> <screenshotPath>\n");
  process.exit(2);
}
const mcpURL = new URL(mcpArg);
const screenshot = resolve(shotArg);
mkdirSync(dirname(screenshot), { recursive: true });
const step = (msg) => {
  if (process.env.OAUTH_E2E_VERBOSE) process.stderr.write(`mcp-oauth-e2e: ${msg}\n`);
};

let browser;
let page;
let callback;
let shot = false; // the consent page is screenshotted before Approve
const summary = {};

// The client's loopback redirect: the code arrives here (RFC 8252).
let gotCode;
const codeArrived = new Promise((res, rej) => {
  gotCode = { res, rej };
});
function listen() {
  return new Promise((res) => {
    callback = createServer((req, resp) => {
      const u = new URL(req.url, "http://127.0.0.1");
      if (u.pathname !== "/callback") {
        resp.writeHead(404).end();
        return;
      }
      resp.writeHead(200, { "Content-Type": "text/plain" }).end("learnd e2e: you may close this window");
      if (u.searchParams.get("error")) gotCode.rej(new Error(`authorization refused: ${u.searchParams.get("error")}`));
      else gotCode.res({ code: u.searchParams.get("code"), state: u.searchParams.get("state") });
    });
    callback.listen(0, "127.0.0.1", () => res(`http://127.0.0.1:${callback.address().port}/callback`));
  });
}

// An in-memory OAuthClientProvider whose redirectToAuthorization is the person in the browser.
class Provider {
  constructor(redirectUrl) {
    this.redirectUrl = redirectUrl;
    this._state = Math.random().toString(36).slice(2);
  }
  get clientMetadata() {
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() { return this._state; }
  clientInformation() { return this._client; }
  saveClientInformation(c) { this._client = c; summary.clientId = c.client_id; }
  tokens() { return this._tokens; }
  saveTokens(t) { this._tokens = t; }
  saveCodeVerifier(v) { this._verifier = v; }
  codeVerifier() { return this._verifier; }
  discoveryState() { return this._discovery; }
  saveDiscoveryState(d) { this._discovery = d; }
  async redirectToAuthorization(url) {
    step(`authorize: ${url}`);
    summary.authorizeParams = Object.fromEntries(["resource", "scope", "code_challenge_method"].map((k) => [k, url.searchParams.get(k)]));
    await page.goto(url.href, { timeout: STEP_MS });
    await page.waitForSelector("#approve", { timeout: STEP_MS });
    summary.consent = {
      url: page.url().split("?")[0],
      client: (await page.textContent("#client-name")).trim(),
      redirectHost: (await page.textContent("#redirect-host")).trim(),
      scopes: await page.$$eval("#scopes li", (lis) => lis.map((li) => li.dataset.scope)),
    };
    await page.fill("#api_key", apiKey);
    await page.screenshot({ path: screenshot, fullPage: true });
    shot = true;
    await page.click("#approve");
  }
}

function text(result) {
  return (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
}

async function connect(provider) {
  const client = new Client({ name: "learnd-oauth-e2e", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(mcpURL, { authProvider: provider }));
  return client;
}

async function run() {
  const redirect = await listen();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: STEP_MS,
  });
  page = await (await browser.newContext()).newPage();
  const provider = new Provider(redirect);

  // 1. By URL alone: the first connection is refused (401), the SDK discovers, registers
  // and sends the person to the consent page.
  step("connect without credentials");
  let first = new Client({ name: "learnd-oauth-e2e", version: "1" });
  const transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
  try {
    await first.connect(transport);
    throw new Error("connected without authorization");
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  const { code, state } = await Promise.race([
    codeArrived,
    new Promise((_, rej) => setTimeout(() => rej(new Error("no code at the redirect URI")), STEP_MS)),
  ]);
  if (state !== provider._state) throw new Error(`state ${state}, want ${provider._state}`);
  await transport.finishAuth(code);
  const firstTokens = provider.tokens();
  summary.tokenScope = firstTokens.scope;
  summary.hasRefreshToken = !!firstTokens.refresh_token;

  // 2. Tools as the person.
  step("connect with the access token");
  const client = await connect(provider);
  const listed = await client.listTools();
  summary.tools = listed.tools.map((t) => t.name).sort();
  const found = await client.callTool({ name: "find_user", arguments: { query: learnerName, limit: 5 } });
  if (found.isError) throw new Error(`find_user: ${text(found)}`);
  summary.foundUsers = (found.structuredContent?.users ?? []).map((u) => u.id);
  // ban_user needs confirmation: this client takes no elicitation, so a dry run, then
  // the call with its plan hash.
  const plan = await client.callTool({ name: "ban_user", arguments: { userId: learnerId, dryRun: true } });
  if (plan.isError || !plan.structuredContent?.planHash) throw new Error(`ban_user dry run: ${text(plan)}`);
  const banned = await client.callTool({ name: "ban_user", arguments: { userId: learnerId, planHash: plan.structuredContent.planHash } });
  if (banned.isError) throw new Error(`ban_user: ${text(banned)}`);
  summary.banned = banned.structuredContent?.status;
  await client.close();

  // 3. Refresh with rotation, through the SDK's auth(): the new pair replaces the old.
  step("refresh");
  const oldRefresh = firstTokens.refresh_token;
  const result = await auth(provider, { serverUrl: mcpURL });
  const rotated = provider.tokens();
  summary.refresh = {
    result,
    rotated: !!rotated.refresh_token && rotated.refresh_token !== oldRefresh,
    newAccess: rotated.access_token !== firstTokens.access_token,
  };
  const again = await connect(provider);
  const unbanned = await again.callTool({ name: "get_user", arguments: { userId: learnerId } });
  if (unbanned.isError) throw new Error(`get_user after refresh: ${text(unbanned)}`);
  summary.afterRefresh = unbanned.structuredContent?.status;
  await again.close();

  // 4. The rotated refresh token is refused.
  const asURL = new URL(provider.discoveryState().authorizationServerUrl);
  const metadata = await discoverAuthorizationServerMetadata(asURL);
  try {
    await refreshAuthorization(asURL, {
      metadata,
      clientInformation: provider.clientInformation(),
      refreshToken: oldRefresh,
      resource: new URL(mcpURL.href),
    });
    summary.oldRefreshRefused = false;
  } catch (e) {
    summary.oldRefreshRefused = e.errorCode ?? e.constructor?.errorCode ?? e.name ?? String(e);
  }
}

const timer = setTimeout(() => {
  process.stderr.write(`mcp-oauth-e2e: timed out after ${OVERALL_MS} ms\n`);
  finish(1);
}, OVERALL_MS);

async function finish(code) {
  clearTimeout(timer);
  try {
    if (page && (code !== 0 || !shot)) await page.screenshot({ path: screenshot, fullPage: true });
  } catch {}
  try {
    if (browser) await browser.close();
  } catch {}
  callback?.close();
  process.exit(code);
}

run().then(
  async () => {
    process.stdout.write(JSON.stringify(summary) + "\n");
    await finish(0);
  },
  async (e) => {
    process.stderr.write(`mcp-oauth-e2e: ${e?.stack ?? e}\n`);
    process.stderr.write(`summary so far: ${JSON.stringify(summary)}\n`);
    await finish(1);
  },
);
