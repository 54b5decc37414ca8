import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  deregisterRequestSignal,
  personRegistryStateQuery,
  registerRequestSignal,
  type PersonRegistryActivities,
  type PersonRegistryInput,
} from '../../libs/contracts/src';

const links = proxyActivities<PersonRegistryActivities>({
  startToCloseTimeout: '1 minute',
  // A link that cannot be sent now (Temporal or the worker away) must be sent later, never forgotten.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const DEFAULT_CONTINUE_AS_NEW_AFTER = 1000;

const pairOf = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * The open extradition requests for one person in one requested State (its id is a keyed hash of
 * both, never the identifier). Each newcomer is linked with every open request on both cases by the
 * LINK_CONFLICT system command, so that neither can be granted before the requested State records its
 * choice (ECE art. 17). Ends when no request is open; continues as new if it lives long.
 */
export async function personRegistryWorkflow(input: PersonRegistryInput = {}): Promise<void> {
  const open: string[] = [...(input.open ?? [])];
  const arriving: string[] = [...(input.arriving ?? [])];
  const linked = new Set(input.linked ?? []);

  const drop = (caseId: string) => {
    for (const list of [open, arriving]) {
      const i = list.indexOf(caseId);
      if (i >= 0) list.splice(i, 1);
    }
    for (const pair of [...linked]) if (pair.split('|').includes(caseId)) linked.delete(pair);
  };

  setHandler(registerRequestSignal, ({ caseId }) => {
    // Registration is at least once (an activity): a repeat changes nothing.
    if (!open.includes(caseId) && !arriving.includes(caseId)) arriving.push(caseId);
  });
  setHandler(deregisterRequestSignal, ({ caseId }) => drop(caseId));
  setHandler(personRegistryStateQuery, () => ({ open: [...open], arriving: [...arriving] }));

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  const long = () => workflowInfo().historyLength >= limit || workflowInfo().continueAsNewSuggested;

  for (;;) {
    await condition(() => arriving.length > 0 || open.length === 0 || long());
    if (arriving.length > 0) {
      const newcomer = arriving[0];
      for (const other of [...open]) {
        if (!arriving.includes(newcomer)) break;
        if (!open.includes(other) || linked.has(pairOf(newcomer, other))) continue;
        // The open request learns of the newcomer first: one that has ended meanwhile is left out.
        if ((await links.linkConflictingRequest({ caseId: other, otherCaseId: newcomer })) === 'CASE_ENDED') {
          drop(other);
          continue;
        }
        if ((await links.linkConflictingRequest({ caseId: newcomer, otherCaseId: other })) === 'CASE_ENDED') {
          drop(newcomer);
          break;
        }
        linked.add(pairOf(newcomer, other));
      }
      const i = arriving.indexOf(newcomer);
      if (i >= 0) {
        arriving.splice(i, 1);
        open.push(newcomer);
      }
      continue;
    }
    await condition(allHandlersFinished);
    // Nothing open: the person is forgotten. A later filing starts a fresh run under the same id.
    if (open.length === 0 && arriving.length === 0) return;
    if (long())
      return continueAsNew<typeof personRegistryWorkflow>({ open, arriving, linked: [...linked], continueAsNewAfterEvents: input.continueAsNewAfterEvents });
  }
}
