// The parser against llhttp, Node's own: the same generated requests go to RequestParser and
// to a real node:http server. Where Node accepts, both must see the same requests (method,
// target, headers, body, trailers); where Node rejects, we must reject too. The disagreements
// we keep are listed in KEPT with the reason, and nothing else may disagree.
import { METHODS } from 'node:http';
import { generateCases, SMUGGLING, type Case } from './corpus.js';
import { NodeParser, type Outcome } from './llhttp.js';
import { parseChunks } from './parse.js';

// 10,500 requests through a real node:http server: about 13 s alone, several times that
// beside other test projects on two cores. jest's 60 s default would make that a failure.
jest.setTimeout(600_000);

const SEED = 0x5eed23;
const CASES = 10_500;
const CONNECTIONS_AT_ONCE = 16;

function ours(...chunks: Buffer[]): Outcome {
  const { requests, error } = parseChunks(chunks);
  return {
    requests: requests.map(({ head, body, trailers }) => ({ method: head.method, target: head.target, headers: head.headers, body, trailers })),
    rejected: error !== undefined,
    detail: error === undefined ? '' : `${error.status} ${error.message}`,
  };
}

/** Where we are stricter than llhttp, each matched by our error: RFC 9112 asks for it. */
const STRICTER: Array<[message: RegExp, reason: string]> = [
  [/more than one Host header/, 'RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host field; llhttp does not count them'],
  [/Transfer-Encoding in an HTTP\/1.0 request/, 'RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message MUST be treated as faulty framing; llhttp reads it as chunked'],
  [/only chunked is implemented/, 'RFC 9112 §6.1: a transfer coding the server does not decode gets 501; Node passes the still-coded body (gzip, chunked) to the handler'],
  [/request-target '\*' is only for OPTIONS/, "RFC 9112 §3.2.4: the asterisk-form is only for a server-wide OPTIONS; llhttp accepts '*' with any method"],
  [/has an empty list element/, "RFC 9110 §5.6.1 would have empty list elements ignored, but in a framing field any reading two parsers could differ on is a desync: we refuse them all; llhttp refuses a trailing one ('chunked,') and accepts a leading one (',chunked')"],
  [/HTTP version (0\.9|2\.0) is not supported|no HTTP version \(HTTP\/0\.9/, 'RFC 9112 §2.3: a server answers 505 to a version it does not speak; llhttp parses HTTP/0.9 (no version) and HTTP/2.0 request lines as HTTP/1 messages'],
  [/a bare LF before the request line/, 'RFC 9112 §2.2 lets a server skip empty lines (CRLF) before a request line; llhttp also skips a bare LF, we refuse bare LF everywhere'],
  [/more than one space before the HTTP version/, 'RFC 9112 §3: a single SP separates the parts of the request line (and §3 warns that lenient parsing leads to smuggling); llhttp accepts several'],
  [/header fields \(maxHeaders\)/, 'maxHeaders (100) answers 431; Node accepts up to 2000 fields and silently drops the rest (maxHeadersCount)'],
];
/** Where we accept what llhttp refuses. */
const LAXER_UNKNOWN_METHOD = 'RFC 9110 §9.1: a method is any token; llhttp knows a fixed list (http.METHODS) and refuses others, we parse them and leave the 501 to the server';

const NODE_READS_ON = 'Node answers 400 to an HTTP/1.1 request without Host but goes on reading the connection; we close it after any rejected request, whose framing cannot be trusted';

/** Why the two outcomes of a case differ, or undefined if they differ in a way we do not accept. */
function explain(node: Outcome, mine: Outcome): string | undefined {
  let same = 0;
  while (same < node.requests.length && same < mine.requests.length && JSON.stringify(node.requests[same]) === JSON.stringify(mine.requests[same])) same++;
  // We read on where llhttp stopped at an unknown method.
  const next = mine.requests[same];
  if (node.rejected && next !== undefined && !METHODS.includes(next.method)) return LAXER_UNKNOWN_METHOD;
  if (!node.rejected && !mine.rejected) return undefined;
  // Node answers 400 to a request without Host and reads on; we close after any rejection.
  if (node.detail === 'answered 400' && /without a Host header/.test(mine.detail) && same === mine.requests.length) return NODE_READS_ON;
  if (mine.rejected && same === mine.requests.length && (node.requests.length > same || !node.rejected)) {
    return STRICTER.find(([message]) => message.test(mine.detail))?.[1];
  }
  return undefined;
}

async function runAll(node: NodeParser, cases: Case[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      outcomes[i] = await node.parse(cases[i]!.bytes);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS_AT_ONCE }, worker));
  return outcomes;
}

