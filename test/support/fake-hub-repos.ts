import { createHash, randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";

/** One commit of a stand-in repository: a full snapshot of its files (cheap: bytes are shared). */
export interface FakeCommit {
  oid: string;
  title: string;
  description?: string | undefined;
  files: Map<string, Uint8Array>;
  /** What the commit did, for assertions. */
  operations: Array<{ op: "add" | "lfs" | "delete"; path: string }>;
}

export interface FakeRepo {
  id: string;
  private: boolean;
  gated: boolean;
  commits: FakeCommit[];
  /** The Hub's Parquet conversion (refs/convert/parquet): config -> split -> files. */
  converted: Record<string, Record<string, Uint8Array[]>>;
}

export interface AddDatasetOptions {
  private?: boolean;
  gated?: boolean;
  /** Repository files; strings are UTF-8 text (a README.md with front matter becomes cardData). */
  files?: Record<string, Uint8Array | string>;
  converted?: Record<string, Record<string, Uint8Array[]>>;
}

const encoder = new TextEncoder();

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Git's blob id, as the Hub reports it in tree listings. */
export function gitBlobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

export function newCommitOid(): string {
  return randomBytes(20).toString("hex");
}

/** Files the Hub stores in LFS: what `.gitattributes` of a new dataset repo tracks, or anything large. */
export function isLfsPath(path: string, size: number): boolean {
  return /\.(parquet|arrow|bin|gz|zip|png|jpg)$/i.test(path) || size > 10 * 1024 * 1024;
}

/** The in-memory repositories of the stand-in Hub. */
export class FakeRepoStore {
  readonly repos = new Map<string, FakeRepo>();
  /** LFS objects by sha256, uploaded before the commit that references them. */
  readonly lfsObjects = new Map<string, Uint8Array>();

  add(repoId: string, options: AddDatasetOptions = {}): FakeRepo {
    const files = new Map<string, Uint8Array>([[".gitattributes", encoder.encode("*.parquet filter=lfs diff=lfs merge=lfs -text\n")]]);
    for (const [path, content] of Object.entries(options.files ?? {})) {
      const bytes = typeof content === "string" ? encoder.encode(content) : content;
      files.set(path, bytes);
      if (isLfsPath(path, bytes.byteLength)) this.lfsObjects.set(sha256Hex(bytes), bytes);
    }
    const repo: FakeRepo = {
      id: repoId,
      private: options.private ?? false,
      gated: options.gated ?? false,
      commits: [{ oid: newCommitOid(), title: "initial commit", files, operations: [...files.keys()].map((path) => ({ op: "add" as const, path })) }],
      converted: options.converted ?? {},
    };
    this.repos.set(repoId, repo);
    return repo;
  }

  /** `main`, a commit sha (or a prefix of at least 7), or undefined for an unknown revision. */
  commitAt(repo: FakeRepo, revision: string): FakeCommit | undefined {
    if (revision === "main") return repo.commits.at(-1);
    if (revision.length >= 7) return repo.commits.find((c) => c.oid.startsWith(revision));
    return undefined;
  }

  head(repo: FakeRepo): FakeCommit {
    return repo.commits.at(-1) as FakeCommit;
  }

  /** The README front matter, which the Hub serves as `cardData`. */
  cardData(commit: FakeCommit): Record<string, unknown> | undefined {
    const readme = commit.files.get("README.md");
    if (!readme) return undefined;
    const match = /^---\n([\s\S]*?)\n---/.exec(new TextDecoder().decode(readme));
    if (!match?.[1]) return undefined;
    const parsed: unknown = parseYaml(match[1]);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  }

  /** A tree entry as `GET /api/datasets/{repo}/tree/{rev}` lists it. */
  treeEntry(path: string, bytes: Uint8Array): Record<string, unknown> {
    const entry: Record<string, unknown> = { type: "file", oid: gitBlobOid(bytes), size: bytes.byteLength, path };
    if (isLfsPath(path, bytes.byteLength)) entry.lfs = { oid: sha256Hex(bytes), size: bytes.byteLength, pointerSize: 134 };
    return entry;
  }
}

/** The quickstart's dataset, shaped like distilabel-internal-testing/instruction-dataset-mini. */
export function quickstartRows(count = 10): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    prompt: `Write a haiku about the number ${i}.`,
    completion: `Number ${i} sits\nquietly between the rest\ncounting on its friends`,
    meta: { category: "Poetry", id: i },
  }));
}
