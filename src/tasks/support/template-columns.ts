import { OptionError } from "../../errors.js";

/**
 * Checks that a task's `columns` and the variables of its template are the same set: a column
 * the template never reads, or a variable no column feeds, is a mistake in the options.
 */
export function checkColumnsMatchTemplate(columns: readonly string[], variables: readonly string[], owner: string): void {
  for (const column of columns) {
    if (!variables.includes(column)) {
      throw new OptionError(
        `${owner}: column '${column}' is not used by the template (it reads ${variables.length ? variables.map((v) => `'${v}'`).join(", ") : "no variable"}); make 'columns' and 'template' match`,
        { component: owner, field: "columns", expected: `columns among ${JSON.stringify(variables)}` },
      );
    }
  }
  const extra = variables.filter((v) => !columns.includes(v));
  if (extra.length > 0) {
    throw new OptionError(
      `${owner}: the template reads ${extra.map((v) => `'${v}'`).join(", ")}, which ${extra.length === 1 ? "is" : "are"} not in 'columns' (${JSON.stringify(columns)}); add ${extra.length === 1 ? "it" : "them"} to 'columns'`,
      { component: owner, field: "template", expected: `variables among ${JSON.stringify(columns)}` },
    );
  }
}
