/**
 * One promise per key (a run id): kept while the key stays the same, so a step instance builds
 * its index once per run, and forgotten when it fails, so the next batch tries again.
 */
export class KeyedPromise<T> {
  private current: { key: string; value: Promise<T> } | undefined;

  get(key: string, make: () => Promise<T>): Promise<T> {
    if (this.current?.key !== key) {
      const value = make();
      value.catch(() => {
        if (this.current?.value === value) this.current = undefined;
      });
      this.current = { key, value };
    }
    return this.current.value;
  }
}
