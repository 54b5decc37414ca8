import type { ExtraditionCommand, ExtraditionContent, ExtraditionEnvelope } from '../../libs/domain/src';
import type { ActorRef } from '../../libs/domain/src/roles';
import type { LegalBasisSnapshot } from '../../libs/domain/src/rule-pack';
import { testBasis, testContext, testRulePack } from './mla-fixtures';

/** ECOWAS-EXT-1994 with the scenarios' test values: PA 20/40, surrender 15/30, reminders on D10 and D17 at 09:00. */
export function extraditionBasis(over: Partial<LegalBasisSnapshot> = {}): LegalBasisSnapshot {
  const pack = testRulePack({ instrumentId: 'ECOWAS-EXT-1994', completenessProfile: 'ECOWAS_5_1' });
  const rule = (amount: number) => ({ amount, unit: 'CALENDAR_DAYS' as const, legalRef: 'ECOWAS Extradition Convention (to verify)', verified: false });
  pack.clocks = {
    ...pack.clocks,
    PA_SOFT: rule(20),
    PA_HARD: rule(40),
    SURRENDER_SOFT: rule(15),
    SURRENDER_HARD: rule(30),
    PA_REMINDER_DAYS: { days: [10, 17], unit: 'CALENDAR_DAYS', atLocalTime: '09:00' } as never,
  };
  return testBasis({ instrumentId: 'ECOWAS-EXT-1994', rulePack: pack, ...over });
}

export const extraditionContext = (over = {}) =>
  testContext({
    requestingState: 'NG',
    requestedState: 'BJ',
    timeZones: { requesting: 'Africa/Lagos', requested: 'Africa/Porto-Novo' },
    requestedStateLanguages: ['fr'],
    network: { liaisonMagistrate: false, focalPointStates: ['BJ', 'NG'] },
    ...over,
  });

export function extraditionContent(over: Partial<ExtraditionContent> = {}): ExtraditionContent {
  return {
    person: { role: 'ACCUSED', name: 'Person C', nationality: 'NG', identifier: 'NG-PASSPORT-A1234567' },
    offence: 'Smuggling of migrants (Protocol art. 6)',
    factsSummary: 'Organised sea crossings from Lagos in 2023.',
    purpose: 'PROSECUTION',
    language: 'en',
    urgency: 'URGENT',
    ...over,
  };
}

const ACTORS: Record<string, ActorRef> = {
  REQUESTING_PROSECUTOR: { userId: 'u-ng-prosecutor', role: 'PROSECUTOR', stateCode: 'NG', authorityId: 'NG-PROS' },
  REQUESTING_CA: { userId: 'u-ng-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'NG', authorityId: 'NG-CA' },
  REQUESTED_CA: { userId: 'u-bj-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'BJ', authorityId: 'BJ-CA' },
  SYSTEM: { userId: 'system', role: 'SYSTEM' as never, stateCode: '', authorityId: '' },
};

export function xas(relation: keyof typeof ACTORS, command: ExtraditionCommand, occurredAt?: string): ExtraditionEnvelope {
  return { command, relation: relation as ExtraditionEnvelope['relation'], actor: ACTORS[relation], occurredAt };
}
