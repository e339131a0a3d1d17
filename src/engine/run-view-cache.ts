/**
 * The last value computed from a run's records, reused while they are the same objects: the
 * engine never changes a state, meta or push record in place (a transition returns new ones),
 * so identity says whether anything changed. Status calls come often while a run goes on and
 * every report changes the state, so this mostly spares polls between two reports.
 */
export class LastValueCache<Inputs extends readonly unknown[], Value> {
  private last: { inputs: Inputs; value: Value } | undefined;

  get(inputs: Inputs, compute: () => Value): Value {
    const last = this.last;
    if (last && last.inputs.length === inputs.length && last.inputs.every((input, i) => input === inputs[i])) return last.value;
    const value = compute();
    this.last = { inputs, value };
    return value;
  }
}
