#!/usr/bin/env node
// safe.mjs — the official TypeScript MCP SDK against learnd's /mcp (an API key, Streamable
// HTTP) for issue 12's safe writes and complete text:
//
//   1. assign_training as a dry run (nothing stored, a plan hash), then the write confirmed
//      with that plan hash;
//   2. ban_user from a client that takes elicitation: the server asks, the client accepts;
//   3. get_audit_log with includeChanges: its text carries the changes.
//
//   node safe.mjs <mcpURL> <apiKey> <courseId> <learnerId> <dueAtUnix>
//
// Prints one JSON summary line and exits 0; on failure, the reason on stderr and exit 1.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [mcpURL, key, courseId, learnerId, dueAt] = process.argv.slice(2);
if (!dueAt) {
  console.error("usage: node safe.mjs <mcpURL> <apiKey> <courseId> <learnerId> <dueAtUnix>");
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error("safe.mjs: timed out");
  process.exit(1);
}, 60_000);

function text(result) {
  return (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
}

async function connect(elicit) {
  const client = new Client({ name: "learnd-safe-e2e", version: "1" }, elicit ? { capabilities: { elicitation: {} } } : {});
  if (elicit) client.setRequestHandler(ElicitRequestSchema, elicit);
  const transport = new StreamableHTTPClientTransport(new URL(mcpURL), { requestInit: { headers: { "X-MCP-Key": key } } });
  await client.connect(transport);
  return client;
}

async function run() {
  const summary = {};
  // 1. A dry run, then the write with its plan hash (this client takes no elicitation).
  const plain = await connect(null);
  const args = { courseId, userId: learnerId, dueAt: Number(dueAt) };
  const dry = await plain.callTool({ name: "assign_training", arguments: { ...args, dryRun: true } });
  if (dry.isError) throw new Error(`assign_training dry run: ${text(dry)}`);
  summary.dryRun = { text: text(dry), structured: dry.structuredContent };
  const done = await plain.callTool({ name: "assign_training", arguments: { ...args, planHash: dry.structuredContent.planHash } });
  if (done.isError) throw new Error(`assign_training confirmed: ${text(done)}`);
  summary.confirmed = { text: text(done), structured: done.structuredContent };
  // Without confirmation, ban_user shows the plan and refuses.
  const refused = await plain.callTool({ name: "ban_user", arguments: { userId: learnerId } });
  summary.banRefused = { isError: !!refused.isError, text: text(refused) };
  await plain.close();

  // 2. A client that takes elicitation: asked, it accepts.
  summary.asked = [];
  const eliciting = await connect(async (req) => {
    summary.asked.push(req.params.message);
    return { action: "accept", content: { confirm: true } };
  });
  const banned = await eliciting.callTool({ name: "ban_user", arguments: { userId: learnerId } });
  if (banned.isError) throw new Error(`ban_user with elicitation: ${text(banned)}`);
  summary.banned = banned.structuredContent?.status;

  // 3. The audit log's text carries the changes.
  const today = new Date().toISOString().slice(0, 10);
  const audit = await eliciting.callTool({ name: "get_audit_log", arguments: { from: today, to: today, includeChanges: true, limit: 250 } });
  if (audit.isError) throw new Error(`get_audit_log: ${text(audit)}`);
  summary.auditText = text(audit);
  await eliciting.close();
  return summary;
}

run().then(
  (summary) => {
    clearTimeout(timer);
    console.log(JSON.stringify(summary));
    process.exit(0);
  },
  (err) => {
    clearTimeout(timer);
    console.error(`safe.mjs: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
