import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import type { ChatType } from "../../src/llms/types.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { ChatGeneration } from "../../src/tasks/text-generation/chat-generation.js";
import { CLAIR } from "../../src/tasks/text-generation/clair.js";
import { ComplexityScorer } from "../../src/tasks/judges/complexity-scorer.js";
import { EmbeddingGeneration } from "../../src/tasks/embeddings-data/embedding-generation.js";
import { EvolComplexity } from "../../src/tasks/evol/evol-complexity.js";
import { EvolComplexityGenerator } from "../../src/tasks/evol/evol-complexity-generator.js";
import { EvolInstruct } from "../../src/tasks/evol/evol-instruct.js";
import { EvolInstructGenerator } from "../../src/tasks/evol/evol-instruct-generator.js";
import { EvolQuality } from "../../src/tasks/evol/evol-quality.js";
import { chatToText, GenerateEmbeddings } from "../../src/tasks/embeddings-data/generate-embeddings.js";
import { GenerateSentencePair } from "../../src/tasks/embeddings-data/generate-sentence-pair.js";
import { Genstruct } from "../../src/tasks/text-generation/genstruct.js";
import { InstructionBacktranslation } from "../../src/tasks/judges/instruction-backtranslation.js";
import { Magpie } from "../../src/tasks/magpie/magpie.js";
import { MagpieGenerator } from "../../src/tasks/magpie/magpie-generator.js";
import { PrometheusEval } from "../../src/tasks/judges/prometheus-eval.js";
import { QualityScorer } from "../../src/tasks/judges/quality-scorer.js";
import { SelfInstruct } from "../../src/tasks/text-generation/self-instruct.js";
import { StructuredGeneration } from "../../src/tasks/text-generation/structured-generation.js";
import { TextClassification } from "../../src/tasks/judges/text-classification.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { UltraFeedback } from "../../src/tasks/judges/ultra-feedback.js";
import { URIAL } from "../../src/tasks/text-generation/urial.js";
import { fakeVector, FakeEmbeddings } from "../support/fake-embeddings.js";
import { metadataOf, runThroughApi, type ApiRow } from "../support/run-rows.js";
import { ScriptedLLM } from "../support/scripted-llm.js";
import { workerHarness } from "../support/worker-harness.js";

/**
 * Every built-in task inside a pipeline posted to the HTTP API of a Worker running in workerd:
 * the pipeline is dumped, sent as JSON, rebuilt by the registry in the consumer, and each task's
 * ScriptedLLM answers the way a real model does for that task, so the task's parser must turn the
 * reply into typed values that land in the Distiset. Each pipeline feeds one loader (or several
 * generators) into parallel branches; every branch is a leaf, so every task is a config.
 */

const registry = createDefaultRegistry().register(ScriptedLLM, FakeEmbeddings);
const harness = workerHarness({ registry, pipelines: {} });

const llm = (...replies: string[]): ScriptedLLM => new ScriptedLLM({ replies });
const byName = (rows: ApiRow[], column: string): unknown[] => rows.map((row) => row[column]);

