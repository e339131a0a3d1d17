import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { OptionError } from "../../../src/errors.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { testContext } from "../../support/test-context.js";
import {
  getTokenizer,
  knownTokenizers,
  regexWordsTokenizer,
  TruncateTextColumn,
  truncateTokens,
  whitespaceTokenizer,
} from "../../../src/steps/builtin/index.js";

const ctx = testContext();
const SAMPLE = "This is a sample text that is longer than 10 characters";

describe("tokenizers", () => {
  it("lists the built-in tokenizers and resolves them by name", () => {
    expect(knownTokenizers()).toEqual(["whitespace", "regex-words"]);
    expect(getTokenizer("whitespace")).toBe(whitespaceTokenizer);
    expect(getTokenizer("regex-words")).toBe(regexWordsTokenizer);
    expect(getTokenizer("gpt2")).toBeUndefined();
  });

  it("whitespace splits on any whitespace and joins with single spaces", () => {
    expect(whitespaceTokenizer.encode("  Hello,\tworld!\n\nBye ")).toEqual(["Hello,", "world!", "Bye"]);
    expect(whitespaceTokenizer.decode(["Hello,", "world!"])).toBe("Hello, world!");
    expect(whitespaceTokenizer.encode("")).toEqual([]);
  });

  it("regex-words splits words, numbers, punctuation and contractions with their leading space", () => {
    expect(regexWordsTokenizer.encode("Hello, world! It's 2024...")).toEqual(["Hello", ",", " world", "!", " It", "'s", " 2024", "..."]);
    expect(regexWordsTokenizer.encode("naïve café  ok")).toEqual(["naïve", " café", " ", " ok"]);
  });

  it("regex-words decodes back to the exact text", () => {
    const text = "Line one.\n\n  Line two: 3 items — done!\t";
    expect(regexWordsTokenizer.decode(regexWordsTokenizer.encode(text))).toBe(text);
  });

  it("truncateTokens keeps the first tokens", () => {
    expect(truncateTokens(whitespaceTokenizer, SAMPLE, 4)).toBe("This is a sample");
    expect(truncateTokens(regexWordsTokenizer, "Hello, world! Bye.", 3)).toBe("Hello, world");
    expect(truncateTokens(regexWordsTokenizer, "short", 10)).toBe("short");
  });
});

describe("TruncateTextColumn", () => {
  it("truncates by characters without a tokenizer (distilabel's docstring example)", async () => {
    const step = new TruncateTextColumn({ maxLength: 10, pipeline: null });
    const rows = await step.process(
      [
        [
          { text: SAMPLE, id: 1 },
          { text: "short", id: 2 },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { text: "This is a ", id: 1 },
      { text: "short", id: 2 },
    ]);
  });

  it("counts code points, as Python slices strings", async () => {
    const step = new TruncateTextColumn({ maxLength: 3, pipeline: null });
    const [row] = await step.process([[{ text: "🤔🤔🤔🤔" }]], ctx);
    expect(row?.text).toBe("🤔🤔🤔");
  });

  it("truncates by tokens with a tokenizer", async () => {
    const step = new TruncateTextColumn({ maxLength: 4, tokenizer: "whitespace", pipeline: null });
    const [row] = await step.process([[{ text: SAMPLE }]], ctx);
    expect(row?.text).toBe("This is a sample");
    const regex = new TruncateTextColumn({ maxLength: 4, tokenizer: "regex-words", pipeline: null });
    const [kept] = await regex.process([[{ text: "One, two, three." }]], ctx);
    expect(kept?.text).toBe("One, two,");
  });

  it("truncates the configured column only and leaves null values", async () => {
    const step = new TruncateTextColumn({ column: "generation", maxLength: 2, pipeline: null });
    expect(step.inputs).toEqual(["generation"]);
    expect(step.outputs).toEqual(["generation"]);
    const rows = await step.process([[{ generation: "abcdef", text: "abcdef" }, { generation: null }]], ctx);
    expect(rows).toEqual([{ generation: "ab", text: "abcdef" }, { generation: null }]);
  });

  it("uses distilabel's defaults: column 'text', 8192 characters", async () => {
    const step = new TruncateTextColumn({ pipeline: null });
    const long = "x".repeat(9000);
    const [row] = await step.process([[{ text: long }]], ctx);
    expect(row?.text).toBe("x".repeat(8192));
  });

  it("rejects an unknown tokenizer, listing the known ones", () => {
    const make = () => new TruncateTextColumn({ tokenizer: "meta-llama/Meta-Llama-3.1-8B-Instruct", name: "trunc", pipeline: null });
    expect(make).toThrow(OptionError);
    expect(make).toThrow(
      "Step 'trunc': unknown tokenizer 'meta-llama/Meta-Llama-3.1-8B-Instruct'; known tokenizers are: whitespace, regex-words (Hugging Face tokenizers are not available here)",
    );
  });

  it("rejects a negative max_length and fails on non-string values", async () => {
    expect(() => new TruncateTextColumn({ maxLength: -1, pipeline: null })).toThrow("invalid option 'max_length'");
    const step = new TruncateTextColumn({ name: "trunc", pipeline: null });
    await expect(step.process([[{ text: 42 }]], ctx)).rejects.toThrow("Step 'trunc': row 0, column 'text': expected a string to truncate, got a number (42)");
  });

  it("dumps snake_case attributes and round-trips", () => {
    const step = new TruncateTextColumn({ column: "generation", maxLength: 100, tokenizer: "whitespace", pipeline: null });
    expect(step.dump()).toMatchObject({
      name: "truncate_text_column_0",
      column: "generation",
      max_length: 100,
      tokenizer: "whitespace",
      type_info: { name: "TruncateTextColumn" },
    });
    expect(new TruncateTextColumn({ pipeline: null }).dump().tokenizer).toBeNull();
    const reloaded = createDefaultRegistry().load<BaseStep>(step.dump(), "step");
    expect(reloaded).toBeInstanceOf(TruncateTextColumn);
    expect(reloaded.dump()).toEqual(step.dump());
  });
});
