import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { personKeyOf } from '../../activities/person-registry.activities';
import { LOCAL_PERSON_KEY_SECRET } from '../../libs/config/src';
import { personWorkflowId, type ExtraditionWorkflowInput, type PersonRegistryState } from '../../libs/contracts/src';
import { awaitFiledUpdate, caseCommandUpdate, personRegistryStateQuery } from '../../libs/contracts/src';
import { extraditionInputFor } from '../replay/representative-runs';
import { xas } from '../support/extradition-fixtures';
import { TimeSkippingHarness } from '../support/time-skipping';

// Conflicting extradition requests (ECE art. 17) are linked by a per-person workflow, not by the API:
// the link must appear on both cases whatever crashes on the way, and GRANT must wait for the choice.

const factors = { seriousness: 'comparable', placeOfOffence: 'Lagos', datesOfRequests: 'A first', nationality: 'Nigerian national', reExtradition: 'none' };

describe('person registry: conflicting extradition requests linked in Temporal', () => {
  const h = new TimeSkippingHarness('person-test');
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = (await h.start()).env;
  }, 120000);

  afterAll(() => h.stop());

  let n = 0;
  const file = async (identifier: string, requestedState = 'BJ') => {
    const caseId = `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`;
    const base = extraditionInputFor(caseId);
    const input: ExtraditionWorkflowInput = {
      ...base,
      ctx: { ...base.ctx, requestedState },
      content: { ...base.content, person: { ...base.content.person, identifier } },
      provisionalArrest: undefined,
    };
    const handle = await env.client.workflow.start('extraditionWorkflow', { workflowId: `ext-${caseId}`, taskQueue: 'person-test', args: [input] });
    await handle.executeUpdate(awaitFiledUpdate);
    const cmd = (who: Parameters<typeof xas>[0], c: Parameters<typeof xas>[1]) => handle.executeUpdate(caseCommandUpdate, { args: [xas(who, c)] });
    return { caseId, handle, cmd };
  };
  const registryOf = (identifier: string, requestedState = 'BJ') =>
    env.client.workflow.getHandle(personWorkflowId(personKeyOf(LOCAL_PERSON_KEY_SECRET, requestedState, identifier)));
  const links = (caseId: string) => h.eventsOf(caseId).filter((e) => e.type === 'LINK_CONFLICT');
  const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 60000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await ok()) return;
    throw new Error(`timed out waiting for ${what}`);
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    return cause.details?.[0] as { code: string; legalRef?: string };
  };

  it('links both cases although registration and linking crash before and after their effect, and GRANT waits for the choice', async () => {
    const identifier = 'NG-PASSPORT-CRASH-1';
    h.crashPersonRegistry = { registerExtraditionRequest: 2, linkConflictingRequest: 3 };
    const a = await file(identifier);
    const b = await file(` ng-passport-crash-1 `); // the same passport, written otherwise
    const other = await file(identifier, 'GH'); // another requested State: no conflict

    await until('both links', () => links(a.caseId).length > 0 && links(b.caseId).length > 0);
    // Each crash "after" repeated an effect already made: the registry and the update ids absorbed it.
    expect(h.personRegistryCrashes).toEqual([
      'registerExtraditionRequest:before',
      'registerExtraditionRequest:after',
      'linkConflictingRequest:before',
      'linkConflictingRequest:after',
      'linkConflictingRequest:before',
    ]);
    expect(links(a.caseId).map((e) => e.data)).toEqual([{ linkedCaseId: b.caseId }]);
    expect(links(b.caseId).map((e) => e.data)).toEqual([{ linkedCaseId: a.caseId }]);
    for (const c of [a, b]) expect(h.lastSnapshot(c.caseId).flags).toContain('CONFLICTING_REQUESTS');
    expect(links(other.caseId)).toEqual([]);
    expect(await registryOf(identifier).query(personRegistryStateQuery)).toEqual<PersonRegistryState>({ open: [a.caseId, b.caseId], arriving: [] });
    // No personal data in the registry's id.
    expect(registryOf(identifier).workflowId).toMatch(/^person-[0-9a-f]{64}$/);

    await a.cmd('REQUESTING_PROSECUTOR', { type: 'SUBMIT' });
    await a.cmd('REQUESTING_CA', { type: 'APPROVE' });
    await a.cmd('REQUESTING_CA', { type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV-1' });
    await a.cmd('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' });
    await a.cmd('REQUESTED_CA', { type: 'RECORD_CONSENT' });
    expect(await refusal(a.cmd('REQUESTED_CA', { type: 'GRANT' }))).toMatchObject({ code: 'CONFLICTING_REQUESTS_CHOICE_REQUIRED', legalRef: 'ECE art. 17' });
    await a.cmd('REQUESTED_CA', { type: 'RECORD_CONFLICT_CHOICE', preferredCaseId: a.caseId, factors });
    expect((await a.cmd('REQUESTED_CA', { type: 'GRANT' })).state).toBe('GRANTED');

    await other.handle.terminate();
    // Ended cases leave the registry; the last one out ends it.
    await b.cmd('REQUESTING_CA', { type: 'WITHDRAW', reason: 'the other request was preferred' });
    await until('b deregistered', async () => (await registryOf(identifier).query(personRegistryStateQuery)).open.join() === a.caseId);
    await a.cmd('REQUESTING_CA', { type: 'WITHDRAW', reason: 'person surrendered by another route' });
    await registryOf(identifier).result();
  });

  it('does not link a newcomer to a request that ended without a word (its workflow terminated)', async () => {
    const identifier = 'NG-PASSPORT-ENDED-2';
    const gone = await file(identifier);
    await until('registered', async () => (await registryOf(identifier).query(personRegistryStateQuery)).open.length === 1);
    await gone.handle.terminate();
    const newcomer = await file(identifier);
    await until('the ended request dropped', async () => (await registryOf(identifier).query(personRegistryStateQuery)).open.join() === newcomer.caseId);
    expect(links(newcomer.caseId)).toEqual([]);
    expect(h.lastSnapshot(newcomer.caseId).flags).not.toContain('CONFLICTING_REQUESTS');
    await newcomer.handle.terminate();
  });
});
