import { describe, expect, it } from "vitest";
import { z } from "zod";
import { alignToLength, extractJsonObject, toIntegerOrNull, toNumberOrNull } from "../../../src/tasks/support/reply-json.js";

describe("extractJsonObject", () => {
  it("reads a bare JSON reply", () => {
    expect(extractJsonObject('{"scores": [1, 2]}')).toEqual({ scores: [1, 2] });
  });

  it("reads JSON inside a markdown fence with prose around it", () => {
    const reply = 'Here is my answer:\n```json\n{"labels": "positive"}\n```\nLet me know if you need more.';
    expect(extractJsonObject(reply)).toEqual({ labels: "positive" });
  });

  it("reads JSON embedded in prose without a fence, skipping braces inside strings", () => {
    const reply = 'Sure. {"positive": "a {curly} sentence", "negative": "b"} Hope that helps.';
    expect(extractJsonObject(reply)).toEqual({ positive: "a {curly} sentence", negative: "b" });
  });

  it("returns the first candidate that matches the schema", () => {
    const reply = 'Format: {"x": 1}. Answer: {"scores": [3]}';
    expect(extractJsonObject(reply, z.object({ scores: z.array(z.number()) }))).toEqual({ scores: [3] });
  });

  it("returns undefined for prose, broken JSON and top-level arrays", () => {
    expect(extractJsonObject("[1] Score: 3")).toBeUndefined();
    expect(extractJsonObject('{"scores": [1, 2}')).toBeUndefined();
    expect(extractJsonObject("[1, 2]")).toBeUndefined();
  });
});

describe("number helpers", () => {
  it("reads numbers and numeric strings, and nothing else", () => {
    expect(toNumberOrNull(4)).toBe(4);
    expect(toNumberOrNull(" 3.5 ")).toBe(3.5);
    expect(toNumberOrNull("N/A")).toBeNull();
    expect(toNumberOrNull(Number.NaN)).toBeNull();
    expect(toIntegerOrNull("4")).toBe(4);
    expect(toIntegerOrNull(4.5)).toBeNull();
  });

  it("pads with nulls or cuts a list to a length", () => {
    expect(alignToLength([1], 3)).toEqual([1, null, null]);
    expect(alignToLength([1, 2, 3], 2)).toEqual([1, 2]);
  });
});
