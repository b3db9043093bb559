#!/usr/bin/env node
// explorer.mjs — drive the learnd API explorer (/docs) in headless Chromium the
// way a person would: open it, paste a bearer token into the Authorize dialog,
// "Try it out" on GET /api/v1/learning/cohorts, Execute, and check the live
// response is a 200 that lists a cohort.
//
//   node explorer.mjs <baseURL> <bearerToken> <screenshotPath>
//
// Success: prints {"status":200,"found":true,"screenshot":"…"} and exits 0.
// Failure: still saves the screenshot, prints the reason to stderr, exits 1
// (2 for bad usage). The whole run is bounded well under 60 s.
//
// The browser is Debian's Chromium ($CHROMIUM_PATH, default /usr/bin/chromium;
// scripts/ensure-browser.sh installs it and playwright-core). Requests to any
// origin other than <baseURL> are blocked and fail the check, as do CSP
// violations and uncaught page errors: the explorer must be self-contained.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

const OVERALL_MS = 55_000; // hard ceiling for the whole run
const STEP_MS = 15_000; // any single wait
const OPERATION = "#operations-Cohorts-listCohorts"; // deepLinking id: tag + operationId
// Operations whose code samples are checked: a v1 list, a v2 create with a body, a delete.
const SAMPLE_OPERATIONS = [
  ["get", "/api/v1/learning/cohorts"],
  ["post", "/api/v2/courses/{courseId}/assignments/users"],
  ["delete", "/api/v2/users/banned/{userId}"],
];
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const [baseArg, token, shotArg] = process.argv.slice(2);
if (!baseArg || !token || !shotArg) {
  process.stderr.write("usage: node explorer.mjs <baseURL> <bearerToken> <screenshotPath>\n");
  process.exit(2);
}
let base;
try {
  base = new URL(baseArg);
} catch {
  process.stderr.write(`explorer-e2e: not a URL: ${baseArg}\n`);
  process.exit(2);
}
const docsURL = new URL("/docs/", base).href;
const screenshot = resolve(shotArg);
mkdirSync(dirname(screenshot), { recursive: true });

let browser;
let page;
let finished = false;
const problems = []; // things seen along the way that fail the check
const step = (msg) => {
  if (process.env.EXPLORER_E2E_VERBOSE) process.stderr.write(`explorer-e2e: ${msg}\n`);
};

async function saveScreenshot() {
  if (!page) return false;
  try {
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 });
    return true;
  } catch (err) {
    process.stderr.write(`explorer-e2e: could not save screenshot: ${err.message}\n`);
    return false;
  }
}

async function fail(reason) {
  if (finished) return;
  finished = true;
  const saved = await saveScreenshot();
  process.stderr.write(`explorer-e2e: FAIL: ${String(reason).replace(/\x1b\[[0-9;]*m/g, "")}\n`);
  for (const p of problems) process.stderr.write(`explorer-e2e:   also: ${p}\n`);
  if (saved) process.stderr.write(`explorer-e2e: screenshot: ${screenshot}\n`);
  await closeBrowser();
  process.exit(1);
}

async function closeBrowser() {
  if (!browser) return;
  await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
}

const watchdog = setTimeout(() => {
  fail(`run exceeded ${OVERALL_MS / 1000} s`);
}, OVERALL_MS);
watchdog.unref();

