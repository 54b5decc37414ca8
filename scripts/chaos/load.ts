import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer, ChaosHttp } from './client';

/** Who files and who answers, per pair of States; every user is seeded (seeds/data/users.json). */
export interface Pair {
  requesting: string;
  requested: string;
  legalBasis: string;
  language: string;
}

export const PAIRS: Pair[] = [
  { requesting: 'SN', requested: 'GH', legalBasis: 'ECOWAS-MLA-1992', language: 'fr' },
  { requesting: 'GH', requested: 'SN', legalBasis: 'ECOWAS-MLA-1992', language: 'fr' },
  { requesting: 'NG', requested: 'NE', legalBasis: 'UNTOC-2000', language: 'fr' },
  { requesting: 'SN', requested: 'ML', legalBasis: 'UNTOC-2000', language: 'fr' },
];

export const prosecutorOf = (state: string) => `u-${state.toLowerCase()}-prosecutor`;
export const caOf = (state: string) => `u-${state.toLowerCase()}-ca`;

export type OpKind = 'FILE' | 'SUBMIT' | 'NOTE' | 'APPROVE' | 'TRANSMIT' | 'ACKNOWLEDGE' | 'REQUEST_INFO' | 'PROVIDE_INFO' | 'WITHDRAW';

/** One POST the clients made, with what they learnt of its fate. */
export interface Op {
  key: string;
  kind: OpKind;
  /** The audit event the op leaves (FILED for a filing; the command type otherwise). */
  event: string;
  actor: string;
  path: string;
  body: unknown;
  /** State the case should be in afterwards (transitions only). */
  expect?: string;
  /** NOTE: the note's text, unique per op. */
  text?: string;
  acked: boolean;
  status: number;
  outcome: string;
  attempts: number;
  /** Every exchange of the request: answer (or error) and its duration, in order. */
  trail: string;
  ms: number;
  /** Not acknowledged, but a later read showed the change made (a retry hit a 409 from the state machine, say). */
  observedApplied?: boolean;
  /** Acknowledged with 202: the effect was then read (true) or not seen in time (false). */
  accepted202Seen?: boolean;
}

export interface CaseRun {
  index: number;
  pair: Pair;
  /** Unique text in `purpose`: finds the case(s) a filing made, whatever id the engine chose. */
  marker: string;
  caseId?: string;
  ops: Op[];
  /** Why the chain of commands stopped early, if it did. */
  stopped?: string;
}

export function filingBody(pair: Pair, marker: string) {
  return {
    requestedState: pair.requested,
    legalBasis: pair.legalBasis,
    assistanceTypes: ['BANK_RECORDS'],
    subjectOfProceedings: 'Smuggling of migrants by an organised criminal group',
    factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
    purpose: marker,
    persons: [{ role: 'SUSPECT', name: 'Person A', nationality: pair.requesting }],
    language: pair.language,
    urgency: 'NORMAL',
  };
}