describe("writing tasks end to end in workerd", () => {
  const personSchema = {
    type: "object",
    properties: { name: { type: "string" }, born: { type: "integer" } },
    required: ["name", "born"],
    additionalProperties: false,
  };
  const data = [
    {
      instruction: "Explain why the sky is blue.",
      messages: [
        { role: "system", content: "You are a concise physics tutor." },
        { role: "user", content: "Why is the sky blue?" },
      ],
      structured_output: { format: "json", schema: personSchema },
      seed_text: "Photosynthesis turns light into chemical energy stored in glucose.",
      response: "Because of Rayleigh scattering.",
      title: "Rayleigh scattering",
      content: "Rayleigh scattering is the scattering of light by particles much smaller than its wavelength; shorter wavelengths scatter more.",
      task: "What is 15% of 80?",
      student_solution: "15% of 80 is 15 * 80 = 1200.",
    },
    {
      instruction: "Name the largest planet in the solar system.",
      messages: [
        { role: "system", content: "You are a concise astronomy tutor." },
        { role: "user", content: "Which planet is the largest?" },
      ],
      structured_output: { format: "json", schema: personSchema },
      seed_text: "Volcanoes form where magma reaches the surface of a planet.",
      response: "Jupiter.",
      title: "Jupiter",
      content: "Jupiter is the fifth planet from the Sun and the largest in the solar system, a gas giant of hydrogen and helium.",
      task: "Write the past tense of 'run'.",
      student_solution: "The past tense of run is runned.",
    },
  ];

  it("runs TextGeneration, ChatGeneration, StructuredGeneration, SelfInstruct, the Evol tasks, Genstruct (with a reply it cannot parse), URIAL and CLAIR", async () => {
    const pipeline = new Pipeline({ name: "wk-tasks-writers", enableMetadata: true }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      const one = { inputBatchSize: 2 };
      load.connect(
        new TextGeneration({
          name: "text_generation",
          llm: llm('A short answer to "{input}": it comes down to physics.'),
          template: "Question: {{ instruction }}\nAnswer in one sentence.",
          columns: ["instruction"],
          systemPrompt: "You are a helpful assistant.",
          ...one,
        }),
        new ChatGeneration({
          name: "chat_generation",
          llm: llm("You asked: {input} In short, sunlight scatters.", "You asked: {input} Jupiter, by far."),
          ...one,
        }),
        new StructuredGeneration({
          name: "structured_generation",
          llm: llm('{"name": "Ada Lovelace", "born": 1815}', '```json\n{"name": "Alan Turing", "born": 1912}\n```'),
          ...one,
        }),
        new SelfInstruct({
          name: "self_instruct",
          numInstructions: 3,
          inputMappings: { input: "seed_text" },
          llm: llm(
            "1. How do plants store the energy they capture from sunlight?\n2. Why are leaves green?\n3. What would happen to a plant kept in the dark for a week?",
            "- Where do most volcanoes on Earth form?\n- Why do some volcanoes erupt explosively?\n- How can scientists predict an eruption?",
          ),
          ...one,
        }),
        new EvolInstruct({
          name: "evol_instruct",
          numEvolutions: 2,
          storeEvolutions: true,
          generateAnswers: true,
          // Round 1 for both rows, round 2 for both rows, then one answer per stored evolution.
          llm: llm(
            "#Rewritten Prompt#:\nExplain why the sky is blue, using the word 'wavelength'.",
            "#Rewritten Prompt#:\nName the largest planet and give its diameter.",
            "#Rewritten Prompt#:\nExplain why the sky is blue but sunsets are red, using the word 'wavelength'.",
            "#Rewritten Prompt#:\nName the largest planet, give its diameter and compare it with Earth's.",
            ...Array.from({ length: 4 }, () => "Answer to: {input}"),
          ),
          ...one,
        }),
        new EvolComplexity({
          name: "evol_complexity",
          numEvolutions: 1,
          llm: llm(
            "#Rewritten Prompt#:\nExplain why the sky is blue at noon and why it darkens at dusk.",
            "#Rewritten Prompt#:\nName the largest planet and rank the next two by mass.",
          ),
          ...one,
        }),
        new EvolQuality({
          name: "evol_quality",
          numEvolutions: 1,
          llm: llm(
            "#Rewritten Response#: Sunlight scatters off air molecules, and blue light scatters most.",
            "Jupiter, a gas giant eleven times wider than Earth.",
          ),
          ...one,
        }),
        new Genstruct({
          name: "genstruct",
          llm: llm(
            "Why does blue light scatter more than red light?\n[[[Assistant]]] Scattering grows as the wavelength shrinks, so short blue wavelengths scatter most.",
            "What is Jupiter mostly made of?\n[[[Assistant]]] Hydrogen and helium.",
          ),
          ...one,
        }),
        new Genstruct({
          name: "genstruct_unparsable",
          llm: llm("What does Rayleigh scattering depend on?", "Which gas dominates Jupiter's atmosphere?\n[[[Assistant]]] Hydrogen."),
          ...one,
        }),
        new URIAL({
          name: "urial",
          llm: llm(
            "The sky looks blue because air scatters short blue wavelengths of sunlight more than long red ones.\n\n# User:\nAnd why are sunsets red?",
            "# Assistant:\nJupiter is the largest planet.\n# User:\nHow big is it?",
          ),
          ...one,
        }),
        new CLAIR({
          name: "clair",
          llm: llm(
            "{teacher_reasoning}: The student multiplied instead of taking a percentage.\n\n{corrected_student_solution}: 15% of 80 is 0.15 * 80 = 12.",
            "{teacher_reasoning}: 'Run' is irregular.\n\n{corrected_student_solution}: The past tense of run is ran.",
          ),
          ...one,
        }),
      );
    });
    const run = await runThroughApi(harness, pipeline);

    const text = await run.rows("text_generation");
    expect(byName(text, "generation")).toEqual(
      data.map((d) => `A short answer to "Question: ${d.instruction}\nAnswer in one sentence.": it comes down to physics.`),
    );
    expect(byName(text, "model_name")).toEqual(["scripted-model", "scripted-model"]);
    const meta = metadataOf(text[0]);
    expect(meta.raw_input_text_generation).toEqual([
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: `Question: ${data[0]!.instruction}\nAnswer in one sentence.` },
    ]);
    expect(meta.raw_output_text_generation).toBe(text[0]!.generation);
    expect(meta.statistics_text_generation).toEqual({ input_tokens: 11, output_tokens: 20 });

    const chat = await run.rows("chat_generation");
    expect(byName(chat, "generation")).toEqual([
      "You asked: Why is the sky blue? In short, sunlight scatters.",
      "You asked: Which planet is the largest? Jupiter, by far.",
    ]);

    const structured = await run.rows("structured_generation");
    expect(structured.map((r) => JSON.parse(String(r.generation).replace(/^```json\n|\n```$/g, "")))).toEqual([
      { name: "Ada Lovelace", born: 1815 },
      { name: "Alan Turing", born: 1912 },
    ]);

    const selfInstruct = await run.rows("self_instruct");
    expect(byName(selfInstruct, "instructions")).toEqual([
      ["How do plants store the energy they capture from sunlight?", "Why are leaves green?", "What would happen to a plant kept in the dark for a week?"],
      ["Where do most volcanoes on Earth form?", "Why do some volcanoes erupt explosively?", "How can scientists predict an eruption?"],
    ]);
    expect(byName(selfInstruct, "seed_text")).toEqual(data.map((d) => d.seed_text));

    const evol = await run.rows("evol_instruct");
    const evolutions = [
      ["Explain why the sky is blue, using the word 'wavelength'.", "Explain why the sky is blue but sunsets are red, using the word 'wavelength'."],
      ["Name the largest planet and give its diameter.", "Name the largest planet, give its diameter and compare it with Earth's."],
    ];
    expect(byName(evol, "evolved_instructions")).toEqual(evolutions);
    expect(byName(evol, "answers")).toEqual(evolutions.map((list) => list.map((e) => `Answer to: ${e}`)));
    expect(metadataOf(evol[0]).statistics_evol_instruct).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });

    const complexity = await run.rows("evol_complexity");
    expect(byName(complexity, "evolved_instruction")).toEqual([
      "Explain why the sky is blue at noon and why it darkens at dusk.",
      "Name the largest planet and rank the next two by mass.",
    ]);

    const quality = await run.rows("evol_quality");
    expect(byName(quality, "evolved_response")).toEqual([
      "Sunlight scatters off air molecules, and blue light scatters most.",
      "Jupiter, a gas giant eleven times wider than Earth.",
    ]);

    const genstruct = await run.rows("genstruct");
    expect(genstruct.map((r) => [r.user, r.assistant])).toEqual([
      ["Why does blue light scatter more than red light?", "Scattering grows as the wavelength shrinks, so short blue wavelengths scatter most."],
      ["What is Jupiter mostly made of?", "Hydrogen and helium."],
    ]);

    // A reply the parser cannot read keeps its row, with null outputs and the raw reply.
    const unparsable = await run.rows("genstruct_unparsable");
    expect(unparsable.map((r) => [r.title, r.user, r.assistant, r.model_name])).toEqual([
      ["Rayleigh scattering", null, null, "scripted-model"],
      ["Jupiter", "Which gas dominates Jupiter's atmosphere?", "Hydrogen.", "scripted-model"],
    ]);
    expect(metadataOf(unparsable[0]).raw_output_genstruct_unparsable).toBe("What does Rayleigh scattering depend on?");

    const urial = await run.rows("urial");
    expect(byName(urial, "generation")).toEqual([
      "The sky looks blue because air scatters short blue wavelengths of sunlight more than long red ones.",
      "Jupiter is the largest planet.",
    ]);
    expect(String(metadataOf(urial[0]).raw_input_urial)).toContain(`# User:\n\n${data[0]!.instruction}`);

    const clair = await run.rows("clair");
    expect(clair.map((r) => [r.revision, r.rational])).toEqual([
      ["15% of 80 is 0.15 * 80 = 12.", "The student multiplied instead of taking a percentage."],
      ["The past tense of run is ran.", "'Run' is irregular."],
    ]);
  });
});

