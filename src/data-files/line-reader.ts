/** A line of a text file and where it sits, so a reader can resume right after it. */
export interface Line {
  text: string;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just after its newline (the next line's start). */
  end: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream that starts at byte `start` into UTF-8 lines (`\n` or `\r\n`), tracking
 * byte offsets. Splitting on bytes before decoding keeps multi-byte characters that straddle
 * chunks intact, since UTF-8 never uses 0x0A inside a character.
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, start: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder("utf-8");
  let pieces: Uint8Array[] = [];
  let pending = 0;
  let lineStart = start;
  let position = start;
  const take = (last: Uint8Array): Uint8Array => {
    if (pieces.length === 0) return last;
    const out = new Uint8Array(pending + last.byteLength);
    let at = 0;
    for (const piece of pieces) {
      out.set(piece, at);
      at += piece.byteLength;
    }
    out.set(last, at);
    pieces = [];
    pending = 0;
    return out;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
      let bytes = take(chunk.subarray(from, nl));
      if (bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.byteLength - 1);
      const end = position + nl + 1;
      yield { text: decoder.decode(bytes), start: lineStart, end };
      lineStart = end;
      from = nl + 1;
    }
    if (from < chunk.byteLength) {
      // Copy: a chunk's buffer may be reused by the stream once we ask for the next one.
      pieces.push(chunk.slice(from));
      pending += chunk.byteLength - from;
    }
    position += chunk.byteLength;
  }
  if (pending > 0) {
    let bytes = take(new Uint8Array(0));
    if (bytes[bytes.byteLength - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.byteLength - 1);
    yield { text: decoder.decode(bytes), start: lineStart, end: position };
  }
}