/** A small deterministic hash, so that the same N gives the same mix of case lengths. */
export function mix(i: number): number {
  let h = (i + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

type Step = Pick<Op, 'kind' | 'event' | 'actor' | 'path' | 'body' | 'expect' | 'text'>;

/** The commands run on case `i` after its filing: a prefix of one life cycle, some withdrawn at the end. */
export function stepsFor(run: CaseRun, runId: string): Step[] {
  const { pair, index: i } = run;
  const pros = prosecutorOf(pair.requesting);
  const ca = caOf(pair.requesting);
  const rca = caOf(pair.requested);
  const note = (n: number) => `chaos ${runId} note ${i}.${n}`;
  const all: Step[] = [
    { kind: 'SUBMIT', event: 'SUBMIT', actor: pros, path: 'submit', body: {}, expect: 'PENDING_CA_REVIEW' },
    { kind: 'NOTE', event: 'NOTE', actor: pros, path: 'notes', body: { text: note(1) }, text: note(1) },
    { kind: 'APPROVE', event: 'APPROVE', actor: ca, path: 'approve', body: { comment: 'complete' }, expect: 'READY_TO_TRANSMIT' },
    { kind: 'TRANSMIT', event: 'TRANSMIT', actor: ca, path: 'transmit', body: { channel: 'CA_DIRECT', reference: `CHAOS/${i}` }, expect: 'TRANSMITTED' },
    { kind: 'ACKNOWLEDGE', event: 'ACKNOWLEDGE', actor: rca, path: 'acknowledge', body: { reference: `ACK/${i}` }, expect: 'RECEIVED' },
    { kind: 'NOTE', event: 'NOTE', actor: rca, path: 'notes', body: { text: note(2) }, text: note(2) },
    {
      kind: 'REQUEST_INFO',
      event: 'REQUEST_INFO',
      actor: rca,
      path: 'information-requests',
      body: { details: `account numbers ${i}` },
      expect: 'ADDITIONAL_INFO_REQUESTED',
    },
    { kind: 'PROVIDE_INFO', event: 'PROVIDE_INFO', actor: pros, path: 'information', body: { details: `accounts 1 to 3 (${i})` }, expect: 'RECEIVED' },
    { kind: 'NOTE', event: 'NOTE', actor: ca, path: 'notes', body: { text: note(3) }, text: note(3) },
  ];
  const depth = mix(i) % (all.length + 1);
  const steps = all.slice(0, depth);
  if (i % 10 === 3)
    steps.push({ kind: 'WITHDRAW', event: 'WITHDRAW', actor: pros, path: 'withdraw', body: { reason: 'proceedings discontinued' }, expect: 'WITHDRAWN' });
  return steps;
}

export interface LoadContext {
  http: ChaosHttp;
  tokens: Map<string, string>;
  runId: string;
  /** After a 202, how long to wait for the accepted change to show in reads. */
  readYourWriteMs: number;
}

function opFrom(step: Step, key: string, a: Answer, ms: number): Op {
  return {
    key,
    ...step,
    acked: a.acked,
    status: a.status,
    outcome: a.gaveUp ?? a.attempts.at(-1)?.outcome ?? String(a.status),
    attempts: a.attempts.length,
    trail: trail(a),
    ms,
  };
}

/** The attempts in order (API port, answer, duration); a long run of retries is shortened in the middle. */
function trail(a: Answer): string {
  const steps = a.attempts.map((x) => `${x.api.replace(/^.*:/, ':')} ${x.outcome} ${(x.ms / 1000).toFixed(1)}s`);
  if (steps.length <= 12) return steps.join(' → ');
  return [...steps.slice(0, 5), `… ${steps.length - 10} more …`, ...steps.slice(-5)].join(' → ');
}

function caseIdFrom(a: Answer): string | undefined {
  if (typeof a.body?.id === 'string') return a.body.id;
  const m = a.location?.match(/\/cases\/([0-9a-f-]{36})/);
  return m?.[1];
}

/** Reads the case until `done` holds for it, or time runs out. */
async function readUntil(ctx: LoadContext, caseId: string, token: string, done: (c: any) => boolean, ms: number): Promise<any | null> {
  const until = Date.now() + ms;
  let last: any = null;
  while (Date.now() < until) {
    const r = await ctx.http.get(`/cases/${caseId}`, token, Math.max(1000, until - Date.now()));
    if (r?.status === 200) {
      last = r.body;
      if (done(r.body)) return r.body;
    }
    await sleep(500);
  }
  return done(last ?? {}) ? last : null;
}

const noteSeen = (text: string) => (c: any) =>
  Array.isArray(c?.history) && c.history.some((h: { event: string; comment?: string }) => h.event === 'NOTE' && h.comment === text);

/** Files case `run` and runs its commands, one after the other, as a user would. */
export async function driveCase(ctx: LoadContext, run: CaseRun): Promise<void> {
  const pros = prosecutorOf(run.pair.requesting);
  const fileKey = `chaos-${ctx.runId}-${run.index}-file`;
  const fileStep: Step = { kind: 'FILE', event: 'FILED', actor: pros, path: '/cases', body: filingBody(run.pair, run.marker) };
  let t = Date.now();
  const filed = await ctx.http.post('/cases', ctx.tokens.get(pros)!, fileKey, fileStep.body);
  const fileOp = opFrom(fileStep, fileKey, filed, Date.now() - t);
  run.ops.push(fileOp);
  if (!filed.acked) {
    run.stopped = `filing not acknowledged: ${fileOp.outcome}`;
    return;
  }
  run.caseId = caseIdFrom(filed);
  if (!run.caseId) {
    run.stopped = `filing acknowledged (${filed.status}) without a case id`;
    return;
  }
  if (filed.status === 202) {
    fileOp.accepted202Seen = (await readUntil(ctx, run.caseId, ctx.tokens.get(pros)!, (c) => c?.id === run.caseId, ctx.readYourWriteMs)) !== null;
    if (!fileOp.accepted202Seen) {
      run.stopped = 'filing accepted (202) but the case did not appear';
      return;
    }
  }

  let n = 0;
  for (const step of stepsFor(run, ctx.runId)) {
    n += 1;
    const key = `chaos-${ctx.runId}-${run.index}-${n}-${step.kind.toLowerCase()}`;
    const token = ctx.tokens.get(step.actor)!;
    t = Date.now();
    const a = await ctx.http.post(`/cases/${run.caseId}/${step.path}`, token, key, step.body);
    const op = opFrom(step, key, a, Date.now() - t);
    run.ops.push(op);
    const reached = (c: any) => (step.text ? noteSeen(step.text)(c) : c?.state === step.expect);
    if (a.acked && a.status === 202) {
      op.accepted202Seen = (await readUntil(ctx, run.caseId, token, reached, ctx.readYourWriteMs)) !== null;
      if (!op.accepted202Seen) {
        run.stopped = `${step.kind} accepted (202) but not visible after ${ctx.readYourWriteMs / 1000} s`;
        return;
      }
      continue;
    }
    if (a.acked) {
      if (step.expect && a.body?.state !== step.expect) {
        run.stopped = `${step.kind} answered ${a.status} in state ${a.body?.state}, not ${step.expect}`;
        return;
      }
      continue;
    }
    // Not acknowledged: did an earlier attempt take effect? Then the life cycle goes on from there.
    const seen = await readUntil(ctx, run.caseId, token, reached, 3000);
    if (seen) {
      op.observedApplied = true;
      continue;
    }
    run.stopped = `${step.kind} not acknowledged: ${op.outcome}`;
    return;
  }
}
