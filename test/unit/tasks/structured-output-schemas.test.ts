import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Task } from "../../../src/tasks/base/task.js";
import { ComplexityScorer } from "../../../src/tasks/judges/complexity-scorer.js";
import { GenerateSentencePair } from "../../../src/tasks/embeddings-data/generate-sentence-pair.js";
import { QualityScorer } from "../../../src/tasks/judges/quality-scorer.js";
import { TextClassification } from "../../../src/tasks/judges/text-classification.js";
import { UltraFeedback } from "../../../src/tasks/judges/ultra-feedback.js";
import { scripted } from "./harness.js";

/** Each task with a reply its schema accepts and one it must reject. */
const cases: Array<{ name: string; task: Task; good: unknown; bad: unknown }> = [
  { name: "ComplexityScorer", task: new ComplexityScorer({ llm: scripted() }), good: { scores: [1, 2] }, bad: { scores: ["high"] } },
  { name: "QualityScorer", task: new QualityScorer({ llm: scripted() }), good: { scores: [3] }, bad: { score: 3 } },
  {
    name: "UltraFeedback overall-rating",
    task: new UltraFeedback({ llm: scripted() }),
    good: { ratings: [4, null], rationales: ["a", "b"] },
    bad: { ratings: [4] },
  },
  {
    name: "UltraFeedback helpfulness",
    task: new UltraFeedback({ llm: scripted(), aspect: "helpfulness" }),
    good: { types: [1, null], ratings: [3, 1], rationales: ["a", "b"], rationales_for_rating: ["c", "d"] },
    bad: { types: [1], ratings: [3], rationales: ["a"] },
  },
  {
    name: "TextClassification with labels",
    task: new TextClassification({ llm: scripted(), availableLabels: ["positive", "negative"] }),
    good: { labels: "Unclassified" },
    bad: { labels: "mixed" },
  },
  { name: "TextClassification multi", task: new TextClassification({ llm: scripted(), n: 2 }), good: { labels: ["a", "b"] }, bad: { labels: "a" } },
  {
    name: "GenerateSentencePair triplet",
    task: new GenerateSentencePair({ llm: scripted(), action: "paraphrase", triplet: true }),
    good: { positive: "p", negative: "n" },
    bad: { positive: "p" },
  },
];

/** OpenAI `strict` mode: every object lists all its properties as required and allows no others. */
function strictObjects(schema: unknown): boolean {
  if (!schema || typeof schema !== "object") return true;
  const node = schema as Record<string, unknown>;
  if (node.properties) {
    const keys = Object.keys(node.properties);
    if (node.additionalProperties !== false || keys.some((k) => !(node.required as string[]).includes(k))) return false;
  }
  return Object.values(node).every(strictObjects);
}

describe("default structured outputs", () => {
  for (const { name, task, good, bad } of cases) {
    it(`${name}: a JSON schema that accepts a good reply, rejects a bad one and suits strict mode`, () => {
      const schema = task.defaultStructuredOutput();
      expect(schema).toBeDefined();
      const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      expect(validator.safeParse(good).success).toBe(true);
      expect(validator.safeParse(bad).success).toBe(false);
      expect(strictObjects(schema)).toBe(true);
    });
  }
});
