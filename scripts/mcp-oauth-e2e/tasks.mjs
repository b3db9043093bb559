// tasks.mjs — course generation as MCP tasks (protocol 2025-11-25) through the official
// TypeScript MCP SDK's client.experimental.tasks, against learnd's /mcp with API keys
// (tools/e2e_mcp_tasks_test.go checks what it prints).
//
// usage: node tasks.mjs <mcp endpoint> <key> <other person's key> <another replica's endpoint>
// The server's generator finishes any prompt at once except one containing "HOLD", which
// runs until its job is cancelled. stdout: one JSON object with what each step saw.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";

const [endpoint, key, otherKey, replica] = process.argv.slice(2);

async function connect(k, url = endpoint) {
  // Strict: the SDK refuses a task-augmented call the server did not declare tasks for.
  const client = new Client({ name: "learnd-tasks-e2e", version: "1" }, { enforceStrictCapabilities: true });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { "X-MCP-Key": k } } }));
  return client;
}

// refused runs f and returns the error it threw as "code message", or "no error".
async function refused(f) {
  try {
    await f();
    return "no error";
  } catch (e) {
    return `${e.code} ${e.message}`;
  }
}

const out = {};
const client = await connect(key);
out.capabilities = client.getServerCapabilities();
const { tools } = await client.listTools(); // also teaches the client which tools are tasks
out.taskSupport = Object.fromEntries(tools.map((t) => [t.name, t.execution?.taskSupport ?? null]));

// 1. A task-augmented generation, followed to its end: tools/call with task → the
// task; tasks/get polled until completed; tasks/result → the tool's result.
const first = { statuses: [] };
for await (const m of client.experimental.tasks.callToolStream({
  name: "create_course_from_prompt",
  arguments: { prompt: "Forklift safety basics for warehouse staff", modules: 1 },
})) {
  if (m.type === "taskCreated") first.created = m.task;
  if (m.type === "taskStatus") first.statuses.push(m.task.status);
  if (m.type === "result") first.result = m.result;
  if (m.type === "error") first.error = `${m.error.code} ${m.error.message}`;
}
out.first = first;
const taskId = first.created?.taskId;
// The task is the job, not the session's: a session of the same key on another replica
// sees it.
const again = await connect(key, replica);
out.firstElsewhere = await again.experimental.tasks.getTask(taskId);
out.firstResultElsewhere = await again.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
await again.close();

// 2. A task cancelled while its job is being generated.
const second = {};
for await (const m of client.experimental.tasks.callToolStream(
  { name: "create_course_from_prompt", arguments: { prompt: "HOLD: scaffolding inspection", modules: 1 } },
  undefined,
  { task: { ttl: 60000 } },
)) {
  if (m.type === "taskCreated") {
    second.created = m.task;
    break; // polled by hand below
  }
  if (m.type === "error") second.error = `${m.error.code} ${m.error.message}`;
}
const heldId = second.created?.taskId;
for (let i = 0; i < 200; i++) { // until a worker generates it (statusMessage of a running job)
  second.running = await client.experimental.tasks.getTask(heldId);
  if (second.running.statusMessage?.startsWith("Generating")) break;
  await new Promise((r) => setTimeout(r, 100));
}
second.cancelled = await client.experimental.tasks.cancelTask(heldId);
second.after = await client.experimental.tasks.getTask(heldId);
second.result = await client.experimental.tasks.getTaskResult(heldId, CallToolResultSchema);
second.cancelAgain = await refused(() => client.experimental.tasks.cancelTask(heldId));
out.second = second;

// 3. Another person's key sees neither task, nor lists them.
const other = await connect(otherKey);
out.other = {
  get: await refused(() => other.experimental.tasks.getTask(taskId)),
  result: await refused(() => other.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)),
  cancel: await refused(() => other.experimental.tasks.cancelTask(heldId)),
  list: (await other.experimental.tasks.listTasks()).tasks.map((t) => t.taskId),
};
await other.close();

// 4. A tool that does not support tasks, called as one; the generation tool called
// without task (today's behaviour: a jobId to poll).
out.forbidden = await refused(async () => {
  for await (const m of client.experimental.tasks.callToolStream(
    { name: "get_course_generation_status", arguments: { jobId: taskId } },
    undefined,
    { task: {} },
  )) {
    if (m.type === "error") throw m.error;
  }
});
out.plain = (await client.callTool({ name: "create_course_from_prompt", arguments: { prompt: "Ladder safety", modules: 1 } })).structuredContent;
out.status = (await client.callTool({ name: "get_course_generation_status", arguments: { jobId: taskId } })).structuredContent;
// 5. tasks/list: the key's person's tasks (every generation job of theirs), newest first.
out.list = (await client.experimental.tasks.listTasks()).tasks.map((t) => `${t.taskId} ${t.status}`);
await client.close();
console.log(JSON.stringify(out));
