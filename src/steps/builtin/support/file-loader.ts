import type { StepColumns } from "../../../core/row.js";
import { FooterCache, readRowsAcross, totalRows, type CountedParquetFile } from "../../../data-files/parquet-file-set.js";
import type { AnyObjectSchema } from "../../../components/component.js";
import { GeneratorStep, type GeneratorOutput } from "../../base-step.js";

/**
 * A generator over stored files whose columns are discovered before validation
 * (`resolveColumns` sets them), and whose Parquet batches are read with range requests.
 */
export abstract class FileLoader<S extends AnyObjectSchema> extends GeneratorStep<S> {
  protected columns: string[] | undefined;
  private readonly footers = new FooterCache();

  override get outputs(): StepColumns {
    return this.columns ?? [];
  }

  /** The batch at `offset`: at most `batchSize` rows across counted Parquet files, stopping at `num_examples`. */
  protected async readParquetBatch(files: CountedParquetFile[], offset: number): Promise<GeneratorOutput> {
    const available = totalRows(files);
    const total = Math.min(available, (this.attrs as { numExamples?: number }).numExamples ?? available);
    if (offset >= total) return { rows: [], lastBatch: true };
    const rows = await readRowsAcross(files, offset, Math.min(this.batchSize, total - offset), this.footers);
    return { rows, lastBatch: offset + rows.length >= total };
  }
}
