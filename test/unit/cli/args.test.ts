import { describe, expect, it } from "vitest";
import { DEFAULT_URL, helpText, parseCommandLine } from "../../../cli/args.js";
import { CliError, EXIT } from "../../../cli/exit-codes.js";
import { parseParams, parseParamValue } from "../../../cli/parameters.js";

const usageFailure = (fn: () => unknown): CliError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return error as CliError;
  }
  throw new Error("expected a usage error");
};

describe("parseCommandLine", () => {
  it("reads a run with repeated --param, cache and output options", () => {
    const line = parseCommandLine(["run", "examples/quickstart.yaml", "--param", "a.b=1", "--param", "a.c=x", "--no-cache", "--out", "out/"], {});
    expect(line.command).toBe("run");
    expect(line.args).toEqual(["examples/quickstart.yaml"]);
    expect(line.options.param).toEqual(["a.b=1", "a.c=x"]);
    expect(line.options["no-cache"]).toBe(true);
    expect(line.options.out).toBe("out/");
    expect(line.global).toEqual({ url: DEFAULT_URL, token: undefined, json: false });
  });

  it("takes --url and --token, or DISTILFLARE_URL and DISTILFLARE_TOKEN", () => {
    expect(parseCommandLine(["list", "--url", "https://x.example.com/", "--token", "t", "--json"], { DISTILFLARE_TOKEN: "env" }).global).toEqual({
      url: "https://x.example.com",
      token: "t",
      json: true,
    });
    expect(parseCommandLine(["list"], { DISTILFLARE_URL: "http://127.0.0.1:9999", DISTILFLARE_TOKEN: "env" }).global).toMatchObject({
      url: "http://127.0.0.1:9999",
      token: "env",
    });
  });

  it("names the problem of a wrong command line", () => {
    expect(usageFailure(() => parseCommandLine(["runn"], {})).message).toContain("Unknown command 'runn'");
    expect(usageFailure(() => parseCommandLine(["status"], {})).message).toContain("missing ID");
    expect(usageFailure(() => parseCommandLine(["status", "a", "b"], {})).message).toContain("extra 'b'");
    expect(usageFailure(() => parseCommandLine(["run", "x.yaml", "--bogus"], {})).message).toContain("--bogus");
    expect(usageFailure(() => parseCommandLine(["run", "x.yaml", "--use-cache", "--no-cache"], {})).message).toContain("contradict");
    expect(usageFailure(() => parseCommandLine(["list", "--url", "localhost:8787"], {})).message).toContain("not an http(s) URL");
  });

  it("asks for help without a command or with --help", () => {
    expect(parseCommandLine([], {}).help).toBe(true);
    const line = parseCommandLine(["push", "--help"], {});
    expect(line).toMatchObject({ command: "push", help: true });
    expect(helpText("push")).toContain("distilflare push ID REPO --private");
    expect(helpText()).toContain("Exit codes: 0 ok");
  });
});

describe("--param", () => {
  it("nests dotted paths per step, as distilabel's CLI does", () => {
    expect(
      parseParams([
        "text_generation.llm.generation_kwargs.temperature=0.7",
        "text_generation.llm.generation_kwargs.max_new_tokens=64",
        "load.repo_id=org/data",
        "load.split=test",
      ]),
    ).toEqual({ text_generation: { llm: { generation_kwargs: { temperature: 0.7, max_new_tokens: 64 } } }, load: { repo_id: "org/data", split: "test" } });
  });

  it("reads JSON values and keeps anything else as text", () => {
    expect(parseParamValue("true")).toBe(true);
    expect(parseParamValue("[1, 2]")).toEqual([1, 2]);
    expect(parseParamValue("null")).toBeNull();
    expect(parseParamValue("gpt-4o-mini")).toBe("gpt-4o-mini");
    expect(parseParamValue("a=b")).toBe("a=b");
    expect(parseParams(["s.prompt=x=y"])).toEqual({ s: { prompt: "x=y" } });
  });

  it("refuses a parameter without a step and a key, or one that overwrites a value with keys", () => {
    expect(usageFailure(() => parseParams(["temperature=0.7"])).message).toContain("is not step.path=value");
    expect(usageFailure(() => parseParams(["step.a"])).message).toContain("is not step.path=value");
    expect(usageFailure(() => parseParams(["s.a=1", "s.a.b=2"])).message).toContain("earlier --param");
  });
});
