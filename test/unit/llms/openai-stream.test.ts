import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { collectStream, IncompleteStreamError, serverSentChunks } from "../../../src/llms/providers/openai-stream.js";

describe("serverSentChunks", () => {
  it("reads every data event of a whole body up to [DONE], skipping comments and joining multi-line data", () => {
    const body = [
      ": keep-alive",
      "",
      'data: {"choices":[{"index":0,"delta":{"content":"he"}}]}',
      "",
      'event: message\r\ndata: {"choices":[{"index":0,',
      'data: "delta":{"content":"llo"},"finish_reason":"stop"}]}',
      "",
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
      "",
      "data: [DONE]",
      "",
      'data: {"after":"done"}',
      "",
    ].join("\n");
    expect(serverSentChunks(body)).toEqual([
      { choices: [{ index: 0, delta: { content: "he" } }] },
      { choices: [{ index: 0, delta: { content: "llo" }, finish_reason: "stop" }] },
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
    ]);
  });

  it("throws the provider's error carried in a chunk, and a parse error for data that is not JSON", () => {
    expect(() => serverSentChunks('data: {"error":{"message":"overloaded"}}\n\n')).toThrow(APIError);
    expect(() => serverSentChunks("data: not json\n\n")).toThrow(SyntaxError);
  });

  it("feeds collectStream, which still refuses a body cut off before its finish_reason", async () => {
    const whole = 'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    await expect(collectStream(serverSentChunks(whole), "chat")).resolves.toMatchObject({ choices: [{ message: { content: "hi" }, finish_reason: "stop" }] });
    const cut = 'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n';
    await expect(collectStream(serverSentChunks(cut), "chat")).rejects.toThrow(IncompleteStreamError);
  });
});
