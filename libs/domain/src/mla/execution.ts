// Handlers of the MLA commands once the request is in the requested State's hands: acknowledgment,
// additional information, consultation, refusal and postponement, execution item by item, results.
import {
  addClock,
  invalidField,
  openTask,
  refusal,
  reminderDueOn,
  resolveOpenTasks,
  startClock,
  stopClocks,
  type Act,
  type Notification,
  type Refused,
} from '../case/clockwork';
import { clockRule } from '../rule-pack';
import { addDays, civilDate, endOfDate } from '../time/calendar';
import { transition } from './clocks';
import { acknowledgedPackage, documentsDrive, documentsStrict, resultsEvidence } from './document-rules';
import { EXECUTING_AUTHORITY_KINDS, REFUSAL_GROUNDS, type AuthorityDirectory, type ItemForwarding, type MlaCommand } from './commands';
import type { MlaItem } from './mla-content';
import type { MlaCaseState, MlaState } from './states';

type Cmd<K extends MlaCommand['type']> = Extract<MlaCommand, { type: K }>;
type A = Act<MlaCaseState>;

const notifyRequesting = (s: MlaCaseState, message: string): Notification[] => [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message }];
const notifyRequested = (s: MlaCaseState, message: string): Notification[] => [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message }];

/**
 * Items go to executing authorities of the requested State that the directory knows (UNTOC art. 18(13):
 * the requested State's central authority forwards to its own competent authorities).
 */
function directoryProblem(s: MlaCaseState, id: string, field: string, directory: AuthorityDirectory): Refused | null {
  const authority = directory[id];
  if (!authority) return invalidField(field, 'known_authority', `${id} is not an authority of the directory`);
  if (authority.stateCode !== s.ctx.requestedState) {
    return invalidField(
      field,
      'requested_state_authority',
      `${id} is an authority of ${authority.stateCode}: items are forwarded only to authorities of the requested State ${s.ctx.requestedState}`,
    );
  }
  if (!EXECUTING_AUTHORITY_KINDS.has(authority.kind)) {
    return invalidField(field, 'executing_authority', `${id} is a ${authority.kind.toLowerCase().replace(/_/g, ' ')}, not an executing authority`);
  }
  return null;
}

function forward(s: MlaCaseState, forwarding: ItemForwarding[], at: number, directory?: AuthorityDirectory): { ok: true; state: MlaCaseState } | Refused {
  let items = s.items;
  for (const [index, f] of forwarding.entries()) {
    if (!f.executingAuthorityId?.trim()) return { ...invalidField('forward.executingAuthorityId', 'required', 'executingAuthorityId required') };
    const problem = directory && directoryProblem(s, f.executingAuthorityId, `forward[${index}].executingAuthorityId`, directory);
    if (problem) return problem;
    for (const id of f.itemIds) {
      const item = items.find((i) => i.id === id);
      if (!item)
        return refusal('INVALID', 'INVALID_COMMAND', `no item ${id} in this request`, {
          errors: [{ field: 'forward.itemIds', rule: 'known_item', message: `no item ${id}` }],
        });
      if (item.status === 'EXECUTED' || item.status === 'RETURNED') return refusal('CONFLICT', 'ITEM_ALREADY_EXECUTED', `item ${id} is already ${item.status}`);
      items = items.map((i) => (i.id === id ? { ...i, status: 'FORWARDED' as const, executingAuthorityId: f.executingAuthorityId, forwardedAt: at } : i));
    }
  }
  let next: MlaCaseState = { ...s, items };
  if (s.itemClocks) for (const f of forwarding) for (const id of f.itemIds) next = startItemClock(next, id, f.executingAuthorityId, at);
  return { ok: true, state: next };
}

/**
 * Each forwarded item's own execution clock (cases filed since domain brief §10 said so), from the
 * pinned pack's ITEM_EXECUTION rule: met when the item is executed, breached on its own, with a reminder
 * to its executing authority ITEM_EXECUTION_REMINDER_BEFORE days ahead. Forwarded again, it starts over.
 */
function startItemClock(s: MlaCaseState, itemId: string, authorityId: string, at: number): MlaCaseState {
  const next = stopClocks(s, (k) => k.kind === 'ITEM_EXECUTION' && k.itemId === itemId, at, 'OBSOLETE', 'CANCELLED');
  const started = startClock(next, 'ITEM_EXECUTION', 'ITEM_EXECUTION', 'REQUESTED', at);
  if (started === next) return next;
  const clock = started.clocks[started.clocks.length - 1];
  const before = clockRule(s.basis.rulePack, 'ITEM_EXECUTION_REMINDER_BEFORE');
  const warnAt = before && clock.lastDay ? reminderDueOn(started, addDays(clock.lastDay, -(before.amount - 1)), s.ctx.timeZones.requested) : undefined;
  const patch = { itemId, authorityId, ...(warnAt !== undefined && warnAt > at ? { warnAt } : {}) };
  return { ...started, clocks: started.clocks.map((k) => (k.id === clock.id ? { ...k, ...patch } : k)) };
}

