export {
  ColumnFieldSchema,
  ColumnTypeSchema,
  TableSchemaSchema,
  formatColumnType,
  type ColumnField,
  type ColumnType,
  type ListType,
  type ScalarKind,
  type ScalarType,
  type StructType,
  type TableSchema,
} from "./column-type.js";
export { mergeColumnTypes, mergeSchemas } from "./merge-types.js";
export { inferColumnType, inferSchema } from "./schema.js";
export { SCHEMA_METADATA_KEY } from "./schema-metadata.js";
export { writeParquet, writeParquetYielding, YIELDING_ROW_GROUP_SIZE, type WriteParquetOptions } from "./writer.js";
export {
  readParquetMetadata,
  readParquetMetadataFromAsyncBuffer,
  readParquetRows,
  readParquetRowsFromAsyncBuffer,
  type ParquetMetadataSummary,
  type ReadRangeOptions,
  type ReadRowsOptions,
} from "./reader.js";
