#!/usr/bin/env node
// keyopts.mjs — the official TypeScript MCP SDK against learnd's /mcp (API keys, Streamable
// HTTP) for the per-key options of issue 12 and the exports as resource links:
//
//   1. a read-only key: its tool list, a write tool called anyway (ban_user), and
//      get_compliance_status with export: true, whose resource_link is read back;
//   2. a pseudonymising key: find_user, list_assignments and get_compliance_status (text
//      and structured content), the same export refused, and its resource templates.
//
//   node keyopts.mjs <mcpURL> <readOnlyKey> <pseudonymisingKey> <learnerId> <courseId> <groupId>
//
// Prints one JSON summary line and exits 0; on failure, the reason on stderr and exit 1
// (2 for bad usage). The Go test (tools/e2e_mcp_keyopts_sdk_test.go) judges the summary.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [mcpURL, readOnlyKey, pseudoKey, learnerId, courseId, groupId] = process.argv.slice(2);
if (!groupId) {
  console.error("usage: node keyopts.mjs <mcpURL> <readOnlyKey> <pseudonymisingKey> <learnerId> <courseId> <groupId>");
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error("keyopts.mjs: timed out");
  process.exit(1);
}, 60_000);

function text(result) {
  return (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
}

async function connect(key) {
  const client = new Client({ name: "learnd-keyopts-e2e", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(mcpURL), { requestInit: { headers: { "X-MCP-Key": key } } });
  await client.connect(transport);
  return client;
}

// call is a tool's result as the summary shows it; a call the server refuses as a
// protocol error (an unknown tool) is { threw: message }.
async function call(client, name, args) {
  try {
    const r = await client.callTool({ name, arguments: args });
    return {
      isError: !!r.isError,
      text: text(r),
      structured: r.structuredContent ?? null,
      types: (r.content ?? []).map((c) => c.type),
      links: (r.content ?? []).filter((c) => c.type === "resource_link"),
    };
  } catch (e) {
    return { threw: String(e?.message ?? e) };
  }
}

async function run() {
  const summary = {};

  // 1. A read-only key.
  const ro = await connect(readOnlyKey);
  summary.readOnly = {
    tools: (await ro.listTools()).tools.map((t) => t.name).sort(),
    write: await call(ro, "ban_user", { userId: learnerId }),
    export: await call(ro, "get_compliance_status", { courseId, export: true }),
  };
  const link = summary.readOnly.export.links[0];
  if (!link) throw new Error(`no resource_link: ${JSON.stringify(summary.readOnly.export)}`);
  const read = await ro.readResource({ uri: link.uri });
  summary.readOnly.resource = read.contents.map((c) => ({ uri: c.uri, mimeType: c.mimeType, text: c.text }));
  await ro.close();

  // 2. A pseudonymising key.
  const ps = await connect(pseudoKey);
  summary.pseudo = {
    findUser: await call(ps, "find_user", { query: "" }),
    listAssignments: await call(ps, "list_assignments", { groupId }),
    compliance: await call(ps, "get_compliance_status", { courseId }),
    export: await call(ps, "get_compliance_status", { courseId, export: true }),
    templates: (await ps.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate),
  };
  await ps.close();

  console.log(JSON.stringify(summary));
}

run()
  .then(() => {
    clearTimeout(timer);
    process.exit(0);
  })
  .catch((e) => {
    console.error(`keyopts.mjs: ${e?.stack ?? e}`);
    process.exit(1);
  });