describe("judging tasks end to end in workerd", () => {
  const data = [
    {
      instruction: "What is the boiling point of water at sea level?",
      answer: "Water boils at 100 °C (212 °F) at sea level.",
      reference: "100 degrees Celsius.",
      pair: ["100 °C.", "It depends on the kettle."],
      instructions: [
        "Say hi.",
        "Summarise the causes of the French Revolution in three bullet points.",
        "Prove that there are infinitely many primes, then generalise the proof.",
      ],
    },
    {
      instruction: "Who wrote 'Pride and Prejudice'?",
      answer: "Jane Austen wrote it; it was published in 1813.",
      reference: "Jane Austen.",
      pair: ["Charlotte Brontë.", "Jane Austen, in 1813."],
      instructions: ["List three fruits.", "Name a colour.", "Write a sonnet about entropy in iambic pentameter."],
    },
  ];
  const generations = ["Answer one: {input}", "Answer two, shorter.", "Answer three, wrong."];
  const ratingsReply = (ratings: Array<number | string>): string =>
    ratings.map((rating, i) => `#### Output for Text ${i + 1}\nRating: ${rating}\nRationale: Rationale for text ${i + 1}.`).join("\n\n");
  const typedReply = (types: string[], ratings: number[]): string =>
    ratings
      .map((rating, i) => `#### Output for Text ${i + 1}\nType: ${types[i]}\nRationale: Why type ${types[i]}.\nRating: ${rating}\nRationale: Why ${rating}.`)
      .join("\n\n");

  it("runs UltraFeedback (all five aspects) and QualityScorer on three generations, ComplexityScorer, PrometheusEval and InstructionBacktranslation", async () => {
    const pipeline = new Pipeline({ name: "wk-tasks-judges" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      const one = { inputBatchSize: 2 };
      const generate = new TextGeneration({
        name: "generate_three",
        llm: llm(...generations),
        numGenerations: 3,
        groupGenerations: true,
        outputMappings: { generation: "generations" },
        ...one,
      });
      load.connect(
        generate,
        new ComplexityScorer({
          name: "complexity_scorer",
          llm: llm("[1] Score: 1\n[2] Score: 3\n[3] Score: 5", "[1] Score: 1\n[2] Score: 1\n[3] Score: 6"),
          ...one,
        }),
        new PrometheusEval({
          name: "prometheus_absolute",
          mode: "absolute",
          rubric: "factual-validity",
          reference: true,
          inputMappings: { generation: "answer" },
          llm: llm("Feedback: Correct and adds the Fahrenheit value. [RESULT] 5", "Feedback: Correct, though the date was not asked for. [RESULT] 4"),
          ...one,
        }),
        new PrometheusEval({
          name: "prometheus_relative",
          mode: "relative",
          rubric: "helpfulness",
          inputMappings: { generations: "pair" },
          llm: llm("Feedback: Response A answers directly; B dodges. [RESULT] A", "Feedback: Response A names the wrong author. [RESULT] B"),
          ...one,
        }),
        new InstructionBacktranslation({
          name: "instruction_backtranslation",
          inputMappings: { generation: "answer" },
          llm: llm(
            "The answer is correct, complete and written from an assistant's perspective.\nScore: 5",
            "Correct but adds an unrequested detail.\nScore: 4",
          ),
          ...one,
        }),
      );
      generate.connect(
        new UltraFeedback({ name: "uf_overall", aspect: "overall-rating", llm: llm(ratingsReply([5, 3, 1]), ratingsReply([4, 4, 2])), ...one }),
        new UltraFeedback({
          name: "uf_instruction_following",
          aspect: "instruction-following",
          llm: llm(ratingsReply([5, 2, 1]), ratingsReply([3, 3, 3])),
          ...one,
        }),
        new UltraFeedback({ name: "uf_honesty", aspect: "honesty", llm: llm(ratingsReply([5, "N/A", 2]), ratingsReply([4, 4, 1])), ...one }),
        new UltraFeedback({
          name: "uf_helpfulness",
          aspect: "helpfulness",
          llm: llm(typedReply(["1, 2", "1", "None"], [5, 3, 1]), typedReply(["3", "2", "1"], [4, 3, 2])),
          ...one,
        }),
        new UltraFeedback({
          name: "uf_truthfulness",
          aspect: "truthfulness",
          llm: llm(typedReply(["None", "None", "1"], [5, 5, 2]), typedReply(["None", "2", "3"], [5, 2, 1])),
          ...one,
        }),
        new QualityScorer({
          name: "quality_scorer",
          inputMappings: { responses: "generations" },
          llm: llm('```json\n{"scores": [5, 3, 1]}\n```', '{"scores": [2, 4, 3]}'),
          ...one,
        }),
      );
    });
    const run = await runThroughApi(harness, pipeline);

    const expectedGenerations = data.map((d) => [`Answer one: ${d.instruction}`, "Answer two, shorter.", "Answer three, wrong."]);
    const overall = await run.rows("uf_overall");
    expect(byName(overall, "generations")).toEqual(expectedGenerations);
    expect(byName(overall, "ratings")).toEqual([
      [5, 3, 1],
      [4, 4, 2],
    ]);
    expect(byName(overall, "rationales")).toEqual([0, 1].map(() => ["Rationale for text 1.", "Rationale for text 2.", "Rationale for text 3."]));
    expect(byName(await run.rows("uf_instruction_following"), "ratings")).toEqual([
      [5, 2, 1],
      [3, 3, 3],
    ]);
    expect(byName(await run.rows("uf_honesty"), "ratings")).toEqual([
      [5, null, 2],
      [4, 4, 1],
    ]);
    const helpfulness = await run.rows("uf_helpfulness");
    expect(byName(helpfulness, "types")).toEqual([
      [1, 1, null],
      [3, 2, 1],
    ]);
    expect(byName(helpfulness, "ratings")).toEqual([
      [5, 3, 1],
      [4, 3, 2],
    ]);
    expect(helpfulness[0]?.["rationales-for-ratings"]).toEqual(["Why 5.", "Why 3.", "Why 1."]);
    expect(helpfulness[0]?.rationales).toEqual(["Why type 1, 2.", "Why type 1.", "Why type None."]);
    const truthfulness = await run.rows("uf_truthfulness");
    expect(byName(truthfulness, "types")).toEqual([
      [null, null, 1],
      [null, 2, 3],
    ]);
    expect(byName(truthfulness, "ratings")).toEqual([
      [5, 5, 2],
      [5, 2, 1],
    ]);
    expect(byName(await run.rows("quality_scorer"), "scores")).toEqual([
      [5, 3, 1],
      [2, 4, 3],
    ]);

    expect(byName(await run.rows("complexity_scorer"), "scores")).toEqual([
      [1, 3, 5],
      [1, 1, 6],
    ]);
    const absolute = await run.rows("prometheus_absolute");
    expect(absolute.map((r) => [r.feedback, r.result])).toEqual([
      ["Correct and adds the Fahrenheit value.", 5],
      ["Correct, though the date was not asked for.", 4],
    ]);
    expect(byName(absolute, "answer")).toEqual(data.map((d) => d.answer));
    const relative = await run.rows("prometheus_relative");
    expect(relative.map((r) => [r.feedback, r.result])).toEqual([
      ["Response A answers directly; B dodges.", "A"],
      ["Response A names the wrong author.", "B"],
    ]);
    const backtranslation = await run.rows("instruction_backtranslation");
    expect(backtranslation.map((r) => [r.score, r.reason])).toEqual([
      [5, "The answer is correct, complete and written from an assistant's perspective."],
      [4, "Correct but adds an unrequested detail."],
    ]);
  });
});

