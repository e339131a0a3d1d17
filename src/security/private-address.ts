/**
 * Whether a URL host names this machine, a link-local address or a private network: the places
 * a URL from a pipeline must not reach unless the owner listed it (SSRF). Only literal addresses
 * and reserved names can be told apart here; Workers in production cannot reach private
 * networks by name anyway.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  const v4 = parseIpv4(host);
  if (v4) return isPrivateIpv4(v4);
  if (host.includes(":")) return isPrivateIpv6(host);
  return false;
}

function parseIpv4(host: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
  const parts = host.split(".").map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function isPrivateIpv4([first = 0, second = 0]: number[]): boolean {
  return (
    first === 0 ||
    first === 10 ||
    first === 127 ||
    (first === 100 && second >= 64 && second <= 127) ||
    (first === 169 && second === 254) ||
    (first === 172 && second >= 16 && second <= 31) ||
    (first === 192 && second === 168) ||
    first >= 224
  );
}

function isPrivateIpv6(host: string): boolean {
  if (host === "::" || host === "::1") return true;
  // IPv4-mapped (::ffff:127.0.0.1, or its hex form as URL parsing writes it).
  const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
  if (mapped !== undefined) {
    const v4 = parseIpv4(mapped) ?? hexMapped(mapped);
    return v4 ? isPrivateIpv4(v4) : true;
  }
  const head = parseInt(host.split(":")[0] || "0", 16);
  return (head & 0xfe00) === 0xfc00 || (head & 0xffc0) === 0xfe80;
}

function hexMapped(text: string): number[] | undefined {
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!match) return undefined;
  const high = parseInt(match[1] as string, 16);
  const low = parseInt(match[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255];
}
