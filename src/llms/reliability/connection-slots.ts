import type { Semaphore } from "../../steps/step-context.js";

/**
 * A fetch that holds one of the invocation's connection slots only while it waits for the
 * response headers. Workers count a connection against the 6 an invocation may open only in
 * that phase, so a streamed reply (headers first, body later) frees its slot at once and many
 * more calls can be in flight than there are slots.
 */
export function fetchWithSlotUntilHeaders(fetcher: typeof fetch, slots: Semaphore): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const release = await slots.acquire();
    try {
      return await fetcher(input, init);
    } finally {
      release();
    }
  }) as typeof fetch;
}