describe("classification, sentence pairs and embeddings end to end in workerd", () => {
  const data: Array<{ text: string; anchor: string; conversation: ChatType }> = [
    {
      text: "I love this blender, it crushes ice in seconds!",
      anchor: "How do I reset my router?",
      conversation: [
        { role: "user", content: "Hi!" },
        { role: "assistant", content: "Hello, how can I help?" },
      ],
    },
    {
      text: "The charger stopped working after two days and support never answered.",
      anchor: "What is the refund policy?",
      conversation: [{ role: "user", content: "Where is my order?" }],
    },
  ];

  it("runs TextClassification, GenerateSentencePair, EmbeddingGeneration and GenerateEmbeddings", async () => {
    const pipeline = new Pipeline({ name: "wk-tasks-text" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      const one = { inputBatchSize: 2 };
      load.connect(
        new TextClassification({
          name: "sentiment",
          availableLabels: { positive: "The customer is happy", negative: "The customer complains", neutral: "Neither" },
          llm: llm('{"labels": "positive"}', '```json\n{"labels": "Negative"}\n```'),
          ...one,
        }),
        new TextClassification({
          name: "topics",
          n: 2,
          llm: llm('{"labels": ["kitchen", "appliances"]}', '{"labels": ["electronics", "customer support"]}'),
          ...one,
        }),
        new GenerateSentencePair({
          name: "sentence_pair",
          action: "paraphrase",
          triplet: true,
          llm: llm(
            "## Positive\nWhat are the steps to restart my router?\n\n## Negative\nHow do I bake sourdough bread?",
            '{"positive": "How does the refund policy work?", "negative": "What is the shipping policy?"}',
          ),
          ...one,
        }),
        new EmbeddingGeneration({ name: "embedding_generation", embeddings: new FakeEmbeddings({ dimensions: 6 }), ...one }),
        new GenerateEmbeddings({
          name: "generate_embeddings",
          embeddings: new FakeEmbeddings({ model: "fake-chat-embeddings" }),
          inputMappings: { text: "conversation" },
          ...one,
        }),
      );
    });
    const run = await runThroughApi(harness, pipeline);

    expect(byName(await run.rows("sentiment"), "labels")).toEqual(["positive", "negative"]);
    expect(byName(await run.rows("topics"), "labels")).toEqual([
      ["kitchen", "appliances"],
      ["electronics", "customer support"],
    ]);
    const pairs = await run.rows("sentence_pair");
    expect(pairs.map((r) => [r.anchor, r.positive, r.negative])).toEqual([
      ["How do I reset my router?", "What are the steps to restart my router?", "How do I bake sourdough bread?"],
      ["What is the refund policy?", "How does the refund policy work?", "What is the shipping policy?"],
    ]);
    const embedded = await run.rows("embedding_generation");
    expect(byName(embedded, "embedding")).toEqual(data.map((d) => fakeVector(d.text, 6)));
    expect(byName(embedded, "model_name")).toEqual(["fake-embeddings", "fake-embeddings"]);
    const chats = await run.rows("generate_embeddings");
    expect(byName(chats, "embedding")).toEqual(data.map((d) => fakeVector(chatToText(d.conversation), 4)));
    expect(byName(chats, "conversation")).toEqual(data.map((d) => d.conversation));
    expect(byName(chats, "model_name")).toEqual(["fake-chat-embeddings", "fake-chat-embeddings"]);
  });
});

