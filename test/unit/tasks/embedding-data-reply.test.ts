import { describe, expect, it } from "vitest";
import {
  escapeControlCharactersInStrings,
  parsePythonStringList,
  readJsonFields,
  readStringList,
} from "../../../src/tasks/embeddings-data/embedding-data-reply.js";

describe("readJsonFields", () => {
  const keys = ["user_query", "positive_document", "hard_negative_document"];

  it("reads a plain, fenced or prose-wrapped JSON object, a missing key as null", () => {
    expect(readJsonFields('{"user_query": "q", "positive_document": "p", "hard_negative_document": "n"}', keys)).toEqual({
      user_query: "q",
      positive_document: "p",
      hard_negative_document: "n",
    });
    expect(readJsonFields('Here it is:\n```json\n{"user_query": "q", "positive_document": "p"}\n```\nEnjoy!', keys)).toEqual({
      user_query: "q",
      positive_document: "p",
      hard_negative_document: null,
    });
    expect(readJsonFields('Sure. {"user_query": " padded ", "positive_document": ""} That is all.', keys)).toEqual({
      user_query: "padded",
      positive_document: null,
      hard_negative_document: null,
    });
  });

  it("accepts raw line breaks inside string values, as models write long documents", () => {
    const reply = '{\n  "input": "First line\nsecond line",\n  "positive_document": "Para one.\n\n\tPara two."\n}';
    expect(readJsonFields(reply, ["input", "positive_document"])).toEqual({ input: "First line\nsecond line", positive_document: "Para one.\n\n\tPara two." });
  });

  it("matches keys ignoring case, and writes numbers and booleans out", () => {
    expect(readJsonFields('{"s1": "a", "S2": 4.5, "S3": true}', ["S1", "S2", "S3"])).toEqual({ S1: "a", S2: "4.5", S3: "true" });
  });

  it("skips JSON objects that hold none of the keys, and throws when none does", () => {
    expect(readJsonFields('Format: {"example": 1}. Answer: {"label": "spam", "input_text": "Win now"}', ["input_text", "label"])).toEqual({
      input_text: "Win now",
      label: "spam",
    });
    expect(() => readJsonFields("I cannot write that example.", keys)).toThrow(
      'the reply holds no JSON object with any of the keys "user_query", "positive_document", "hard_negative_document"',
    );
    expect(() => readJsonFields('{"answer": "x"}', keys)).toThrow(/no JSON object/);
  });
});

describe("escapeControlCharactersInStrings", () => {
  it("escapes line breaks and tabs inside strings only, leaving escaped quotes alone", () => {
    expect(escapeControlCharactersInStrings('{\n"a": "x\ny \\"q\\"\tz"\n}')).toBe('{\n"a": "x\\ny \\"q\\"\\tz"\n}');
  });
});

describe("readStringList", () => {
  it("reads a JSON array, a fenced one, one inside prose and a {tasks: [...]} object", () => {
    expect(readStringList('["Find recipes for a dish.", "Retrieve case law for a dispute."]')).toEqual([
      "Find recipes for a dish.",
      "Retrieve case law for a dispute.",
    ]);
    expect(readStringList('```json\n[\n  "a",\n  "b"\n]\n```')).toEqual(["a", "b"]);
    expect(readStringList('Here are the tasks:\n["a", " b ", ""]\nLet me know if you need more.')).toEqual(["a", "b"]);
    expect(readStringList('{"tasks": ["a", "b"]}')).toEqual(["a", "b"]);
  });

  it("reads Python list literals with either quote and escapes", () => {
    expect(readStringList("['Match a tweet to its topic.', \"Pair a user's question with its FAQ entry.\", 'It\\'s fine',]")).toEqual([
      "Match a tweet to its topic.",
      "Pair a user's question with its FAQ entry.",
      "It's fine",
    ]);
    expect(parsePythonStringList("['a', 'b'] trailing")).toBeUndefined();
    expect(parsePythonStringList("['a', 3]")).toBeUndefined();
    expect(parsePythonStringList("['unterminated]")).toBeUndefined();
  });

  it("gives undefined for prose, empty lists and lists that are not all strings", () => {
    expect(readStringList("1. Find recipes\n2. Retrieve case law")).toBeUndefined();
    expect(readStringList("[]")).toBeUndefined();
    expect(readStringList('["a", 2]')).toBeUndefined();
  });
});