async function run() {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  step(`launching ${executablePath}`);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: STEP_MS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);

  // Everything must come from the server under test.
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.origin === base.origin) {
      return route.continue();
    }
    problems.push(`blocked request to another origin: ${url.origin}${url.pathname}`);
    return route.abort("blockedbyclient");
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) {
      problems.push(`CSP violation: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`uncaught page error: ${err.message}`));

  step(`opening ${docsURL}`);
  const res = await page.goto(docsURL, { waitUntil: "domcontentloaded" });
  if (!res || res.status() !== 200) {
    throw new Error(`GET ${docsURL} answered ${res ? res.status() : "nothing"}`);
  }
  const csp = res.headers()["content-security-policy"] || "";
  if (!csp.includes("default-src 'self'")) {
    problems.push(`/docs/ has no strict Content-Security-Policy (got ${JSON.stringify(csp)})`);
  }

  // The UI is up when the operation from the spec is rendered.
  const op = page.locator(OPERATION);
  await Promise.race([
    op.waitFor({ state: "visible" }),
    page
      .locator("#explorer-error:not([hidden]), .swagger-ui .errors-wrapper")
      .first()
      .waitFor({ state: "visible" })
      .then(async () => {
        const text = await page.locator("#explorer-error, .swagger-ui .errors-wrapper").first().innerText();
        throw new Error(`the explorer shows an error: ${text.trim().slice(0, 300)}`);
      }),
  ]);

  step("authorizing through the dialog");
  await page.locator(".swagger-ui .auth-wrapper button.authorize").click();
  const dialog = page.locator(".swagger-ui .dialog-ux .modal-ux");
  await dialog.waitFor({ state: "visible" });
  const container = dialog.locator(".auth-container").filter({ hasText: "bearerAuth" });
  const field = container.locator("input#auth-bearer-value, input[aria-label='auth-bearer-value']").first();
  await field.click();
  await field.pressSequentially(token);
  await container.locator("button.authorize[type='submit'], button.authorize").first().click();
  // Authorized: the value is masked and a Logout button appears.
  await container.locator("button", { hasText: "Logout" }).waitFor({ state: "visible" });
  await dialog.locator("button.btn-done").first().click();
  await dialog.waitFor({ state: "hidden" });

  step("expanding GET /api/v1/learning/cohorts");
  const summary = op.locator("button.opblock-summary-control");
  if ((await summary.getAttribute("aria-expanded")) !== "true") {
    await summary.click();
  }
  const tryOut = op.locator("button.try-out__btn");
  await tryOut.waitFor({ state: "visible" });
  if (!(await tryOut.evaluate((b) => b.classList.contains("cancel")))) {
    await tryOut.click(); // "Try it out"
    await op.locator("button.try-out__btn.cancel").waitFor({ state: "visible" });
  } // else tryItOutEnabled already put the operation in try-it-out mode

  step("executing");
  await op.locator("button.execute").click();
  const row = op.locator(".live-responses-table tr.response").first();
  await row.waitFor({ state: "visible" });

  const statusText = (await row.locator("td.response-col_status").innerText()).trim();
  const status = Number.parseInt(statusText, 10);
  const bodyBlock = row.locator("td.response-col_description .highlight-code pre").first();
  const body = (await bodyBlock.count()) ? await bodyBlock.innerText() : await row.locator("td.response-col_description").innerText();
  const found = body.includes('"coh_');

  await op.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot, fullPage: true, timeout: STEP_MS });

  // Code samples (x-codeSamples: curl and the Go SDK) of three operations of different kinds.
  const samples = [];
  for (const [method, path] of SAMPLE_OPERATIONS) {
    step(`code samples of ${method.toUpperCase()} ${path}`);
    const block = page
      .locator(`.opblock.opblock-${method}`)
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
      .first();
    await block.scrollIntoViewIfNeeded();
    const control = block.locator("button.opblock-summary-control");
    if ((await control.getAttribute("aria-expanded")) !== "true") {
      await control.click();
    }
    const box = block.locator(".code-samples");
    await box.waitFor({ state: "visible" });
    const curl = await box.locator(".code-sample[data-lang='Shell'] pre").innerText();
    const go = await box.locator(".code-sample[data-lang='Go'] pre").innerText();
    const literal = path.split("{")[0];
    if (!curl.includes(`curl -s -X ${method.toUpperCase()} "$LEARND_URL${literal}`)) {
      throw new Error(`the curl sample of ${method} ${path} does not call it: ${curl.slice(0, 300)}`);
    }
    if (!go.includes("sdk.New(") || !/c\.[A-Za-z]+\.[A-Za-z]+\.[A-Za-z]+\(ctx/.test(go)) {
      throw new Error(`the Go sample of ${method} ${path} calls no SDK method: ${go.slice(0, 300)}`);
    }
    samples.push({ method, path, curl, go });
  }

  if (status !== 200) {
    throw new Error(`live response status is ${JSON.stringify(statusText)}, want 200; body: ${body.trim().slice(0, 300)}`);
  }
  if (!found) {
    throw new Error(`live response body has no cohort id ("coh_…): ${body.trim().slice(0, 300)}`);
  }
  if (problems.length) {
    throw new Error(problems.shift());
  }
  return { status, found, screenshot, samples };
}

try {
  const summary = await run();
  finished = true;
  clearTimeout(watchdog);
  await closeBrowser();
  process.stdout.write(JSON.stringify(summary) + "\n");
  process.exit(0);
} catch (err) {
  await fail(err && err.message ? err.message : String(err));
}
