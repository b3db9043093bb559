// fit.mjs — the official TypeScript MCP SDK's client against learnd's /mcp with API keys:
// the tool list each key's person sees, and notifications/tools/list_changed after a
// change the Go test (tools/e2e_mcp_fit_sdk_test.go) makes while the sessions are open.
//
// usage: node fit.mjs <mcp endpoint> <name>=<key>...
// stdout, one JSON object a line: {"event":"lists","tools":{"<name>":[…]}}, then
// {"event":"ready"}; for each line "<event> <name>" read on stdin (the Go test made the
// change), waits for list_changed on <name>'s session and prints
// {"event":"<event>","name":"<name>","tools":[…]}. Exits 0 when stdin ends.
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [endpoint, ...pairs] = process.argv.slice(2);
const sessions = {};

async function names(client) {
  const { tools } = await client.listTools();
  return tools.map((t) => t.name).sort();
}

for (const pair of pairs) {
  const [name, key] = pair.split("=");
  const client = new Client({ name: "learnd-fit-e2e", version: "1" });
  const s = { client, changed: 0, waiters: [] };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    s.changed++;
    for (const w of s.waiters.splice(0)) w();
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { "X-MCP-Key": key } } }));
  sessions[name] = s;
}

const lists = {};
for (const [name, s] of Object.entries(sessions)) lists[name] = await names(s.client);
console.log(JSON.stringify({ event: "lists", tools: lists }));
console.log(JSON.stringify({ event: "ready" }));

// The notifications each session has had read so far.
const seen = Object.fromEntries(Object.keys(sessions).map((n) => [n, 0]));

function changed(name) {
  const s = sessions[name];
  if (s.changed > seen[name]) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no notifications/tools/list_changed on ${name} within 20s`)), 20000);
    s.waiters.push(() => { clearTimeout(timer); resolve(); });
  });
}

for await (const line of createInterface({ input: process.stdin })) {
  const [event, name] = line.trim().split(/\s+/);
  if (!event) continue;
  await changed(name);
  seen[name] = sessions[name].changed;
  console.log(JSON.stringify({ event, name, tools: await names(sessions[name].client) }));
}
for (const s of Object.values(sessions)) await s.client.close();
