/** One place a component's calls go: the URL, the secret variable sent with them, and the attribute that chose the URL. */
export interface EgressTarget {
  url: string;
  /** The variable whose value goes with the calls (`api_key_env`, `HF_TOKEN`); undefined for keys given in code or none. */
  keyVariable?: string | undefined;
  /** The attribute path that sets `url`, for error messages: `llm.base_url`, `data_files`. */
  field: string;
}
