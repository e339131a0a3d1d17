import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** DuckDB as an independent Parquet reader: nothing of ours is involved in reading the file. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(":memory:");
    return new DuckDb(instance, await instance.connect());
  }

  async rows(sql: string): Promise<Array<Record<string, unknown>>> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  }

  /** Column name -> DuckDB type of a Parquet file. */
  async types(path: string): Promise<Record<string, string>> {
    const rows = await this.rows(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
