export { blobByteSource, httpByteSource, type ByteSource } from "./byte-source.js";
export { fileTypeOf, fileTypeSchema, resolveFileType, type FileType } from "./file-type.js";
export { globPrefix, compileGlob, hasGlob } from "./glob.js";
export { httpAsyncBuffer, httpChunks, httpFileSize, plainHttpRequester, type HttpRequester } from "./http-file.js";
export {
  countParquetRows,
  FooterCache,
  parquetFileColumns,
  readRowsAcross,
  type CountedParquetFile,
} from "./parquet-file-set.js";
export {
  readTextRows,
  textFileColumns,
  MAX_JSON_BYTES,
  type RecordPosition,
  type TextFileType,
} from "./text-records.js";
export { dataFileSource, resolveDataFiles, type DataFile } from "./resolve-data-files.js";
export { loaderStateKeys } from "./loader-state.js";
