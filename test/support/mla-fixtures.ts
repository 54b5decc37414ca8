// Test fixtures for the MLA case model (used by unit and workflow tests; never by production code).
import type { ActorRef } from '../../libs/domain/src/roles';
import type { CaseRelation } from '../../libs/domain/src/policy';
import type { ClockRule, LegalBasisSnapshot, RulePackSnapshot } from '../../libs/domain/src/rule-pack';
import type { CaseContext } from '../../libs/domain/src';
import type { CommandEnvelope, MlaCommand } from '../../libs/domain/src';
import type { MlaRequestContent } from '../../libs/domain/src/mla/mla-content';

const rule = (amount: number, unit: ClockRule['unit'] = 'CALENDAR_DAYS'): ClockRule => ({ amount, unit, legalRef: 'test default', verified: false });

/** The scenarios' global test configuration (acceptance/scenarios.md). */
export function testRulePack(over: Partial<RulePackSnapshot> = {}): RulePackSnapshot {
  return {
    instrumentId: 'ECOWAS-MLA-1992',
    version: 1,
    verified: false,
    acceptedLanguages: ['en', 'fr', 'pt'],
    completenessProfile: 'ECOWAS_5_1',
    clocks: {
      CA_REVIEW: rule(5, 'WORKING_DAYS'),
      CA_REVIEW_ESCALATION: rule(10, 'WORKING_DAYS'),
      CORRECTION: rule(10),
      TRANSLATION: rule(10),
      ACK: rule(7),
      NETWORK_ESCALATION_NO_ACK: rule(60),
      REQUESTED_REVIEW: rule(14),
      INFO_RESPONSE: rule(10),
      RESULTS_TRANSMISSION: rule(5),
      STATUS_CHECK: rule(30),
      STALLED_AFTER: rule(30),
      ORAL_CONFIRMATION: rule(48, 'HOURS'),
      DEADLINE_AT_RISK_BEFORE: rule(7),
      PRECHECK: rule(3, 'WORKING_DAYS'),
    },
    ...over,
  };
}

export function testBasis(
  over: Partial<LegalBasisSnapshot> = {},
  states = ['SN', 'ML', 'NG', 'NE', 'GH', 'BF', 'TG', 'GN', 'SL', 'IT', 'BJ'],
): LegalBasisSnapshot {
  return {
    instrumentId: 'ECOWAS-MLA-1992',
    rulePack: testRulePack(),
    parties: states.map((stateCode) => ({ stateCode, from: '1995-01-01', to: null })),
    ...over,
  };
}

export function testContext(over: Partial<CaseContext> = {}): CaseContext {
  return {
    caseId: '00000000-0000-4000-8000-000000000001',
    requestingState: 'SN',
    requestedState: 'ML',
    timeZones: { requesting: 'Africa/Dakar', requested: 'Africa/Bamako' },
    requestedStateLanguages: ['fr'],
    network: { liaisonMagistrate: false, focalPointStates: ['SN', 'ML'] },
    ...over,
  };
}

export function testContent(over: Partial<MlaRequestContent> = {}): MlaRequestContent {
  return {
    assistanceTypes: ['BANK_RECORDS'],
    subjectOfProceedings: 'Smuggling of migrants by an organised criminal group',
    factsSummary: 'Payments for crossings were routed through accounts held abroad.',
    purpose: 'Trace the proceeds',
    persons: [{ role: 'SUSPECT', name: 'Person A' }],
    language: 'fr',
    urgency: 'NORMAL',
    ...over,
  };
}

const ACTORS: Record<string, ActorRef> = {
  REQUESTING_PROSECUTOR: { userId: 'u-req-pros', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS' },
  REQUESTING_CA: { userId: 'u-req-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'SN', authorityId: 'SN-CA' },
  REQUESTED_CA: { userId: 'u-rqd-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'ML', authorityId: 'ML-CA' },
  EXECUTING_AUTHORITY: { userId: 'u-exec', role: 'EXECUTING_AUTHORITY', stateCode: 'ML', authorityId: 'ML-EXEC' },
  LIAISON_MAGISTRATE: { userId: 'u-lm', role: 'LIAISON_MAGISTRATE', stateCode: 'SN', authorityId: 'SN-MOJ' },
  FOCAL_POINT: { userId: 'u-fp', role: 'FOCAL_POINT', stateCode: 'ML', authorityId: 'ML-CA' },
  ADMIN: { userId: 'u-admin', role: 'ADMIN', stateCode: 'SN', authorityId: 'SN-MOJ' },
};

export function as(relation: CaseRelation, command: MlaCommand, occurredAt?: string): CommandEnvelope {
  return { command, relation, actor: ACTORS[relation], occurredAt };
}
