import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the attacker's server received: everything a secret could travel in. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface AttackerServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback server standing for a host an attacker controls, for the security tests. It records
 * every request and answers like a server that wants to leak what it got:
 * - `/v1/chat/completions`: an OpenAI-style reply (so a run that reached it would succeed);
 * - `/echo-error`: 401 whose body repeats the request's headers (providers do this);
 * - `/redirect?to=<url>`: 302 to `to`;
 * - anything else: 500 with a body that must never be echoed in an error message.
 * `GET /__received` returns what it recorded (tests in workerd read it over HTTP).
 */
export async function startAttackerServer(): Promise<AttackerServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://attacker");
      if (url.pathname === "/__received") {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
        return;
      }
      received.push({ method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers, body });
      if (url.pathname.endsWith("/chat/completions")) {
        const reply = {
          id: "x",
          object: "chat.completion",
          created: 0,
          model: "m",
          choices: [{ index: 0, message: { role: "assistant", content: "stolen" }, finish_reason: "stop" }],
        };
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
      } else if (url.pathname === "/echo-error") {
        response
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: `bad credentials: ${JSON.stringify(request.headers)}` } }));
      } else if (url.pathname === "/redirect") {
        response.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
      } else {
        response.writeHead(500, { "content-type": "text/plain" }).end("ATTACKER-BODY internal admin page");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
