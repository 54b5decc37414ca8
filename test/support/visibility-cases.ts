// A generated set of cases for the visibility matrix: every kind of case in every one of its states,
// before and after transmission, escalated and forwarded or not, with and without a conflicting
// extradition request, on pairs that have liaison magistrates, focal points and executing authorities.
// Every class of field carries a marker, so a test can tell whether a reader received it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMESTIC_STATES, EXTRADITION_STATES, MLA_STATES, isDomesticTerminal, isExtraditionTerminal, isTerminal, type MlaState } from '../../libs/domain/src';
import type { CaseEventRow, CaseRow, CaseTaskRow } from '../../libs/persistence/src';
import type { CaseFacts, Class, SeedUser } from './visibility-rules';

export const MARK: Record<Class, string> = {
  content: 'MARK-CONTENT',
  persons: 'MARK-PERSONS',
  comments: 'MARK-COMMENTS',
  notes: 'MARK-NOTES',
  data: 'MARK-DATA',
  documents: 'MARK-DOCUMENTS',
  conflict: 'CONFLICTING_REQUESTS',
};

/** The other request of a conflict: its id is the conflict's marker too. */
export const OTHER_REQUEST_ID = '0c0ff1c7-0000-4000-8000-00000000c0f1';

const PAIRS: Array<[string, string, string]> = [
  ['NG', 'IT', 'NG-PROS-DPP'],
  ['IT', 'NG', 'IT-PROS-CATANIA'],
  ['FR', 'SN', 'FR-PROS-PARIS'],
  ['SN', 'GH', 'SN-PROS-DAKAR'],
  ['TG', 'BJ', 'TG-PROS-LOME'],
];
const EXECUTING: Record<string, string> = { IT: 'IT-PROS-CATANIA', NG: 'NG-POL-NPF', SN: 'SN-POL-DNLT', GH: 'GH-POL-AHTU', BJ: 'BJ-IJ-COTONOU' };
const VARIANTS = [
  { transmitted: false, escalated: false, forwarded: false },
  { transmitted: true, escalated: false, forwarded: false },
  { transmitted: true, escalated: true, forwarded: true },
];

export interface MatrixCase {
  facts: CaseFacts;
  row: CaseRow;
  history: CaseEventRow[];
  tasks: CaseTaskRow[];
}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function matrixCases(): MatrixCase[] {
  const kinds: Array<{ kind: CaseFacts['kind']; states: readonly string[]; terminal: (s: string) => boolean; conflict: boolean }> = [
    { kind: 'MLA', states: MLA_STATES, terminal: (s) => isTerminal(s as MlaState), conflict: false },
    { kind: 'EXTRADITION', states: EXTRADITION_STATES, terminal: isExtraditionTerminal, conflict: false },
    { kind: 'EXTRADITION', states: EXTRADITION_STATES, terminal: isExtraditionTerminal, conflict: true },
    { kind: 'DOMESTIC_PROSECUTION', states: DOMESTIC_STATES, terminal: (s) => isDomesticTerminal(s as never), conflict: false },
  ];
  const cases: MatrixCase[] = [];
  for (const k of kinds) {
    for (const state of k.states) {
      for (const [from, to, authority] of PAIRS) {
        for (const v of VARIANTS) {
          const facts: CaseFacts = {
            kind: k.kind,
            requestingState: from,
            requestedState: to,
            requestingAuthorityId: authority,
            transmitted: v.transmitted,
            terminal: k.terminal(state),
            executingAuthorityIds: v.forwarded ? [EXECUTING[to]] : [],
            escalatedToFocalPointsOf: v.escalated ? [from, to] : [],
            conflict: k.conflict,
          };
          cases.push(build(uuid(cases.length + 1), state, facts));
        }
      }
    }
  }
  return cases;
}

