export { TableSchemaSchema, type ColumnType, type TableSchema } from "./column-type.js";
export { mergeColumnTypes, mergeSchemas } from "./merge-types.js";
export { inferColumnType, inferSchema } from "./schema.js";
export { writeParquet, writeParquetYielding, YIELDING_ROW_GROUP_SIZE } from "./writer.js";
export { readParquetMetadata, readParquetMetadataFromAsyncBuffer, readParquetRows, readParquetRowsFromAsyncBuffer } from "./reader.js";