function derivedExecutionState(items: MlaItem[]): MlaState {
  const done = items.filter((i) => i.status === 'EXECUTED' || i.status === 'RETURNED').length;
  if (done === items.length) return 'EXECUTED';
  return done > 0 ? 'PARTIALLY_EXECUTED' : 'IN_EXECUTION';
}

export const executionHandlers = {
  ACKNOWLEDGE: (s: MlaCaseState, c: Cmd<'ACKNOWLEDGE'>, { at, emit }: A) => {
    // Under documents, what was received is the package sealed at transmission: its hash goes on the record.
    const received = documentsDrive(s) ? acknowledgedPackage(s, c.packageSha256) : null;
    if (received && 'refused' in received) return received.refused;
    const data = { ...(c.reference ? { reference: c.reference } : {}), ...(received ? { packageSha256: received.sha256 } : {}) };
    return emit({ ...transition(s, 'RECEIVED', at), receivedAt: at }, 'RECEIVED', {
      comment: c.comment,
      data: Object.keys(data).length ? data : undefined,
      notify: notifyRequesting(s, 'receipt acknowledged'),
    });
  },
  REQUEST_INFO: (s: MlaCaseState, c: Cmd<'REQUEST_INFO'>, { at, emit }: A) => {
    if (!c.details?.trim()) return invalidField('details', 'required', 'say what additional information is needed (UNTOC art. 18(16))', 'UNTOC art. 18(16)');
    const out = emit({ ...transition(s, 'ADDITIONAL_INFO_REQUESTED', at), resumeTo: s.status }, 'ADDITIONAL_INFO_REQUESTED', {
      comment: c.details,
      notify: notifyRequesting(s, 'additional information requested'),
    });
    const clock = out.state.clocks.find((k) => k.ruleId === 'INFO_RESPONSE' && k.status === 'RUNNING');
    const task = {
      kind: 'INFO_RESPONSE' as const,
      level: 0,
      addressee: 'REQUESTING_PROSECUTOR' as const,
      reason: `provide the additional information requested: ${c.details}`,
    };
    return { ...out, state: openTask(out.state, task, at, clock?.breachAt, clock?.id) };
  },
  PROVIDE_INFO: (s: MlaCaseState, c: Cmd<'PROVIDE_INFO'>, { at, emit }: A) => {
    if (!c.details?.trim()) return invalidField('details', 'required', 'the information provided must be described');
    const to = s.resumeTo ?? 'RECEIVED';
    return emit({ ...transition(s, to, at), resumeTo: undefined }, to, { comment: c.details });
  },
  OPEN_CONSULTATION: (s: MlaCaseState, c: Cmd<'OPEN_CONSULTATION'>, { at, emit }: A) => {
    if (!c.proposal?.trim()) return invalidField('proposal', 'required', 'a consultation states what is proposed (UNTOC art. 18(26))', 'UNTOC art. 18(26)');
    return emit({ ...transition(s, 'CONSULTATION', at), consultationOpenedAt: at }, 'CONSULTATION', {
      comment: c.proposal,
      notify: notifyRequesting(s, 'consultation opened'),
    });
  },
  CONSULTATION_REPLY: (s: MlaCaseState, c: Cmd<'CONSULTATION_REPLY'>, { emit }: A) => {
    if (!c.text?.trim()) return invalidField('text', 'required', 'the reply must not be empty');
    return emit(s, s.status, { comment: c.text });
  },
  REFUSE: (s: MlaCaseState, c: Cmd<'REFUSE'>, { at, emit }: A) => {
    const legalRef = REFUSAL_GROUNDS[c.ground];
    if (!legalRef)
      return invalidField('ground', 'isIn', `ground must be one of ${Object.keys(REFUSAL_GROUNDS).join(', ')} (UNTOC art. 18(21))`, 'UNTOC art. 18(21)');
    if (!c.reasons?.trim())
      return invalidField('reasons', 'required', 'reasons shall be given for any refusal of mutual legal assistance (UNTOC art. 18(23))', 'UNTOC art. 18(23)');
    const next = { ...transition(s, 'REFUSED', at), refusal: { ground: c.ground, legalRef, reasons: c.reasons } };
    return emit(next, 'REFUSED', { comment: c.reasons, legalRef, data: { ground: c.ground }, notify: notifyRequesting(s, `request refused (${c.ground})`) });
  },
  POSTPONE: (s: MlaCaseState, c: Cmd<'POSTPONE'>, { at, emit }: A) => {
    const tz = s.ctx.timeZones.requested;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.reviewDate ?? '')) return invalidField('reviewDate', 'date', 'reviewDate must be a calendar date (YYYY-MM-DD)');
    if (c.reviewDate <= civilDate(at, tz))
      return invalidField('reviewDate', 'in_future', 'the review date of a postponement must be in the future (UNTOC art. 18(25))', 'UNTOC art. 18(25)');
    if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'a postponement must give its reasons (UNTOC art. 18(23), 18(25))', 'UNTOC art. 18(25)');
    let next: MlaCaseState = { ...transition(s, 'POSTPONED', at), postponement: { reviewDate: c.reviewDate, reasons: c.reasons } };
    next = addClock(next, {
      ruleId: 'POSTPONEMENT_REVIEW',
      kind: 'REVIEW_DATE',
      side: 'REQUESTED',
      legalRef: 'UNTOC art. 18(25)',
      verified: true,
      startedAt: at,
      breachAt: reminderDueOn(s, c.reviewDate, tz),
      lastDay: c.reviewDate,
    });
    return emit(next, 'POSTPONED', {
      comment: c.reasons,
      data: { reviewDate: c.reviewDate },
      notify: notifyRequesting(s, `execution postponed until ${c.reviewDate}`),
    });
  },
  /**
   * The requested State notifies, once, that it cannot decide on recognition in time, with its reasons and
   * an estimate: the 30 days become 60 (EIO Directive art. 12(5)).
   */
  EXTEND_RECOGNITION: (s: MlaCaseState, c: Cmd<'EXTEND_RECOGNITION'>, { at, emit }: A) => {
    const legalRef = 'EIO Directive art. 12(5)';
    if (s.recognitionExtension)
      return refusal('CONFLICT', 'RECOGNITION_ALREADY_EXTENDED', 'the time limit for recognition can be extended only once (EIO Directive art. 12(5))', {
        legalRef,
      });
    const clock = s.clocks.find((k) => k.ruleId === 'EIO_RECOGNITION' && (k.status === 'RUNNING' || k.status === 'PAUSED'));
    if (!clock?.lastDay)
      return refusal(
        'CONFLICT',
        'NO_RECOGNITION_TIME_LIMIT',
        'only a European Investigation Order awaiting its recognition decision within the time limit can be extended',
        {
          legalRef,
        },
      );
    if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'the notice states the reasons for the delay (EIO Directive art. 12(5))', legalRef);
    const tz = s.ctx.timeZones.requested;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.estimatedDecisionDate ?? ''))
      return invalidField('estimatedDecisionDate', 'date', 'estimatedDecisionDate must be a calendar date (YYYY-MM-DD)', legalRef);
    const lastDay = addDays(clock.lastDay, 30);
    if (c.estimatedDecisionDate < civilDate(at, tz) || c.estimatedDecisionDate > lastDay)
      return invalidField(
        'estimatedDecisionDate',
        'within_extension',
        `the estimated decision date must fall between today and ${lastDay}, 30 days after the time limit (EIO Directive art. 12(5))`,
        legalRef,
      );
    const shift = endOfDate(lastDay, tz) - endOfDate(clock.lastDay, tz);
    const next: MlaCaseState = {
      ...s,
      clocks: s.clocks.map((k) => (k.id === clock.id ? { ...k, lastDay, breachAt: k.breachAt + shift, legalRef: `${k.legalRef}, 12(5)` } : k)),
      recognitionExtension: { reasons: c.reasons, estimatedDecisionDate: c.estimatedDecisionDate, lastDay, at },
    };
    return emit(next, s.status, {
      comment: c.reasons,
      legalRef,
      data: { clockId: clock.id, previousLastDay: clock.lastDay, lastDay, estimatedDecisionDate: c.estimatedDecisionDate },
      notify: notifyRequesting(s, `recognition cannot be decided in time: expected by ${c.estimatedDecisionDate}, at the latest ${lastDay}`),
    });
  },
  RESUME: (s: MlaCaseState, c: Cmd<'RESUME'>, { at, emit }: A) => emit(transition(s, 'IN_EXECUTION', at), 'IN_EXECUTION', { comment: c.comment }),
  ACCEPT: (s: MlaCaseState, c: Cmd<'ACCEPT'>, { at, emit }: A) => {
    const forwarded = forward(s, c.forward ?? [], at, c.directory);
    if (!forwarded.ok) return forwarded;
    const data = c.forward?.length ? { forward: c.forward } : undefined;
    return emit(transition(forwarded.state, 'IN_EXECUTION', at), 'IN_EXECUTION', {
      comment: c.comment,
      data,
      notify: notifyRequesting(s, 'request accepted for execution'),
    });
  },
  FORWARD_ITEMS: (s: MlaCaseState, c: Cmd<'FORWARD_ITEMS'>, { at, emit }: A) => {
    const forwarded = forward(s, c.forward, at, c.directory);
    if (!forwarded.ok) return forwarded;
    return emit(forwarded.state, s.status, { comment: c.comment, data: { forward: c.forward } });
  },
  RECORD_EXECUTION: (s: MlaCaseState, c: Cmd<'RECORD_EXECUTION'>, { at, actor, emit }: A) => {
    const item = s.items.find((i) => i.id === c.itemId);
    if (!item) return invalidField('itemId', 'known_item', `no item ${c.itemId} in this request`);
    if (item.status !== 'FORWARDED')
      return refusal('CONFLICT', 'ITEM_NOT_FORWARDED', `item ${c.itemId} is ${item.status}: only a forwarded item can be executed`);
    if (item.executingAuthorityId !== actor.authorityId) {
      return refusal('CONFLICT', 'NOT_YOUR_ITEM', `item ${c.itemId} was forwarded to ${item.executingAuthorityId}, not to your authority`);
    }
    const items = s.items.map((i) => (i.id === c.itemId ? { ...i, status: 'EXECUTED' as const, executedAt: at, note: c.note } : i));
    // The item's own execution clock is met (and a reminder it raised is settled).
    const met = stopClocks({ ...s, items }, (k) => k.kind === 'ITEM_EXECUTION' && k.itemId === c.itemId, at, 'RESOLVED');
    const to = derivedExecutionState(items);
    return emit(transition(met, to, at), to, { comment: c.note, data: { itemId: c.itemId } });
  },
  TRANSMIT_RESULTS: (s: MlaCaseState, c: Cmd<'TRANSMIT_RESULTS'>, { at, emit }: A) => {
    if (!c.reference?.trim()) return invalidField('reference', 'required', 'the transmission of results needs a reference');
    const wanted = c.itemIds?.length ? c.itemIds : s.items.filter((i) => i.status === 'EXECUTED').map((i) => i.id);
    for (const id of wanted) {
      const item = s.items.find((i) => i.id === id);
      if (!item) return invalidField('itemIds', 'known_item', `no item ${id} in this request`);
      if (item.status !== 'EXECUTED')
        return refusal('CONFLICT', 'ITEM_NOT_EXECUTED', `item ${id} is ${item.status}: only executed items have results to transmit`);
    }
    if (wanted.length === 0) return refusal('CONFLICT', 'NOTHING_TO_TRANSMIT', 'no executed item has results to transmit');
    const returned = documentsDrive(s) ? resultsEvidence(wanted, c.evidence, documentsStrict(s)) : undefined;
    if (returned && 'refused' in returned) return returned.refused;
    const evidence = returned?.evidence;
    const items = s.items.map((i) => (wanted.includes(i.id) ? { ...i, status: 'RETURNED' as const, returnedAt: at } : i));
    const allReturned = items.every((i) => i.status === 'RETURNED');
    let next: MlaCaseState = { ...s, items };
    if (allReturned) next = { ...transition(next, 'RESULTS_TRANSMITTED', at), resultsTransmittedAt: at };
    const warnings = returned?.warnings ?? [];
    const data = evidence
      ? { itemIds: wanted, reference: c.reference, evidence, ...(warnings.length ? { warnings } : {}) }
      : { itemIds: wanted, reference: c.reference };
    const out = emit(next, allReturned ? 'RESULTS_TRANSMITTED' : s.status, { comment: c.comment, data, notify: notifyRequesting(s, 'results transmitted') });
    return warnings.length ? { ...out, warnings } : out;
  },
  CONFIRM_RECEIPT: (s: MlaCaseState, c: Cmd<'CONFIRM_RECEIPT'>, { at, emit }: A) =>
    emit(transition(s, 'CLOSED', at), 'CLOSED', { comment: c.comment, notify: notifyRequested(s, 'receipt of results confirmed; case closed') }),
  WITHDRAW: (s: MlaCaseState, c: Cmd<'WITHDRAW'>, { at, emit }: A) => {
    if (!c.reason?.trim()) return invalidField('reason', 'required', 'a withdrawal must give its reason');
    const notify = s.transmittedAt !== undefined ? notifyRequested(s, 'request withdrawn') : [];
    return emit(transition(s, 'WITHDRAWN', at), 'WITHDRAWN', { comment: c.reason, notify });
  },
  NOTE: (s: MlaCaseState, c: Cmd<'NOTE'>, { at, actor, emit }: A) => {
    if (!c.text?.trim()) return invalidField('text', 'required', 'a note must not be empty');
    // A liaison magistrate's note is the pre-check they were asked for.
    const next =
      actor.role === 'LIAISON_MAGISTRATE' ? resolveOpenTasks(s, (t) => t.kind === 'PRECHECK', at, 'RESOLVED', 'answered by the liaison magistrate') : s;
    return emit(next, s.status, { comment: c.text });
  },
};