function build(id: string, state: string, f: CaseFacts): MatrixCase {
  const at = new Date('2026-03-02T09:00:00Z');
  const instant = at.getTime();
  const row: CaseRow = {
    id,
    kind: f.kind,
    state: state as MlaState,
    version: 6,
    requestingState: f.requestingState,
    requestingAuthorityId: f.requestingAuthorityId,
    requestedState: f.requestedState,
    legalBasis: 'UNTOC-2000',
    rulePackVersion: 1,
    createdBy: 'u-sn-prosecutor',
    assistanceTypes: ['BANK_RECORDS'],
    subjectOfProceedings: `${MARK.content} subject`,
    factsSummary: `${MARK.content} facts`,
    purpose: `${MARK.content} purpose`,
    persons: [{ role: 'SUSPECT', name: `${MARK.persons} name`, dateOfBirth: '1980-01-01' }],
    language: 'en',
    urgency: 'NORMAL',
    requestedByDate: '2026-06-01',
    deadlineReason: `${MARK.content} detention`,
    transmitted: f.transmitted,
    executingAuthorityIds: [...f.executingAuthorityIds],
    escalatedToFocalPointsOf: [...f.escalatedToFocalPointsOf],
    flags: f.conflict ? ['CONFLICTING_REQUESTS', 'STALLED'] : ['STALLED'],
    detail: {
      clocks: [
        { id: 'k1', ruleId: 'CA_REVIEW', kind: 'SLA', side: 'REQUESTING', status: 'RUNNING', startedAt: instant, breachAt: instant + 86_400_000, firings: 0 },
      ],
      items: [
        { id: 'item-1', assistanceType: 'BANK_RECORDS', status: 'EXECUTED', executingAuthorityId: f.executingAuthorityIds[0], note: `${MARK.notes} item` },
      ],
      metrics: { reminders: 0, escalations: 0 },
      transmission: { channel: 'CA_DIRECT', reference: `${MARK.documents} dispatch`, at: instant, by: 'u-sn-ca', oral: false },
      translation: { language: 'en', documentRef: `${MARK.documents} translation`, at: instant },
      postponement: { reviewDate: '2026-05-01', reasons: `${MARK.comments} postponement` },
      refusal: { ground: 'OTHER', legalRef: 'UNTOC art. 18(21)', reasons: `${MARK.comments} refusal` },
      basisOverride: { at: instant, by: 'u-admin', justification: `${MARK.comments} override` },
      ...(f.kind === 'EXTRADITION'
        ? {
            formalRequest: {
              status: 'TRANSMITTED',
              reviewCycles: [],
              transmission: { channel: 'CA_DIRECT', reference: `${MARK.documents} formal`, at: at.toISOString(), by: 'u' },
            },
            provisionalArrest: { channel: 'INTERPOL_URGENT', reference: `${MARK.documents} diffusion`, at: instant },
            custody: { days: 3, atLiberty: false },
            conflict: { linkedCaseIds: f.conflict ? [OTHER_REQUEST_ID] : [] },
          }
        : {}),
    },
    linkedCaseId: null,
    lastPartyEventAt: at,
    filedAt: at,
    createdAt: at,
    updatedAt: at,
  };
  const actor = { actorId: 'u-sn-ca', actorRole: 'CENTRAL_AUTHORITY', actorState: f.requestingState, actorAuthorityId: 'X', at, legalRef: null, notify: null };
  const event = (seq: number, name: string, over: Partial<CaseEventRow>): CaseEventRow => ({
    seq,
    event: name,
    fromState: 'DRAFT',
    toState: state,
    comment: null,
    data: null,
    ...actor,
    ...over,
  });
  const history = [
    event(0, 'FILED', { fromState: null, data: { rulePack: { version: 1, marker: MARK.data } } }),
    event(1, 'RETURN_FOR_CORRECTION', { comment: `${MARK.comments} correction` }),
    event(2, 'TRANSMIT', {
      data: { reference: MARK.data },
      notify: [{ stateCode: f.requestedState, addressee: 'REQUESTED_CA', message: `${MARK.data} notify` }],
    }),
    event(3, 'NOTE', { comment: `${MARK.notes} note` }),
    event(4, 'RECORD_EXECUTION', { comment: `${MARK.notes} executed` }),
    ...(f.conflict
      ? [
          event(5, 'LINK_CONFLICT', { data: { linkedCaseId: OTHER_REQUEST_ID } }),
          event(6, 'RECORD_CONFLICT_CHOICE', { data: { preferredCaseId: OTHER_REQUEST_ID } }),
        ]
      : []),
  ];
  const tasks: CaseTaskRow[] = [
    {
      taskId: 't1',
      kind: 'INFO_RESPONSE',
      level: 0,
      addressee: 'REQUESTING_PROSECUTOR',
      addresseeStates: [f.requestingState],
      reason: `${MARK.comments} details`,
      createdAt: at,
      dueAt: null,
      status: 'OPEN',
      resolvedAt: null,
    },
    {
      taskId: 't2',
      kind: 'ESCALATION',
      level: 3,
      addressee: 'FOCAL_POINTS',
      addresseeStates: [...f.escalatedToFocalPointsOf],
      reason: 'CA review overdue',
      createdAt: at,
      dueAt: null,
      status: 'OPEN',
      resolvedAt: null,
    },
  ];
  return { facts: f, row, history, tasks };
}

/** The demo users as the seeds define them, with their liaison postings. */
export function seedUsers(): SeedUser[] {
  const dir = join(__dirname, '..', '..', 'seeds', 'data');
  const users = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8'));
  const postings = JSON.parse(readFileSync(join(dir, 'liaison-postings.json'), 'utf8'));
  return users.map((u: { id: string; roles: string[]; stateCode: string; authorityId: string }) => ({
    id: u.id,
    roles: u.roles,
    stateCode: u.stateCode,
    authorityId: u.authorityId,
    postings: postings
      .filter((p: { userId: string }) => p.userId === u.id)
      .map((p: { homeState: string; hostState: string }) => ({ homeState: p.homeState, hostState: p.hostState })),
  }));
}
