import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import type { AddDatasetOptions, FakeRepo, FakeRepoStore } from "./fake-hub-repos.js";
import { FAKE_HUB_READ_TOKEN, FAKE_HUB_WRITE_TOKEN, FakeHub, quickstartRows, type FakeHubOptions, type RecordedRequest } from "./fake-hub.js";

export { FAKE_HUB_READ_TOKEN, FAKE_HUB_WRITE_TOKEN, quickstartRows, type RecordedRequest };

/**
 * The Hub stand-in (FakeHub) behind a loopback HTTP server, for tests in Node and for
 * `wrangler dev` end-to-end runs (a Worker there can fetch 127.0.0.1). In unreachable mode
 * every connection is dropped before an answer.
 *
 * Standalone: `npx tsx test/support/fake-hub-server.ts --port 8788` prints
 * `{"url", "write_token", "read_token"}` and seeds the quickstart dataset
 * `distilabel-internal-testing/instruction-dataset-mini` (split `test`, column `prompt`) and a
 * private `distilflare-test/private-dataset`; `--no-seed` starts empty. The `/__admin/*` routes
 * add datasets and show what was pushed (see FakeHub).
 *
 * @example
 * const hub = await FakeHubServer.start();
 * hub.addDataset("org/data", { files: { "data/train-00000-of-00001.parquet": writeParquet(rows) } });
 */
export class FakeHubServer {
  readonly hub: FakeHub;
  url = "";
  private server: Server | undefined;

  private constructor(options: FakeHubOptions) {
    this.hub = new FakeHub("http://127.0.0.1", options);
  }

  static async start(options: FakeHubOptions & { port?: number; host?: string } = {}): Promise<FakeHubServer> {
    const self = new FakeHubServer(options);
    const host = options.host ?? "127.0.0.1";
    self.server = createServer((req, res) => void self.serve(req, res));
    await new Promise<void>((resolve) => self.server?.listen(options.port ?? 0, host, resolve));
    self.url = `http://${host}:${(self.server.address() as AddressInfo).port}`;
    self.hub.baseUrl = self.url;
    return self;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  get store(): FakeRepoStore {
    return this.hub.store;
  }

  get requests(): RecordedRequest[] {
    return this.hub.requests;
  }

  get lfsBatches(): FakeHub["lfsBatches"] {
    return this.hub.lfsBatches;
  }

  get unreachable(): boolean {
    return this.hub.unreachable;
  }

  set unreachable(value: boolean) {
    this.hub.unreachable = value;
  }

  addDataset(repoId: string, options: AddDatasetOptions = {}): FakeRepo {
    return this.hub.addDataset(repoId, options);
  }

  repo(repoId: string): FakeRepo | undefined {
    return this.hub.repo(repoId);
  }

  file(repoId: string, path: string): Uint8Array | undefined {
    return this.hub.file(repoId, path);
  }

  bytesServed(pathPart = ""): number {
    return this.hub.bytesServed(pathPart);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.hub.unreachable) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const method = req.method ?? "GET";
    const request = new Request(new URL(req.url ?? "/", this.url), {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(Buffer.concat(chunks)) }),
    });
    const response = await this.hub.handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : undefined);
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const server = await FakeHubServer.start({ port: Number(arg("port") ?? "0"), host: arg("host") ?? "127.0.0.1" });
  if (!argv.includes("--no-seed")) {
    server.addDataset("distilabel-internal-testing/instruction-dataset-mini", {
      files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows()) },
    });
    server.addDataset("distilflare-test/private-dataset", { private: true, files: { "data/train-00000-of-00001.parquet": writeParquet(quickstartRows(3)) } });
  }
  console.log(JSON.stringify({ url: server.url, write_token: FAKE_HUB_WRITE_TOKEN, read_token: FAKE_HUB_READ_TOKEN }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv.slice(2));
