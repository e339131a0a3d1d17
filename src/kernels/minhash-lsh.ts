/** How the `num_perm` signature slots are cut into bands of rows for LSH. */
export interface LshParams {
  bands: number;
  rows: number;
}

/**
 * datasketch's `_optimal_param`: the (bands, rows) with `bands·rows <= numPerm` minimising
 * the equally weighted areas of false positives (similarity below `threshold` but sharing a
 * band) and false negatives (above it but sharing none). The first pair reaching the minimum
 * wins, in datasketch's search order.
 */
export function optimalLshParams(threshold: number, numPerm: number): LshParams {
  const key = `${threshold}:${numPerm}`;
  const cached = paramsCache.get(key);
  if (cached) return cached;
  // the integrands are polynomials of degree bands·rows <= numPerm: a rule exact to that degree
  const rule = gaussLegendre(Math.ceil((numPerm + 1) / 2) + 1);
  let best: LshParams = { bands: 1, rows: 1 };
  let bestError = Number.POSITIVE_INFINITY;
  for (let bands = 1; bands <= numPerm; bands++) {
    for (let rows = 1; rows <= Math.floor(numPerm / bands); rows++) {
      const collision = (s: number): number => 1 - (1 - s ** rows) ** bands;
      const falsePositive = integrate(rule, collision, 0, threshold);
      const falseNegative = integrate(rule, (s) => 1 - collision(s), threshold, 1);
      const error = 0.5 * falsePositive + 0.5 * falseNegative;
      if (error < bestError) {
        bestError = error;
        best = { bands, rows };
      }
    }
  }
  paramsCache.set(key, best);
  return best;
}

const paramsCache = new Map<string, LshParams>();

interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/** Gauss–Legendre nodes and weights on [-1, 1] by Newton's method on P_n. */
function gaussLegendre(n: number): QuadratureRule {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const previous = z;
      z = previous - p1 / derivative;
      if (Math.abs(z - previous) < 1e-15) break;
    }
    const weight = 2 / ((1 - z * z) * derivative * derivative);
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  return { nodes, weights };
}

function integrate(rule: QuadratureRule, f: (x: number) => number, from: number, to: number): number {
  const half = (to - from) / 2;
  const mid = (to + from) / 2;
  let sum = 0;
  for (let i = 0; i < rule.nodes.length; i++) sum += (rule.weights[i] as number) * f(mid + half * (rule.nodes[i] as number));
  return sum * half;
}

/**
 * A MinHash LSH index that answers "does any indexed signature share a band with this one?"
 * (datasketch's `MinHashLSH` with in-memory storage: a candidate is any shared band, not a
 * verified similarity).
 */
export class MinHashLsh {
  readonly params: LshParams;
  private readonly tables: Array<Set<string>>;

  constructor({ threshold, numPerm }: { threshold: number; numPerm: number }) {
    this.params = optimalLshParams(threshold, numPerm);
    this.tables = Array.from({ length: this.params.bands }, () => new Set<string>());
  }

  hasCandidate(signature: Uint32Array): boolean {
    return this.tables.some((table, band) => table.has(this.bandKey(signature, band)));
  }

  insert(signature: Uint32Array): void {
    this.tables.forEach((table, band) => table.add(this.bandKey(signature, band)));
  }

  private bandKey(signature: Uint32Array, band: number): string {
    const start = band * this.params.rows;
    return signature.subarray(start, start + this.params.rows).join(",");
  }
}
