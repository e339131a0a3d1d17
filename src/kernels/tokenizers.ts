/**
 * Tokenizers that run anywhere JavaScript runs. Hugging Face tokenizers (`AutoTokenizer` with a
 * Hub model id, as distilabel's `TruncateTextColumn(tokenizer=...)` takes) are not available:
 * they need the model's tokenizer files and a Python or native runtime. Steps that count tokens
 * name one of `knownTokenizers()` instead.
 */
export interface Tokenizer {
  readonly name: string;
  encode(text: string): string[];
  /** Text from tokens; `decode(encode(text))` is the text, up to the tokenizer's normalisation. */
  decode(tokens: readonly string[]): string;
}

/** Words split on whitespace; decoding joins them with single spaces. */
export const whitespaceTokenizer: Tokenizer = {
  name: "whitespace",
  encode: (text) => text.split(/\s+/u).filter((token) => token.length > 0),
  decode: (tokens) => tokens.join(" "),
};

/**
 * GPT-2's pre-tokenizer split: contractions, runs of letters, of digits or of other symbols,
 * each with the space before it, and runs of whitespace. Every character belongs to a token,
 * so decoding concatenates and a truncated text is an exact prefix of the original.
 */
const GPT_WORDS = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export const regexWordsTokenizer: Tokenizer = { name: "regex-words", encode: (text) => text.match(GPT_WORDS) ?? [], decode: (tokens) => tokens.join("") };

const TOKENIZERS: ReadonlyMap<string, Tokenizer> = new Map([whitespaceTokenizer, regexWordsTokenizer].map((t) => [t.name, t]));

/** Names accepted wherever a tokenizer is chosen by name. */
export function knownTokenizers(): string[] {
  return [...TOKENIZERS.keys()];
}

export function getTokenizer(name: string): Tokenizer | undefined {
  return TOKENIZERS.get(name);
}

/** The text cut to at most `maxTokens` tokens of `tokenizer`. */
export function truncateTokens(tokenizer: Tokenizer, text: string, maxTokens: number): string {
  return tokenizer.decode(tokenizer.encode(text).slice(0, maxTokens));
}
