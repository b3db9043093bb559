#!/usr/bin/env node
// features.mjs — the official TypeScript MCP SDK against learnd's /mcp with an API key:
// progress notifications during an upload and a generation, resource templates, reads
// and a subscription (resources/updated when a generation completes), and the prompts.
//
//   node features.mjs <mcpURL> <apiKey> <documentPath> <courseId>
//
// Success: prints one JSON summary line and exits 0. Failure: the reason on stderr,
// exit 1 (2 for bad usage). Bounded under 100 s.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const OVERALL_MS = 100_000;
const CALL = { timeout: 90_000 };

const [url, key, docPath, courseId] = process.argv.slice(2);
if (!url || !key || !docPath || !courseId) {
  console.error("usage: node features.mjs <mcpURL> <apiKey> <documentPath> <courseId>");
  process.exit(2);
}
setTimeout(() => {
  console.error(`features.mjs: gave up after ${OVERALL_MS} ms`);
  process.exit(1);
}, OVERALL_MS).unref();

function fail(msg) {
  throw new Error(msg);
}

async function main() {
  const client = new Client({ name: "learnd features e2e (TypeScript MCP SDK)", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { "X-MCP-Key": key } },
  });
  const updated = [];
  let onUpdate = () => {};
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updated.push(n.params.uri);
    onUpdate();
  });
  await client.connect(transport);
  const out = { capabilities: client.getServerCapabilities() };

  // Prompts.
  out.prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
  const prompt = await client.getPrompt({ name: "compliance_audit_report", arguments: { courseId } });
  out.promptMessages = prompt.messages.map((m) => m.content.type);
  out.promptText = prompt.messages[0].content.text;

  // Resources.
  out.templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  const course = await client.readResource({ uri: `learnd://courses/${courseId}` });
  out.course = course.contents.map((c) => ({ mimeType: c.mimeType, text: c.text }));
  const report = await client.readResource({ uri: `learnd://reports/compliance/${courseId}` });
  out.report = report.contents[0].text;

  // An upload with progress.
  const progress = { upload: [], generation: [] };
  const data = readFileSync(docPath).toString("base64");
  const up = await client.callTool(
    { name: "upload_source_material", arguments: { contentBase64: data, filename: basename(docPath) } },
    undefined,
    { ...CALL, onprogress: (p) => progress.upload.push(p) },
  );
  if (up.isError) fail(`upload_source_material: ${JSON.stringify(up.content)}`);
  out.upload = up.structuredContent;

  // A generation awaited with progress.
  const gen = await client.callTool(
    {
      name: "create_course_from_files",
      arguments: { prompt: "A short course on the uploaded document for operators", sessionId: up.structuredContent.sessionId, modules: 2 },
    },
    undefined,
    { ...CALL, onprogress: (p) => progress.generation.push(p) },
  );
  if (gen.isError) fail(`create_course_from_files: ${JSON.stringify(gen.content)}`);
  out.generation = gen.structuredContent;
  out.progress = progress;

  // A generation without progress, subscribed to as a resource.
  const queued = await client.callTool({ name: "create_course_from_prompt", arguments: { prompt: "Ladder safety refresher", modules: 1 } });
  if (queued.isError) fail(`create_course_from_prompt: ${JSON.stringify(queued.content)}`);
  out.queued = queued.structuredContent;
  const uri = `learnd://generations/${queued.structuredContent.jobId}`;
  const done = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no resources/updated for ${uri} within 60 s`)), 60_000);
    onUpdate = () => {
      if (updated.includes(uri)) {
        clearTimeout(t);
        resolve();
      }
    };
  });
  await client.subscribeResource({ uri });
  await done;
  out.updated = updated;
  out.generationResource = (await client.readResource({ uri })).contents[0].text;
  await client.unsubscribeResource({ uri });
  try {
    await client.subscribeResource({ uri: "learnd://courses/crs_01h455vb4pex5vsknk084sn02q" });
    out.missingSubscribe = "accepted";
  } catch (e) {
    out.missingSubscribe = `refused: ${e.message}`;
  }

  await client.close();
  console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`features.mjs: ${e?.stack || e}`);
    process.exit(1);
  },
);
