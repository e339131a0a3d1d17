import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { behaviours } from "../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";

// Page code runs in the browser: its expressions are passed as strings (no DOM types in this project).
/** Debian's chromium (installed by .ci/run); playwright-core never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT = resolve(import.meta.dirname, "../../test-output");
const TOKEN = "page-test-token";

const llm = useFakeOpenAIServer({ delayMs: 150 });
let dev: WranglerDev;
let browser: BrowserContext;
let page: Page;
const apiRequests: Array<{ path: string; authorization: string | undefined }> = [];

beforeAll(async () => {
  // With API_TOKEN set the page must send the token itself, in the Authorization header.
  dev = await startWranglerDev({ vars: { OPENAI_BASE_URL: llm.baseUrl, API_TOKEN: TOKEN } });
  browser = await chromium.launchPersistentContext(tempDir("distilflare-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1360, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/v1/")) apiRequests.push({ path: url.pathname + url.search, authorization: request.headers().authorization });
  });
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

describe("the runs page in headless Chromium", () => {
  it("asks for the token, starts a run from its form, shows progress to 100%, the DAG and the rows", async () => {
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().includes("401")) pageErrors.push(message.text());
    });

    await page.goto(dev.url);
    await expect.poll(() => page.locator("#notice").textContent()).toContain("API token");

    await page.fill("#token", TOKEN);
    await page.selectOption("#token-keep", "memory");
    await page.click("#token-form button[type=submit]");
    await page.locator("#start-pipeline option[value=quickstart]").waitFor({ state: "attached" });
    await page.selectOption("#start-pipeline", "quickstart");
    await page.fill("#start-parameters", JSON.stringify({ text_generation: { llm: { generation_kwargs: { temperature: 0.2 } } } }));
    await page.uncheck("#start-use-cache");
    await page.click("#start-submit");
    await expect.poll(() => page.locator("#start-message").textContent()).toMatch(/^Started /);

    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const percent =
            (await page
              .locator("#run-percent")
              .textContent()
              .catch(() => null)) ?? "";
          seen.add(percent);
          return percent;
        },
        { timeout: 120_000, interval: 200 },
      )
      .toBe("100%");
    // The page showed the run on its way, not only its end.
    expect([...seen].filter((p) => /^\d+%$/.test(p) && p !== "100%").length).toBeGreaterThan(0);
    expect(await page.locator(".run-head .badge").first().textContent()).toBe("succeeded");
    await expect.poll(() => page.locator(".run-item.selected .badge").textContent()).toBe("succeeded");

    // The DAG: both steps, the edge between them, every node finished.
    const nodes = page.locator("svg.dag g.node");
    expect(await nodes.evaluateAll((gs) => gs.map((g) => [g.getAttribute("data-step"), g.getAttribute("class")]))).toEqual([
      ["load_dataset", "node status-finished"],
      ["text_generation", "node status-finished"],
    ]);
    expect(await page.locator("svg.dag path.edge").count()).toBe(1);

    // LLM usage: the stand-in's calls with their tokens, priced as gpt-4o-mini (temperature 0.2: nothing cached).
    expect(await page.locator("#run-usage").textContent()).toMatch(
      /^LLM: [1-9]\d* requests \(0 cached\) · [1-9]\d* input \/ [1-9]\d* output tokens · \$\d+\.\d{4}$/,
    );

    // The first rows of the leaf dataset, with the fake model's replies.
    const firstRow = page.locator(".preview[data-config=default] table.rows tbody tr").first();
    await firstRow.waitFor({ timeout: 30_000 });
    expect(await page.locator(".preview[data-config=default] table.rows tbody tr").count()).toBe(5);
    expect(await page.locator(".preview[data-config=default] table.rows").textContent()).toContain("echo:");
    expect(await page.locator(".preview .file-link").first().textContent()).toBe("00000.parquet");

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "runs-page.png"), fullPage: true });

    // Files open with the token: pipeline.yaml in the page's viewer.
    await page.click("a.file-link:text-is('pipeline.yaml')");
    await expect.poll(() => page.locator(".viewer-text").textContent()).toContain("name: quickstart");

    // Every API call after the token was entered carried it; nothing was stored.
    const afterToken = apiRequests.slice(apiRequests.findIndex((r) => r.authorization !== undefined));
    expect(afterToken.length).toBeGreaterThan(3);
    expect(afterToken.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(await page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")).toEqual([0, 0, ""]);
    expect(pageErrors).toEqual([]);
  });

  it("shows a run's failures with their messages", async () => {
    llm.always(behaviours.error(400, "the stand-in model refuses this prompt"));
    try {
      await page.fill("#start-parameters", "{}");
      await page.click("#start-submit");
      await expect.poll(() => page.locator("#start-message").textContent()).toMatch(/^Started /);
      const runId = ((await page.locator("#start-message").textContent()) ?? "").replace("Started ", "");
      const api = new ApiClient(dev.url, TOKEN);
      const run = await api.waitForRun(runId);
      const errors = run.errors as Array<{ step: string; code: string; message: string }>;
      expect(errors.length).toBeGreaterThan(0);
      await expect.poll(() => page.locator(".run-head .badge").first().textContent(), { timeout: 30_000 }).toBe(run.status);
      const failures = page.locator(".failures");
      expect(await failures.locator("h3").textContent()).toBe(`Failures (${run.error_count as number})`);
      const shown = await failures.locator("li").allTextContents();
      const generation = page.locator("tr.step[data-step=text_generation] td.num");
      expect(await generation.last().textContent()).toBe(String((run.steps as Record<string, { failed_rows: number }>).text_generation!.failed_rows));
      for (const error of errors)
        expect(shown.some((line) => line.startsWith(error.step) && line.includes(error.code) && line.endsWith(error.message))).toBe(true);
    } finally {
      llm.always(undefined);
    }
  });

  it("keeps the token across a reload only when the user chose to", async () => {
    await page.selectOption("#token-keep", "session");
    await page.click("#token-form button[type=submit]");
    expect(await page.evaluate("[localStorage.length, sessionStorage.getItem('distilflare-token')]")).toEqual([0, TOKEN]);
    await page.reload();
    expect(await page.inputValue("#token")).toBe(TOKEN);
    await page.click("#token-forget");
    expect(await page.evaluate("[localStorage.length, sessionStorage.length]")).toEqual([0, 0]);
  });
});
