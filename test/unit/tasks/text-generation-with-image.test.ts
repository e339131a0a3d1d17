import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { sniffImageMime } from "../../../src/tasks/text-generation/image-url.js";
import { TextGenerationWithImage } from "../../../src/tasks/text-generation/text-generation-with-image.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "../llms/support/llm-context.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const PHOTO = "https://example.com/photos/boardwalk.jpg";
/** The first bytes of real files, base64-encoded. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const JPEG_BASE64 = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP";
const GIF_BASE64 = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
const WEBP_BASE64 = btoa("RIFF\u0024\u0000\u0000\u0000WEBPVP8 ");

describe("TextGenerationWithImage", () => {
  it("sends the rendered text and the image URL as content parts of one user message", () => {
    const task = new TextGenerationWithImage({ llm: scripted(), systemPrompt: "You describe photos." });
    expect(task.formatInput({ instruction: "What is in this image?", image: PHOTO })).toEqual([
      { role: "system", content: "You describe photos." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: PHOTO } },
        ],
      },
    ]);
    expect(task.inputs).toEqual({ instruction: true, system_prompt: false, image: true });
    expect(task.getOutputs()).toEqual(["generation", "model_name", "distilabel_metadata"]);
  });

  it("renders a custom template over its columns, and a row's system_prompt wins", () => {
    const task = new TextGenerationWithImage({
      llm: scripted(),
      template: "Describe the {{ subject }} in this photo in {{ n }} words.",
      columns: ["subject", "n"],
      systemPrompt: "default",
    });
    const row = { subject: "bridge", n: 10, image: PHOTO, system_prompt: "Be poetic." };
    expect(task.renderPrompt(row)).toBe(`[system]\nBe poetic.\n\n[user]\nDescribe the bridge in this photo in 10 words.\n<image ${PHOTO}>`);
    expect(task.inputs).toEqual({ subject: true, n: true, system_prompt: false, image: true });
  });

  it("turns base64 images into data URLs with the type their bytes show", () => {
    const task = new TextGenerationWithImage({ llm: scripted(), imageType: "base64" });
    const urlOf = (image: string): unknown => {
      const [message] = task.formatInput({ instruction: "Caption it.", image });
      return Array.isArray(message?.content) ? message.content[1] : undefined;
    };
    expect(urlOf(PNG_BASE64)).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } });
    expect(urlOf(JPEG_BASE64)).toEqual({ type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG_BASE64}` } });
    // Line-wrapped base64 (as `base64` tools print it) is joined back.
    expect(urlOf(`${GIF_BASE64.slice(0, 20)}\n${GIF_BASE64.slice(20)}`)).toEqual({
      type: "image_url",
      image_url: { url: `data:image/gif;base64,${GIF_BASE64}` },
    });
    // A value that is already a data URL is sent as it is.
    expect(urlOf(`data:image/png;base64,${PNG_BASE64}`)).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } });
  });

  it("sniffs JPEG, PNG, GIF and WebP, and falls back to JPEG as distilabel labels them", () => {
    expect([JPEG_BASE64, PNG_BASE64, GIF_BASE64, WEBP_BASE64, btoa("plain bytes here")].map(sniffImageMime)).toEqual([
      "image/jpeg",
      "image/png",
      "image/gif",
      "image/webp",
      "image/jpeg",
    ]);
  });

  it("refuses image_type 'PIL' with an option error that says what to use", () => {
    let error: unknown;
    try {
      new TextGenerationWithImage({ llm: scripted(), imageType: "PIL" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).details).toMatchObject({ field: "image_type", expected: "'url' or 'base64'" });
    expect((error as OptionError).message).toMatch(/image_type 'PIL' is not supported.*image_type 'url'.*image_type 'base64'/);
    expect(() => new TextGenerationWithImage({ llm: scripted(), imageType: "png" as "url" })).toThrow(/image_type/);
  });

  it("rejects columns and templates that do not match", () => {
    expect(() => new TextGenerationWithImage({ llm: scripted(), template: "{{ question }}", columns: "instruction" })).toThrow(
      /column 'instruction' is not used by the template/,
    );
    expect(() => new TextGenerationWithImage({ llm: scripted(), template: "{{ a }} {{ b }}", columns: ["a"] })).toThrow(/reads 'b', which is not in 'columns'/);
  });

  it("generates through the LLM, keeping the image parts as raw input", async () => {
    const task = new TextGenerationWithImage({ llm: scripted("A wooden boardwalk crosses a green meadow."), name: "vision" });
    const [row, ...rest] = await runBatch(task, [{ instruction: "What is in this image?", image: PHOTO }]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      instruction: "What is in this image?",
      image: PHOTO,
      generation: "A wooden boardwalk crosses a green meadow.",
      model_name: "scripted-model",
    });
    expect(metaOf(row)).toMatchObject({
      raw_output_vision: "A wooden boardwalk crosses a green meadow.",
      raw_input_vision: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            { type: "image_url", image_url: { url: PHOTO } },
          ],
        },
      ],
    });
  });

  it("gives rows with a missing, non-URL or non-base64 image null outputs and the reason, and keeps the others", async () => {
    const { context, logger } = loggedContext();
    const urls = new TextGenerationWithImage({ llm: scripted("ok"), name: "vision" });
    const rows = await runBatch(
      urls,
      [
        { instruction: "a", image: null },
        { instruction: "b", image: PNG_BASE64 },
        { instruction: "c", image: PHOTO },
      ],
      context,
    );
    expect(rows.map((r) => r.generation)).toEqual([null, null, "ok"]);
    expect(metaOf(rows[0]).error_vision).toBe("input 'image' must be a non-empty string (an image URL), got null");
    expect(metaOf(rows[1]).error_vision).toMatch(/must be an absolute URL .* use image_type 'base64'/);
    expect(logger.lines.filter((line) => line.includes("skipped a row"))).toHaveLength(2);

    const base64 = new TextGenerationWithImage({ llm: scripted("ok"), name: "b64", imageType: "base64" });
    const [bad] = await runBatch(base64, [{ instruction: "a", image: "not base64!" }]);
    expect(bad?.generation).toBeNull();
    expect(metaOf(bad).error_b64).toBe("input 'image' is not a base64 string (image_type is 'base64'), got a string of 11 characters");
  });

  it("round-trips through dump and the default registry", () => {
    const task = new TextGenerationWithImage({ llm: scripted(), imageType: "base64", template: "Caption: {{ hint }}", columns: "hint", name: "vision" });
    expect(task.dump()).toMatchObject({
      name: "vision",
      image_type: "base64",
      template: "Caption: {{ hint }}",
      columns: ["hint"],
      type_info: { name: "TextGenerationWithImage" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(TextGenerationWithImage);
    expect(loaded.dump()).toEqual(task.dump());
    const row = { hint: "a dog", image: PNG_BASE64 };
    expect(loaded.formatInput(row)).toEqual(task.formatInput(row));
  });
});

describe("TextGenerationWithImage with OpenAILLM", () => {
  const server = useFakeOpenAIServer();

  it("sends the image_url content part to the chat completions API as it is", async () => {
    const llm = new OpenAILLM({ model: "fake-vision", baseUrl: server.baseUrl });
    llm.retryTiming = FAST_RETRIES;
    const task = new TextGenerationWithImage({ llm, imageType: "base64", name: "vision" });
    const [row] = await runBatch(task, [{ instruction: "Describe the image.", image: PNG_BASE64 }], llmContext());
    expect(typeof row?.generation).toBe("string");
    const [request] = server.generationRequests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.body).toMatchObject({
      model: "fake-vision",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe the image." },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
          ],
        },
      ],
    });
  });
});