describe("generator tasks and Magpie end to end in workerd", () => {
  it("runs MagpieGenerator, EvolInstructGenerator and EvolComplexityGenerator as roots, and Magpie after a loader", async () => {
    const turns = (prefix: string): string[] => [0, 1, 2].map((i) => `${prefix} ${i}<|eot_id|>`);
    const instructions = [
      "Write a limerick about a cat who learns to code in Rust.",
      "Describe the water cycle to a ten-year-old in four sentences.",
      "Plan a three-day trip to Lisbon for a vegetarian on a budget.",
    ];
    const pipeline = new Pipeline({ name: "wk-tasks-generators" }).build(() => {
      new MagpieGenerator({
        name: "magpie_generator",
        numRows: 3,
        batchSize: 3,
        nTurns: 2,
        systemPrompt: { math: "You are a patient math tutor.", code: "You are a senior software engineer." },
        // Each half-turn is one batched call over the three conversations.
        llm: llm(...turns("First question"), ...turns("First answer"), ...turns("Follow-up"), ...turns("Second answer")),
      });
      new EvolInstructGenerator({
        name: "evol_instruct_generator",
        numInstructions: 3,
        batchSize: 3,
        minLength: 20,
        maxLength: 300,
        generateAnswers: true,
        // The first reply is too short, so that instruction takes a second round.
        llm: llm(
          "Too short.",
          `#Rewritten Prompt#:\n${instructions[1]}`,
          instructions[2]!,
          `#Created Prompt#: ${instructions[0]}`,
          "Answer: {input}",
          "Answer: {input}",
          "Answer: {input}",
        ),
      });
      new EvolComplexityGenerator({
        name: "evol_complexity_generator",
        numInstructions: 2,
        batchSize: 2,
        minLength: 10,
        maxLength: 300,
        llm: llm("Prove that the square root of 2 is irrational, then do the same for 3.", "Implement a thread-safe LRU cache and analyse its complexity."),
      });
      const load = new LoadDataFromDicts({
        name: "load_system_prompts",
        data: [{ system_prompt: "You are a chef." }, { system_prompt: "You are a gardener." }],
        batchSize: 2,
      });
      load.connect(
        new Magpie({
          name: "magpie",
          llm: llm(
            "How do I keep pasta from sticking?<|eot_id|>",
            "When should I prune roses?<|eot_id|>",
            "Stir it and use plenty of salted water.<|eot_id|>",
            "In late winter, before new growth.",
          ),
          inputBatchSize: 2,
        }),
      );
    });
    const run = await runThroughApi(harness, pipeline);

    const conversations = await run.rows("magpie_generator");
    expect(conversations).toHaveLength(3);
    conversations.forEach((row, i) => {
      expect(row.conversation).toEqual([
        { role: "user", content: `First question ${i}` },
        { role: "assistant", content: `First answer ${i}` },
        { role: "user", content: `Follow-up ${i}` },
        { role: "assistant", content: `Second answer ${i}` },
      ]);
      expect(["math", "code"]).toContain(row.system_prompt_key);
      expect(row.model_name).toBe("scripted-model");
    });

    const evolved = await run.rows("evol_instruct_generator");
    expect(byName(evolved, "instruction")).toEqual(instructions);
    expect(byName(evolved, "answer")).toEqual(instructions.map((i) => `Answer: ${i}`));

    expect(byName(await run.rows("evol_complexity_generator"), "instruction")).toEqual([
      "Prove that the square root of 2 is irrational, then do the same for 3.",
      "Implement a thread-safe LRU cache and analyse its complexity.",
    ]);

    const magpie = await run.rows("magpie");
    expect(magpie.map((r) => [r.system_prompt, r.instruction, r.response])).toEqual([
      ["You are a chef.", "How do I keep pasta from sticking?", "Stir it and use plenty of salted water."],
      ["You are a gardener.", "When should I prune roses?", "In late winter, before new growth."],
    ]);
  });
});