describe('RequestParser against llhttp (node:http)', () => {
  const node = new NodeParser();
  beforeAll(() => node.listen());
  afterAll(() => node.close());

  it(`agrees on ${CASES} generated, mutated and smuggling requests, but for the listed disagreements`, async () => {
    const cases = generateCases(SEED, CASES);
    const nodeOutcomes = await runAll(node, cases);
    const counts = { acceptedByBoth: 0, rejectedByBoth: 0 };
    const kept = new Map<string, number>();
    const splitMismatches: string[] = [];
    const unexplained = new Map<string, { count: number; example: string }>();
    cases.forEach((c, i) => {
      const theirs = nodeOutcomes[i]!;
      const mine = ours(c.bytes);
      // The same bytes split in two (after the first byte, before the last, and at a point
      // that moves from case to case) must parse the same.
      for (const cut of [1, c.bytes.length - 1, (i * 7919) % (c.bytes.length + 1)]) {
        if (JSON.stringify(ours(c.bytes.subarray(0, cut), c.bytes.subarray(cut))) !== JSON.stringify(mine)) splitMismatches.push(`${c.kind} split at ${cut}`);
      }
      if (JSON.stringify(theirs.requests) === JSON.stringify(mine.requests) && theirs.rejected === mine.rejected) {
        if (mine.rejected) counts.rejectedByBoth++;
        else counts.acceptedByBoth++;
        return;
      }
      const reason = explain(theirs, mine);
      if (reason !== undefined) kept.set(reason, (kept.get(reason) ?? 0) + 1);
      else {
        const key = `node ${theirs.rejected ? theirs.detail : 'accepted'} / ours ${mine.rejected ? mine.detail : 'accepted'}`;
        const seen = unexplained.get(key) ?? { count: 0, example: '' };
        if (seen.count < 3) seen.example += `${c.kind}: ${JSON.stringify(c.bytes.toString('latin1')).slice(0, 400)}\n    node: ${JSON.stringify(theirs.requests).slice(0, 300)}\n    ours: ${JSON.stringify(mine.requests).slice(0, 300)}\n    `;
        seen.count++;
        unexplained.set(key, seen);
      }
    });
    console.log([
      `differential test, seed ${SEED}: ${cases.length} cases (${SMUGGLING.length} smuggling inputs)`,
      `  accepted by both, parsed the same: ${counts.acceptedByBoth}`,
      `  rejected by both: ${counts.rejectedByBoth}`,
      ...[...kept].map(([reason, n]) => `  kept disagreement (${n}): ${reason}`),
      `  unexplained disagreements: ${[...unexplained.values()].reduce((n, u) => n + u.count, 0)}`,
      ...[...unexplained].map(([key, { count, example }]) => `  (${count}) ${key}\n    ${example}`),
    ].join('\n'));
    expect([...unexplained.keys()]).toEqual([]);
    expect(splitMismatches).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    // Both kinds of input are there in numbers: the agreement is not vacuous.
    expect(counts.acceptedByBoth).toBeGreaterThan(3000);
    expect(counts.rejectedByBoth).toBeGreaterThan(2000);
  });

  it('rejects every smuggling input that llhttp rejects, and parses the others as llhttp does', async () => {
    for (const [name, text] of SMUGGLING) {
      const bytes = Buffer.from(text, 'latin1');
      const theirs = await node.parse(bytes);
      const mine = ours(bytes);
      const agree = JSON.stringify(theirs.requests) === JSON.stringify(mine.requests) && theirs.rejected === mine.rejected;
      expect({ name, agree: agree || explain(theirs, mine) !== undefined }).toEqual({ name, agree: true });
      if (theirs.rejected) expect({ name, rejected: mine.rejected }).toEqual({ name, rejected: true });
    }
  });
});
